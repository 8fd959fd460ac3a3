package postgres_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aquila-go/aquila/internal/db"
	"github.com/aquila-go/aquila/postgres"
	"github.com/aquila-go/aquila/schema"
)

// BenchmarkFirstQuery measures the first query on a freshly opened pool
// against the steady state on the same connection, with prepare-on-connect
// on and off. Each iteration opens a one-connection pool (not timed), then
// times GetBook once (first) and again on the same, now used, connection
// (steady). Both are issued after the same 2 ms idle gap, so the comparison
// isolates the cost of first use (prepare, planning, catalog caches) from
// the scheduler's wake-up cost that any query after a pause pays on an idle
// machine. Reported: first-µs, steady-µs (medians) and first/steady; ns/op
// is the first query.
func BenchmarkFirstQuery(b *testing.B) {
	ctx := context.Background()
	dsn := pg.URL(b, schema.FS)
	setup, err := postgres.Open(ctx, postgres.Config{DSN: dsn})
	if err != nil {
		b.Fatal(err)
	}
	var authorID, bookID int64
	if err := setup.QueryRow(ctx, `INSERT INTO "authors" ("name") VALUES ('a') RETURNING "id"`).Scan(&authorID); err != nil {
		b.Fatal(err)
	}
	if err := setup.QueryRow(ctx, `INSERT INTO "books" ("author_id","isbn","title","published_on","price_cents","pages") VALUES ($1,'9780000000001','t','2020-01-01',1,1) RETURNING "id"`, authorID).Scan(&bookID); err != nil {
		b.Fatal(err)
	}
	setup.Close()

	for _, tc := range []struct {
		name    string
		prepare []string
	}{
		{"prepare=on", db.Statements()},
		{"prepare=off", nil},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var firsts, steadies []time.Duration
			for b.Loop() {
				b.StopTimer()
				pool, err := postgres.Open(ctx, postgres.Config{DSN: dsn, MaxConns: 1, MinIdleConns: 1, Prepare: tc.prepare})
				if err != nil {
					b.Fatal(err)
				}
				q := db.New(pool)
				time.Sleep(2 * time.Millisecond)
				b.StartTimer()
				start := time.Now()
				if _, err := q.GetBook(ctx, bookID); err != nil {
					b.Fatal(err)
				}
				firsts = append(firsts, time.Since(start))
				b.StopTimer()
				time.Sleep(2 * time.Millisecond)
				s := time.Now()
				if _, err := q.GetBook(ctx, bookID); err != nil {
					b.Fatal(err)
				}
				steadies = append(steadies, time.Since(s))
				pool.Close()
				b.StartTimer()
			}
			f, s := median(firsts), median(steadies)
			b.ReportMetric(float64(f.Nanoseconds())/1e3, "first-µs")
			b.ReportMetric(float64(s.Nanoseconds())/1e3, "steady-µs")
			b.ReportMetric(float64(f)/float64(s), "first/steady")
		})
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
