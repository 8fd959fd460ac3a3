// Package library is the test fixture of aquila's public packages: a small
// library of authors, books and tags with a many-to-many link, declared
// with identity keys, defaults, unique, check and foreign-key constraints,
// indexes of two methods and columns of text, integers, date, jsonb,
// timestamptz, numeric and text[]; the goose migration that creates it
// (FS); the sqlc queries the tests run on it, generated with the
// replica-routed Querier and the statement list into library/db; and a
// typed binding of books. The tests of model, query, postgres and openapi
// use it instead of the reference service's catalog, so that a change to a
// service cannot break them. Nothing else imports it.
package library

import (
	"embed"
	"testing"
	"time"

	"github.com/aquila-go/aquila/internal/library/db"
	"github.com/aquila-go/aquila/model"
)

// Tables returns the library's tables in dependency order.
func Tables() []*model.TableDef {
	authors := model.Table("authors",
		model.Col("id", model.BigInt).Identity().PrimaryKey(),
		model.Col("name", model.Text).NotNull().Check(`char_length("name") BETWEEN 1 AND 200`),
		model.Col("email", model.Text).Unique().Check(`"email" LIKE '%_@_%'`),
		model.Col("bio", model.Text),
		model.Col("born_on", model.Date),
		model.Col("languages", model.Text.Array()).NotNull().Default("'{}'"),
		model.Col("created_at", model.TimestampTZ).NotNull().Default("now()"),
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
		model.Col("weight", model.Numeric(4, 2)).NotNull().Default("1").Check(`"weight" > 0`),
	)
	bookTags := model.ManyToMany("book_tags", model.Link{Column: "book_id", Table: books}, model.Link{Column: "tag_id", Table: tags})
	return []*model.TableDef{authors, books, tags, bookTags}
}

// Library is the validated registry and the typed binding of books, which
// writes every column the server does not fill in (binary COPY).
type Library struct {
	Registry *model.Registry
	Books    *model.Binding[db.Book]
}

// New validates the metadata and binds books.
func New() (*Library, error) {
	reg, err := model.NewRegistry(Tables()...)
	if err != nil {
		return nil, err
	}
	books, err := model.BindRow(reg, "books", []model.Field[db.Book]{
		model.Int64("id", func(r *db.Book) int64 { return r.ID }),
		model.Int64("author_id", func(r *db.Book) int64 { return r.AuthorID }),
		model.String("isbn", func(r *db.Book) string { return r.Isbn }),
		model.String("title", func(r *db.Book) string { return r.Title }),
		model.Time("published_on", func(r *db.Book) time.Time { return r.PublishedOn }),
		model.Int32("price_cents", func(r *db.Book) int32 { return r.PriceCents }),
		model.Int32("pages", func(r *db.Book) int32 { return r.Pages }),
		model.Bytes("attributes", func(r *db.Book) []byte { return r.Attributes }),
		model.Time("created_at", func(r *db.Book) time.Time { return r.CreatedAt }),
		model.Time("updated_at", func(r *db.Book) time.Time { return r.UpdatedAt }),
	})
	if err != nil {
		return nil, err
	}
	return &Library{Registry: reg, Books: books}, nil
}

// Load is New for a test: it fails t on an error.
func Load(t testing.TB) *Library {
	t.Helper()
	l, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// FS holds the library's goose migration, named Migration: what the
// metadata's CREATE statements make (Up) and DROP statements undo (Down).
// sqlc reads it as the schema of the queries.
//
//go:embed 00001_library.sql
var FS embed.FS

// Migration is the name of the migration in FS.
const Migration = "00001_library.sql"

// Script is the migration FS holds, written from the metadata.
func (l *Library) Script() string {
	return "-- +goose Up\n" + model.Script(l.Registry.CreateStatements()) +
		"\n-- +goose Down\n" + model.Script(l.Registry.DropStatements())
}
