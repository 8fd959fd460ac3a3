package postgres

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/aquila-go/aquila/internal/library/db"
)

// BenchmarkRouteDecision measures what the router adds to each routed read
// without any I/O: a Session per request with the generated RoutedQueries
// over it, and per read the round-robin pick among two healthy replicas and
// the fallback wrapper a replica read returns. The helpers are not inlined,
// so everything is allocated as in real use.
// (BenchmarkRouterOverhead measures the same on a real round trip.)
//
//	go test -run '^$' -bench BenchmarkRouteDecision -benchmem ./postgres
func BenchmarkRouteDecision(b *testing.B) {
	r := &Router{replicas: []*replica{{}, {}}}
	for _, rep := range r.replicas {
		rep.healthy.Store(true)
	}
	r.publish()
	ctx := context.Background()
	b.Run("session", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if benchSession(r) == nil {
				b.Fatal("nil queries")
			}
		}
	})
	b.Run("read", func(b *testing.B) {
		b.ReportAllocs()
		s := r.Session()
		for b.Loop() {
			if benchRead(ctx, s) == nil {
				b.Fatal("no replica picked")
			}
		}
	})
}

// benchSession is what a request provider does.
//
//go:noinline
func benchSession(r *Router) *db.RoutedQueries {
	s := r.Session()
	return db.NewRouted(s.Reader(), s.Writer())
}

// benchRead is Reader.QueryRow without the pool's QueryRow.
//
//go:noinline
func benchRead(ctx context.Context, s *Session) pgx.Row {
	rep := s.replica()
	if rep == nil {
		return nil
	}
	return &fallbackRow{s: s, rep: rep, ctx: ctx, sql: "SELECT 1"}
}
