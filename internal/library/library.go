// Package library is the test fixture of aquila's public packages: a small
// library of authors, books and tags with a many-to-many link, declared
// with identity keys, defaults, unique, check and foreign-key constraints
// and indexes of two methods; its row types; a typed binding of books; and
// the goose migration that creates it. The tests of model and query use it
// instead of the reference service's catalog, so that a change to a
// service cannot break them. Nothing else imports it.
package library

import (
	"encoding/json"
	"testing"
	"testing/fstest"
	"time"

	"github.com/aquila-go/aquila/model"
)

// Tables returns the library's tables in dependency order.
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

// Author is a row of authors.
type Author struct {
	ID        int64
	Name      string
	Email     *string
	Bio       *string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Book is a row of books.
type Book struct {
	ID          int64
	AuthorID    int64
	Isbn        string
	Title       string
	PublishedOn time.Time
	PriceCents  int32
	Pages       int32
	Attributes  json.RawMessage
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Tag is a row of tags.
type Tag struct {
	ID        int64
	Name      string
	CreatedAt time.Time
}

// Library is the validated registry and the typed binding of books, which
// writes every column the server does not fill in (binary COPY).
type Library struct {
	Registry *model.Registry
	Books    *model.Binding[Book]
}

// New validates the metadata and binds books.
func New() (*Library, error) {
	reg, err := model.NewRegistry(Tables()...)
	if err != nil {
		return nil, err
	}
	books, err := model.BindRow(reg, "books", []model.Field[Book]{
		model.Int64("id", func(r *Book) int64 { return r.ID }),
		model.Int64("author_id", func(r *Book) int64 { return r.AuthorID }),
		model.String("isbn", func(r *Book) string { return r.Isbn }),
		model.String("title", func(r *Book) string { return r.Title }),
		model.Time("published_on", func(r *Book) time.Time { return r.PublishedOn }),
		model.Int32("price_cents", func(r *Book) int32 { return r.PriceCents }),
		model.Int32("pages", func(r *Book) int32 { return r.Pages }),
		model.Bytes("attributes", func(r *Book) []byte { return r.Attributes }),
		model.Time("created_at", func(r *Book) time.Time { return r.CreatedAt }),
		model.Time("updated_at", func(r *Book) time.Time { return r.UpdatedAt }),
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

// Migrations holds the library as one goose migration, written from the
// metadata: Up creates it, Down drops it.
func (l *Library) Migrations() fstest.MapFS {
	up := "-- +goose Up\n" + model.Script(l.Registry.CreateStatements()) +
		"\n-- +goose Down\n" + model.Script(l.Registry.DropStatements())
	return fstest.MapFS{"00001_library.sql": {Data: []byte(up)}}
}
