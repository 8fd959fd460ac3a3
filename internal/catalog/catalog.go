package catalog

import (
	"github.com/aquila-go/aquila/internal/db"
	"github.com/aquila-go/aquila/model"
)

// Tables returns the reference catalog's tables in dependency order.
func Tables() []*model.TableDef {
	authors := model.Table("authors",
		model.Col("id", model.BigInt).Identity().PrimaryKey(),
		model.Col("name", model.Text).NotNull().Check(`char_length("name") BETWEEN 1 AND 200`),
		model.Col("email", model.Text).Unique().Check(`"email" LIKE '%_@_%'`),
		model.Col("bio", model.Text),
		model.Col("created_at", model.TimestampTZ).NotNull().Default("now()"),
		model.Col("updated_at", model.TimestampTZ).NotNull().Default("now()"),
	)
	books := model.Table("books",
		model.Col("id", model.BigInt).Identity().PrimaryKey(),
		model.Col("author_id", model.BigInt).NotNull().References("authors", "id").OnDelete(model.Restrict),
		model.Col("isbn", model.Text).NotNull().Unique().Check(`"isbn" ~ '^[0-9]{13}$'`),
		model.Col("title", model.Text).NotNull().Check(`char_length("title") BETWEEN 1 AND 500`),
		model.Col("published_on", model.Date).NotNull(),
		model.Col("price_cents", model.Integer).NotNull().Check(`"price_cents" >= 0`),
		model.Col("pages", model.Integer).NotNull().Check(`"pages" > 0`),
		model.Col("attributes", model.JSONB),
		model.Col("created_at", model.TimestampTZ).NotNull().Default("now()"),
		model.Col("updated_at", model.TimestampTZ).NotNull().Default("now()"),
		model.Index("author_id"),
		model.Index("published_on", "id"),
		model.Index("attributes").Using(model.GIN),
	)
	tags := model.Table("tags",
		model.Col("id", model.BigInt).Identity().PrimaryKey(),
		model.Col("name", model.Text).NotNull().Unique().Check(`"name" ~ '^[a-z0-9][a-z0-9-]{0,49}$'`),
		model.Col("created_at", model.TimestampTZ).NotNull().Default("now()"),
	)
	bookTags := model.ManyToMany("book_tags", model.Link{Column: "book_id", Table: books}, model.Link{Column: "tag_id", Table: tags})
	return []*model.TableDef{authors, books, tags, bookTags}
}

// Catalog is the validated reference catalog with its tables bound to the
// sqlc row types by the bindings cmd/aquilagen generates into internal/db
// (binary COPY, no allocation per row). The bindings write every column
// without a server-side value: identity keys and created_at/updated_at
// take their defaults.
type Catalog struct {
	Registry *model.Registry
	Authors  *model.Binding[db.Author]
	Books    *model.Binding[db.Book]
	Tags     *model.Binding[db.Tag]
	BookTags *model.Binding[db.BookTag]
}

// New validates the catalog metadata and binds its tables; a row type that
// disagrees with the metadata is an error naming the table and column.
func New() (*Catalog, error) {
	reg, err := model.NewRegistry(Tables()...)
	if err != nil {
		return nil, err
	}
	b, err := db.NewBindings(reg)
	if err != nil {
		return nil, err
	}
	return &Catalog{Registry: reg, Authors: b.Authors, Books: b.Books, Tags: b.Tags, BookTags: b.BookTags}, nil
}
