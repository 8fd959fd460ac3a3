package query_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/aquila-go/aquila/query"
)

// No database is involved: these benchmarks measure building the SQL text
// and the argument list.

var sink struct {
	sql  string
	args []any
}

// BenchmarkBuildOneClause: a new query with one condition, built (shape
// cached after the first iteration) and bound.
func BenchmarkBuildOneClause(b *testing.B) {
	c := newFixture(b)
	b.ReportAllocs()
	id := int64(12345)
	for b.Loop() {
		sql, args, err := c.books.Select(query.Eq("author_id", id)).SQL()
		if err != nil {
			b.Fatal(err)
		}
		sink.sql, sink.args = sql, args
	}
}

// BenchmarkBuildFilterOrderLimit: two filters, an order and a limit.
func BenchmarkBuildFilterOrderLimit(b *testing.B) {
	c := newFixture(b)
	b.ReportAllocs()
	id := int64(12345)
	after := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		sql, args, err := c.books.Select(query.Eq("author_id", id), query.Gt("published_on", after)).
			OrderBy(query.Desc("published_on")).Limit(50).SQL()
		if err != nil {
			b.Fatal(err)
		}
		sink.sql, sink.args = sql, args
	}
}

// BenchmarkShapeCacheHit: an existing query built again — shape key,
// column resolution, argument binding and the cache lookup, without
// creating the query.
func BenchmarkShapeCacheHit(b *testing.B) {
	c := newFixture(b)
	q := c.books.Select(query.Eq("author_id", int64(12345)))
	b.ReportAllocs()
	for b.Loop() {
		sql, args, err := q.SQL()
		if err != nil {
			b.Fatal(err)
		}
		sink.sql, sink.args = sql, args
	}
}

// BenchmarkShapeCacheHitParallel: the hit path from every CPU at once.
func BenchmarkShapeCacheHitParallel(b *testing.B) {
	c := newFixture(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		q := c.books.Select(query.Eq("author_id", int64(12345)))
		for pb.Next() {
			if _, _, err := q.SQL(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkParseRequest: an Endpoint parsing a typical list request.
func BenchmarkParseRequest(b *testing.B) {
	c := newFixture(b)
	v := mustQuery(b, "author_id=3&published_after=2020-01-01&title=go&order=-published_on&limit=50")
	b.ReportAllocs()
	for b.Loop() {
		q, err := c.endpoint.Parse(v)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := q.SQL(); err != nil {
			b.Fatal(err)
		}
	}
}

func mustQuery(tb testing.TB, raw string) url.Values {
	tb.Helper()
	v, err := url.ParseQuery(raw)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}
