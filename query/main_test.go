package query_test

import (
	"os"
	"testing"

	"github.com/aquila-go/aquila/internal/library"
	"github.com/aquila-go/aquila/internal/library/db"
	"github.com/aquila-go/aquila/postgres/pgtest"
	"github.com/aquila-go/aquila/query"
)

var pg = pgtest.New()

func TestMain(m *testing.M) { os.Exit(pg.Run(m)) }

func testKey() []byte    { return []byte("test-cursor-key-0123456789abcdef!") }
func rotatedKey() []byte { return []byte("rotated-cursor-key-0123456789abcdef") }

// fixture is the library of package library as a service would set it
// up: a schema with a cursor key, books and authors bound to their row
// types, and the books list endpoint.
type fixture struct {
	schema   *query.Schema
	books    *query.Table[db.Book]
	authors  *query.Table[db.Author]
	endpoint *query.Endpoint[db.Book]
}

func bookFields(b *db.Book, dst []any) []any {
	return append(dst, &b.ID, &b.AuthorID, &b.Isbn, &b.Title, &b.PublishedOn,
		&b.PriceCents, &b.Pages, &b.Attributes, &b.CreatedAt, &b.UpdatedAt)
}

func authorFields(a *db.Author, dst []any) []any {
	return append(dst, &a.ID, &a.Name, &a.Email, &a.Bio, &a.BornOn, &a.Languages, &a.CreatedAt)
}

// booksEndpoint is the allow-list of GET /books.
func booksEndpoint() query.EndpointConfig {
	return query.EndpointConfig{
		Filters: []query.Filter{
			{Param: "author_id", Ops: []query.Op{query.OpEq, query.OpIn}},
			{Param: "published_after", Column: "published_on", Ops: []query.Op{query.OpGt}},
			{Param: "published_before", Column: "published_on", Ops: []query.Op{query.OpLt}},
			{Param: "tag", Column: "name", Ops: []query.Op{query.OpEq, query.OpIn}, Path: []query.Hop{
				{Column: "id", Table: "book_tags", Key: "book_id"},
				{Column: "tag_id", Table: "tags", Key: "id"},
			}},
			{Param: "title", Ops: []query.Op{query.OpIContains, query.OpEq, query.OpHasPrefix}},
			{Param: "price_cents", Ops: []query.Op{query.OpEq, query.OpLt, query.OpLe, query.OpGt, query.OpGe, query.OpBetween}},
			{Param: "attributes", Ops: []query.Op{query.OpIsNull}},
		},
		Sort:         []string{"published_on", "title", "price_cents", "id"},
		DefaultSort:  []query.Order{query.Desc("published_on")},
		DefaultLimit: 20,
		MaxLimit:     100,
	}
}

func newFixture(t testing.TB, keys ...[]byte) *fixture {
	t.Helper()
	cat, err := library.New()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) == 0 {
		keys = [][]byte{testKey()}
	}
	s, err := query.NewSchema(cat.Registry, query.SchemaConfig{CursorKeys: keys})
	if err != nil {
		t.Fatal(err)
	}
	c := &fixture{schema: s}
	if c.books, err = query.NewTable(s, query.TableConfig[db.Book]{Table: "books", Fields: bookFields, Key: []string{"id"}}); err != nil {
		t.Fatal(err)
	}
	if c.authors, err = query.NewTable(s, query.TableConfig[db.Author]{Table: "authors", Fields: authorFields, Key: []string{"id"}}); err != nil {
		t.Fatal(err)
	}
	if c.endpoint, err = query.NewEndpoint(c.books, booksEndpoint()); err != nil {
		t.Fatal(err)
	}
	return c
}
