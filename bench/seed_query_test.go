package bench

import (
	"testing"
	"time"

	"github.com/aquila-go/aquila/internal/catalog"
	"github.com/aquila-go/aquila/internal/db"
	"github.com/aquila-go/aquila/query"
)

// The seed's dynamic-filter rows (Aquilia's Q().filter()…), reproduced with
// aquila's query builder on the catalog's books table. One iteration builds
// a new query, checks it against the metadata, finds its SQL in the shape
// cache (rendered on the first iteration only) and binds the arguments, as
// a handler does per request; no database is involved:
//
//	SeedFilter/clauses=1            one condition (1.13 µs in Python)
//	SeedFilter/filter_order_limit   two conditions, an order and a limit
//	                                (2.95 µs in Python)

// Sinks: the built SQL and arguments are handed on, as to a connection.
var (
	seedSQL  string
	seedArgs []any
)

func seedBooks(b *testing.B) *query.Table[db.Book] {
	b.Helper()
	cat, err := catalog.New()
	if err != nil {
		b.Fatal(err)
	}
	s, err := query.NewSchema(cat.Registry, query.SchemaConfig{})
	if err != nil {
		b.Fatal(err)
	}
	books, err := query.NewTable(s, query.TableConfig[db.Book]{
		Table:   "books",
		Columns: []string{"id", "author_id", "isbn", "title", "published_on"},
		Fields: func(r *db.Book, dst []any) []any {
			return append(dst, &r.ID, &r.AuthorID, &r.Isbn, &r.Title, &r.PublishedOn)
		},
		Key: []string{"id"},
	})
	if err != nil {
		b.Fatal(err)
	}
	return books
}

func BenchmarkSeedFilter(b *testing.B) {
	books := seedBooks(b)
	b.Run("clauses=1", func(b *testing.B) {
		b.ReportAllocs()
		for id := int64(1); b.Loop(); id++ {
			sql, args, err := books.Select(query.Eq("author_id", id)).SQL()
			if err != nil {
				b.Fatal(err)
			}
			seedSQL, seedArgs = sql, args
		}
	})
	b.Run("filter_order_limit", func(b *testing.B) {
		after := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
		b.ReportAllocs()
		for id := int64(1); b.Loop(); id++ {
			sql, args, err := books.Select(query.Eq("author_id", id), query.Gt("published_on", after)).
				OrderBy(query.Desc("published_on")).Limit(50).SQL()
			if err != nil {
				b.Fatal(err)
			}
			seedSQL, seedArgs = sql, args
		}
	})
}
