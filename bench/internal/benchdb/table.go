package benchdb

import "github.com/aquila-go/aquila/model"

// ModelsTable describes the models table. It returns a new definition on
// every call (the package keeps no state); hand it to model.NewRegistry.
func ModelsTable() *model.TableDef {
	return model.Table("models",
		model.Col("id", model.Serial).PrimaryKey(),
		model.Col("name", model.Text).NotNull(),
		model.Col("title", model.Text).NotNull(),
		model.Col("fax", model.Text).NotNull(),
		model.Col("web", model.Text).NotNull(),
		model.Col("age", model.Integer).NotNull(),
		model.Col("right", model.Boolean).NotNull(),
		model.Col("counter", model.BigInt).NotNull(),
	)
}

// Registry validates the benchmark tables' metadata.
func Registry() (*model.Registry, error) { return model.NewRegistry(ModelsTable()) }

// InsertColumns are the columns every insert writes: all but the serial id.
func InsertColumns() []string {
	return []string{"name", "title", "fax", "web", "age", "right", "counter"}
}

// BindModels binds the models table of reg to Model for model.BulkCreate,
// with typed fields (model.BindFields): rows are encoded straight into
// COPY's binary format, without []any.
func BindModels(reg *model.Registry) (*model.Binding[Model], error) {
	return model.BindFields(reg.Table("models"),
		model.String("name", func(m *Model) string { return m.Name }),
		model.String("title", func(m *Model) string { return m.Title }),
		model.String("fax", func(m *Model) string { return m.Fax }),
		model.String("web", func(m *Model) string { return m.Web }),
		model.Int32("age", func(m *Model) int32 { return m.Age }),
		model.Bool("right", func(m *Model) bool { return m.Right }),
		model.Int64("counter", func(m *Model) int64 { return m.Counter }),
	)
}

// NewModel returns the row every benchmark writes: efectn's constants.
func NewModel() Model {
	return Model{
		Name:    "Orm Benchmark",
		Title:   "Just a Benchmark for fun",
		Fax:     "99909990",
		Web:     "http://blog.milkpod29.me",
		Age:     100,
		Right:   true,
		Counter: 1000,
	}
}
