package bench

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aquila-go/aquila/internal/db"
	"github.com/aquila-go/aquila/postgres"
	"github.com/aquila-go/aquila/schema"
)

// BenchmarkStartup measures the first query of a freshly opened pool
// against the steady state of the same pool, for
//
//	warm=on/prepare=on    aquila's default: postgres.Open connects before
//	                      returning and prepares every sqlc statement (and
//	                      runs the SELECTs once) on each connection
//	warm=on/prepare=off   postgres.Open without Prepare: connected, but the
//	                      first query still prepares its statement
//	warm=off/prepare=off  pgxpool.NewWithConfig as it comes: the first query
//	                      also opens the connection
//
// Each iteration opens a one-connection pool (untimed), waits 2 ms, times
// GetBook (first), waits 2 ms again and times it once more (steady): both
// queries follow the same idle gap, so the ratio isolates the cost of
// first use from the scheduler's wake-up. Reported: first-µs, steady-µs
// (medians) and first/steady; ns/op is the first query.
func BenchmarkStartup(b *testing.B) {
	ctx := context.Background()
	dsn := pg.URL(b, schema.FS)
	bookID := seedBook(b, dsn)
	type opener func() (*pgxpool.Pool, error)
	for _, tc := range []struct {
		name string
		open opener
	}{
		{"warm=on/prepare=on", func() (*pgxpool.Pool, error) {
			return postgres.Open(ctx, postgres.Config{DSN: dsn, MaxConns: 1, MinIdleConns: 1, Prepare: db.Statements()})
		}},
		{"warm=on/prepare=off", func() (*pgxpool.Pool, error) {
			return postgres.Open(ctx, postgres.Config{DSN: dsn, MaxConns: 1, MinIdleConns: 1})
		}},
		{"warm=off/prepare=off", func() (*pgxpool.Pool, error) {
			cfg, err := pgxpool.ParseConfig(dsn)
			if err != nil {
				return nil, err
			}
			cfg.MaxConns = 1
			return pgxpool.NewWithConfig(ctx, cfg)
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var firsts, steadies []time.Duration
			for b.Loop() {
				b.StopTimer()
				pool, err := tc.open()
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

// seedBook writes an author and a book and returns the book's id.
func seedBook(b *testing.B, dsn string) int64 {
	b.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	var authorID, bookID int64
	if err := pool.QueryRow(ctx, `INSERT INTO "authors" ("name") VALUES ('a') RETURNING "id"`).Scan(&authorID); err != nil {
		b.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `INSERT INTO "books" ("author_id","isbn","title","published_on","price_cents","pages") VALUES ($1,'9780000000001','t','2020-01-01',1,1) RETURNING "id"`, authorID).Scan(&bookID); err != nil {
		b.Fatal(err)
	}
	return bookID
}
