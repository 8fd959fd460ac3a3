package catalog

import (
	"time"

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
// sqlc row types through typed fields (model.BindFields: binary COPY, no
// allocation per row). The bindings write every column without a
// server-side value: identity keys and created_at/updated_at take their
// defaults.
type Catalog struct {
	Registry *model.Registry
	Authors  *model.Binding[db.Author]
	Books    *model.Binding[db.Book]
	Tags     *model.Binding[db.Tag]
	BookTags *model.Binding[db.BookTag]
}

// New validates the catalog metadata and binds its tables.
func New() (*Catalog, error) {
	reg, err := model.NewRegistry(Tables()...)
	if err != nil {
		return nil, err
	}
	c := &Catalog{Registry: reg}
	if c.Authors, err = model.BindFields(reg.Table("authors"),
		model.String("name", func(a *db.Author) string { return a.Name }),
		model.StringPtr("email", func(a *db.Author) *string { return a.Email }),
		model.StringPtr("bio", func(a *db.Author) *string { return a.Bio }),
	); err != nil {
		return nil, err
	}
	if c.Books, err = model.BindFields(reg.Table("books"),
		model.Int64("author_id", func(b *db.Book) int64 { return b.AuthorID }),
		model.String("isbn", func(b *db.Book) string { return b.Isbn }),
		model.String("title", func(b *db.Book) string { return b.Title }),
		model.Time("published_on", func(b *db.Book) time.Time { return b.PublishedOn }),
		model.Int32("price_cents", func(b *db.Book) int32 { return b.PriceCents }),
		model.Int32("pages", func(b *db.Book) int32 { return b.Pages }),
		model.Bytes("attributes", func(b *db.Book) []byte { return b.Attributes }),
	); err != nil {
		return nil, err
	}
	if c.Tags, err = model.BindFields(reg.Table("tags"),
		model.String("name", func(t *db.Tag) string { return t.Name }),
	); err != nil {
		return nil, err
	}
	if c.BookTags, err = model.BindFields(reg.Table("book_tags"),
		model.Int64("book_id", func(bt *db.BookTag) int64 { return bt.BookID }),
		model.Int64("tag_id", func(bt *db.BookTag) int64 { return bt.TagID }),
	); err != nil {
		return nil, err
	}
	return c, nil
}
