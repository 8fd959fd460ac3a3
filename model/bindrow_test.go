package model_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aquila-go/aquila/model"
)

// item is a row type as sqlc writes it for itemsTable.
type item struct {
	ID      int64
	Name    string
	Price   pgtype.Numeric
	Tags    []string
	Created pgtype.Timestamptz
}

func itemFields() []model.Field[item] {
	return []model.Field[item]{
		model.Int64("id", func(r *item) int64 { return r.ID }),
		model.String("name", func(r *item) string { return r.Name }),
		model.PgNumeric("price", func(r *item) pgtype.Numeric { return r.Price }),
		model.StringArray("tags", func(r *item) []string { return r.Tags }),
		model.PgTimestamptz("created", func(r *item) pgtype.Timestamptz { return r.Created }),
	}
}

func itemsTable(price model.Type) *model.TableDef {
	return model.Table("items",
		model.Col("id", model.BigInt).Identity().PrimaryKey(),
		model.Col("name", model.Text).NotNull(),
		model.Col("price", price).NotNull(),
		model.Col("tags", model.Text.Array()),
		model.Col("created", model.TimestampTZ).NotNull().Default("now()"),
	)
}

func TestBindRow(t *testing.T) {
	t.Parallel()
	reg, err := model.NewRegistry(itemsTable(model.Numeric(10, 2)))
	if err != nil {
		t.Fatal(err)
	}
	b, err := model.BindRow(reg, "items", itemFields())
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(b.Columns(), ","); got != "name,price,tags" {
		t.Errorf("default columns = %s, want name,price,tags (no identity, no default)", got)
	}
	all, err := model.BindRow(reg, "items", itemFields(), "id", "name", "price", "tags", "created")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pool := poolWith(t, reg)
	if _, err := model.BulkCreate(ctx, pool, b, []item{{Name: "a", Price: num(t, "1.50"), Tags: []string{"x", "y"}}}); err != nil {
		t.Fatal(err)
	}
	var tz pgtype.Timestamptz
	if err := tz.Scan("2024-01-02 03:04:05Z"); err != nil {
		t.Fatal(err)
	}
	if _, err := model.BulkCreate(ctx, pool, all, []item{{ID: 100, Name: "b", Price: num(t, "2"), Created: tz}}); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := pool.QueryRow(ctx, `SELECT string_agg(format('%s %s %s %s %s', id, name, price, tags, created AT TIME ZONE 'UTC'), '; ' ORDER BY id) FROM items`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if want := "1 a 1.50 {x,y} "; !strings.HasPrefix(got, want) || !strings.HasSuffix(got, "; 100 b 2.00  2024-01-02 03:04:05") {
		t.Errorf("rows = %q", got)
	}
}

// TestBindRowMismatch is the check that catches a row type generated from
// a schema the metadata no longer agrees with.
func TestBindRowMismatch(t *testing.T) {
	for _, tc := range []struct {
		name    string
		table   *model.TableDef
		fields  []model.Field[item]
		columns []string
		err     error
		column  string
		msg     string
	}{
		{"wrong type", itemsTable(model.Double), itemFields(), nil, model.ErrFieldType, "price",
			`model: table "items" column "price": field does not match the column type: pgtype.Numeric field of model_test.item; the column is double precision`},
		{"column the table lacks", model.Table("items", model.Col("id", model.BigInt).PrimaryKey(), model.Col("name", model.Text),
			model.Col("price", model.Numeric(10, 2)), model.Col("created", model.TimestampTZ)), itemFields(), nil, model.ErrUnknownColumn, "tags",
			`model: table "items" column "tags": unknown column: model_test.item has a field for it ([]string)`},
		{"column the row type lacks", model.Table("items", model.Col("id", model.BigInt).PrimaryKey(), model.Col("name", model.Text),
			model.Col("price", model.Numeric(10, 2)), model.Col("tags", model.Text.Array()), model.Col("created", model.TimestampTZ),
			model.Col("sku", model.Varchar(20))), itemFields(), nil, model.ErrMissingField, "sku",
			`model: table "items" column "sku": row type has no field for the column: model_test.item has no field for it; the column is varchar(20)`},
		{"unknown column asked", itemsTable(model.Numeric(10, 2)), itemFields(), []string{"name", "nope"}, model.ErrUnknownColumn, "nope", ""},
		{"column asked twice", itemsTable(model.Numeric(10, 2)), itemFields(), []string{"name", "name"}, model.ErrDuplicateBinding, "name", ""},
		{"field twice", itemsTable(model.Numeric(10, 2)), append(itemFields(), itemFields()[1]), nil, model.ErrDuplicateBinding, "name", ""},
	} {
		reg, err := model.NewRegistry(tc.table)
		if err != nil {
			t.Fatal(err)
		}
		_, err = model.BindRow(reg, "items", tc.fields, tc.columns...)
		var me *model.Error
		if !errors.Is(err, tc.err) || !errors.As(err, &me) || me.Table != "items" || me.Column != tc.column {
			t.Errorf("%s: BindRow = %v, want %v on items.%s", tc.name, err, tc.err, tc.column)
			continue
		}
		if tc.msg != "" && err.Error() != tc.msg {
			t.Errorf("%s: message\n%s\nwant\n%s", tc.name, err, tc.msg)
		}
	}
	reg, err := model.NewRegistry(itemsTable(model.Numeric(10, 2)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := model.BindRow(reg, "nope", itemFields()); !errors.Is(err, model.ErrUnknownTable) {
		t.Errorf("unknown table: %v", err)
	}
	if _, err := model.BindRow[item](nil, "items", itemFields()); !errors.Is(err, model.ErrNotInRegistry) {
		t.Errorf("nil registry: %v", err)
	}
}
