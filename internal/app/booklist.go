package app

import (
	"crypto/rand"
	"log/slog"

	"github.com/aquila-go/aquila/cli"
	"github.com/aquila-go/aquila/internal/catalog"
	"github.com/aquila-go/aquila/internal/db"
	"github.com/aquila-go/aquila/query"
)

// BookList is the app-scoped compiled list endpoint of GET /books: the
// allow-list of filters and orders, checked against the catalog metadata
// once at start-up. Query shapes it produces are cached in its schema.
type BookList struct {
	Endpoint *query.Endpoint[db.Book]
}

// ProvideBookList builds GET /books' endpoint. Cursors are signed with
// cfg.CursorKey; without one a random key is made, so cursors do not
// survive a restart.
func ProvideBookList(cat *catalog.Catalog, cfg cli.Config, log *slog.Logger) (*BookList, error) {
	key := cfg.CursorKey
	if key == nil {
		log.Warn("no cursor key configured (-cursor-key): list cursors will not survive a restart")
		key = make([]byte, query.MinCursorKeySize)
		rand.Read(key)
	}
	return newBookList(cat, key, BooksEndpoint())
}

// BooksEndpoint is what GET /books accepts: its filters, orders and page
// sizes. The API document is generated from it.
func BooksEndpoint() query.EndpointConfig {
	tagPath := []query.Hop{{Column: "id", Table: "book_tags", Key: "book_id"}, {Column: "tag_id", Table: "tags", Key: "id"}}
	return query.EndpointConfig{
		Filters: []query.Filter{
			{Param: "author_id", Ops: []query.Op{query.OpEq, query.OpIn}},
			{Param: "isbn", Ops: []query.Op{query.OpEq}},
			{Param: "title", Ops: []query.Op{query.OpIContains, query.OpIHasPrefix}},
			{Param: "published_on", Ops: []query.Op{query.OpEq, query.OpGe, query.OpLe, query.OpBetween}},
			{Param: "published_after", Column: "published_on", Ops: []query.Op{query.OpGt}},
			{Param: "published_before", Column: "published_on", Ops: []query.Op{query.OpLt}},
			{Param: "price_cents", Ops: []query.Op{query.OpEq, query.OpLt, query.OpLe, query.OpGt, query.OpGe, query.OpBetween}},
			{Param: "pages", Ops: []query.Op{query.OpEq, query.OpLt, query.OpLe, query.OpGt, query.OpGe, query.OpBetween}},
			{Param: "tag", Column: "name", Ops: []query.Op{query.OpEq, query.OpIn}, Path: tagPath},
		},
		Sort:         []string{"published_on", "title", "price_cents", "pages", "id"},
		DefaultSort:  []query.Order{query.Asc("published_on")},
		DefaultLimit: 50,
		MaxLimit:     500,
	}
}

// newBookList compiles GET /books' endpoint from cfg against the catalog
// metadata, with cursors signed by key.
func newBookList(cat *catalog.Catalog, key []byte, cfg query.EndpointConfig) (*BookList, error) {
	s, err := query.NewSchema(cat.Registry, query.SchemaConfig{CursorKeys: [][]byte{key}})
	if err != nil {
		return nil, err
	}
	books, err := query.NewTable(s, query.TableConfig[db.Book]{
		Table: "books",
		Fields: func(b *db.Book, dst []any) []any {
			return append(dst, &b.ID, &b.AuthorID, &b.Isbn, &b.Title, &b.PublishedOn,
				&b.PriceCents, &b.Pages, &b.Attributes, &b.CreatedAt, &b.UpdatedAt)
		},
		Key: []string{"id"},
	})
	if err != nil {
		return nil, err
	}
	ep, err := query.NewEndpoint(books, cfg)
	if err != nil {
		return nil, err
	}
	return &BookList{Endpoint: ep}, nil
}
