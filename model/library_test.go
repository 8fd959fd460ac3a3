package model_test

import (
	"testing"
	"testing/fstest"
	"time"

	"github.com/aquila-go/aquila/model"
)

// The fixture of model's tests is a small library: authors, books, tags
// and the link between books and tags, with identity keys, defaults,
// unique, check and foreign-key constraints, a many-to-many table and
// indexes of two methods. It belongs to these tests alone, so that no
// service's schema can break them.
func libraryTables() []*model.TableDef {
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

// book is a row of books, as a service's row type would be.
type book struct {
	ID          int64
	AuthorID    int64
	Isbn        string
	Title       string
	PublishedOn time.Time
	PriceCents  int32
	Pages       int32
	Attributes  []byte
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// library is the fixture's registry and the typed binding of its books
// (binary COPY of every column the server does not fill in).
type library struct {
	Registry *model.Registry
	Books    *model.Binding[book]
}

func newLibrary() (*library, error) {
	reg, err := model.NewRegistry(libraryTables()...)
	if err != nil {
		return nil, err
	}
	books, err := model.BindRow(reg, "books", []model.Field[book]{
		model.Int64("id", func(r *book) int64 { return r.ID }),
		model.Int64("author_id", func(r *book) int64 { return r.AuthorID }),
		model.String("isbn", func(r *book) string { return r.Isbn }),
		model.String("title", func(r *book) string { return r.Title }),
		model.Time("published_on", func(r *book) time.Time { return r.PublishedOn }),
		model.Int32("price_cents", func(r *book) int32 { return r.PriceCents }),
		model.Int32("pages", func(r *book) int32 { return r.Pages }),
		model.Bytes("attributes", func(r *book) []byte { return r.Attributes }),
		model.Time("created_at", func(r *book) time.Time { return r.CreatedAt }),
		model.Time("updated_at", func(r *book) time.Time { return r.UpdatedAt }),
	})
	if err != nil {
		return nil, err
	}
	return &library{Registry: reg, Books: books}, nil
}

func libraryRegistry(t testing.TB) *model.Registry {
	t.Helper()
	l, err := newLibrary()
	if err != nil {
		t.Fatal(err)
	}
	return l.Registry
}

// libraryMigrations creates the library as one goose migration.
func libraryMigrations(t testing.TB) fstest.MapFS {
	reg := libraryRegistry(t)
	up := "-- +goose Up\n" + model.Script(reg.CreateStatements()) + "\n-- +goose Down\n" + model.Script(reg.DropStatements())
	return fstest.MapFS{"00001_library.sql": {Data: []byte(up)}}
}
