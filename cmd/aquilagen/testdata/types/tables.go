// Package types describes its migrations (schema/) as model metadata:
// every column type package model supports, NOT NULL and nullable, in
// scalars and arrays, a table with a composite key and one of serial
// columns. cmd/aquilagen's tests generate bindings for sqlc's two outputs
// of them, pgtypes (sqlc's defaults) and plain (pointers and overrides),
// and round-trip every column through them.
package types

import (
	"embed"
	"io/fs"

	"github.com/aquila-go/aquila/model"
)

//go:embed schema/*.sql
var migrations embed.FS

// Migrations returns the goose migrations sqlc reads (schema/).
func Migrations() (fs.FS, error) { return fs.Sub(migrations, "schema") }

// Tables returns the tables of the migrations.
func Tables() []*model.TableDef {
	scalarTypes := []model.Type{model.SmallInt, model.Integer, model.BigInt, model.Boolean, model.Text, model.Varchar(20),
		model.Real, model.Double, model.Date, model.Timestamp, model.TimestampTZ, model.UUID, model.JSON, model.JSONB,
		model.Bytea, model.Numeric(20, 4)}
	names := []string{"i2", "i4", "i8", "b", "t", "v", "f4", "f8", "d", "ts", "tz", "u", "j", "jb", "by", "n"}
	scalars := []model.Element{model.Col("id", model.BigInt).Identity().PrimaryKey()}
	for i, t := range scalarTypes {
		scalars = append(scalars, model.Col(names[i], t).NotNull())
	}
	for i, t := range scalarTypes {
		scalars = append(scalars, model.Col("n"+names[i], t))
	}
	arrays := []model.Element{model.Col("id", model.Serial).PrimaryKey()}
	for i, t := range scalarTypes {
		switch {
		case t == model.JSON:
			continue // json has no equality operator, so no array of it here
		case i < 8:
			arrays = append(arrays, model.Col(names[i], t.Array()).NotNull())
		default:
			arrays = append(arrays, model.Col(names[i], t.Array()))
		}
	}
	return []*model.TableDef{
		model.Table("scalars", scalars...),
		model.Table("arrays", arrays...),
		model.Table("order_items",
			model.Col("order_id", model.BigInt).NotNull(),
			model.Col("line", model.Integer).NotNull(),
			model.Col("sku", model.Text).NotNull(),
			model.Col("added_at", model.TimestampTZ).NotNull().Default("now()"),
			model.PrimaryKey("order_id", "line"),
		),
		model.Table("counters",
			model.Col("small", model.SmallSerial).NotNull(),
			model.Col("medium", model.Serial).NotNull(),
			model.Col("big", model.BigSerial).PrimaryKey(),
			model.Col("label", model.Text).NotNull(),
		),
	}
}
