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
// times GetBook once (first) and 20 more times (steady, median). Reported:
// first-µs, steady-µs and first/steady; ns/op is the first query.
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
				b.StartTimer()
				start := time.Now()
				if _, err := q.GetBook(ctx, bookID); err != nil {
					b.Fatal(err)
				}
				firsts = append(firsts, time.Since(start))
				b.StopTimer()
				var run []time.Duration
				for range 20 {
					s := time.Now()
					if _, err := q.GetBook(ctx, bookID); err != nil {
						b.Fatal(err)
					}
					run = append(run, time.Since(s))
				}
				steadies = append(steadies, median(run))
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
