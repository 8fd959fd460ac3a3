package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aquila-go/aquila/internal/library"
	"github.com/aquila-go/aquila/postgres"
)

// terminateAll ends every backend of database name except the caller's
// and returns how many it ended.
func terminateAll(t *testing.T, admin *pgx.Conn, name string) int {
	t.Helper()
	var n int
	err := admin.QueryRow(context.Background(),
		`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, name).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestReadsSurviveTerminatedBackends terminates every backend of the
// pool's database three times while 8 goroutines read through a Session
// (QueryRow, Query and a batch of reads) and checks that no read failed: each read whose
// connection the server closed ran again on a live connection. It runs
// with the reads pipelined too.
func TestReadsSurviveTerminatedBackends(t *testing.T) {
	for _, pipelined := range []bool{false, true} {
		t.Run(fmt.Sprint("pipelined=", pipelined), func(t *testing.T) { testReadsSurviveTerminatedBackends(t, pipelined) })
	}
}

func testReadsSurviveTerminatedBackends(t *testing.T, pipelined bool) {
	ctx := context.Background()
	dsn := pg.URL(t, library.FS)
	const countSQL, seriesSQL = `SELECT count(*) FROM authors WHERE id > $1`, `SELECT g FROM generate_series(1, $1::int) g`
	cfg := postgres.RouterConfig{Primary: postgres.Config{DSN: dsn, MaxConns: 4, MinIdleConns: 4}}
	if pipelined {
		cfg.Primary.Prepare = []string{countSQL, seriesSQL}
		cfg.Pipeline = &postgres.PipelineConfig{}
	}
	r, err := postgres.NewRouter(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	admin, err := pgx.Connect(ctx, pg.AdminURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	dbName := r.Primary().Config().ConnConfig.Database

	var reads, failed, partial atomic.Int64
	var mu sync.Mutex
	var firstErr error
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				rd := r.Session().Reader()
				var err error
				kind := []string{"QueryRow", "Query", "SendBatch"}[(g+i)%3]
				switch kind {
				case "QueryRow":
					var n int
					err = rd.QueryRow(rctx, `SELECT count(*) FROM authors WHERE id > $1`, i).Scan(&n)
				case "Query":
					var rows pgx.Rows
					rows, err = rd.Query(rctx, `SELECT g FROM generate_series(1, $1::int) g`, 3)
					if err == nil {
						n := 0
						for rows.Next() {
							n++
						}
						rows.Close()
						if err = rows.Err(); err == nil && n != 3 {
							err = errors.New("short result")
						}
					}
				case "SendBatch":
					var b pgx.Batch
					var one, n int
					b.Queue(`SELECT 1`).QueryRow(func(row pgx.Row) error { return row.Scan(&one) })
					b.Queue(`SELECT g FROM generate_series(1, 3) g`).Query(func(rows pgx.Rows) error {
						for rows.Next() {
							n++
						}
						return rows.Err()
					})
					err = rd.SendBatch(rctx, &b).Close()
					if err == nil && (one != 1 || n != 3) {
						err = fmt.Errorf("batch results %d, %d rows", one, n)
					}
					if err != nil && one == 1 {
						// The first result had reached its callback when the
						// connection broke: not retried, by design (the
						// callback could not run twice safely).
						partial.Add(1)
						err = nil
					}
				}
				cancel()
				reads.Add(1)
				if err != nil {
					err = fmt.Errorf("read %d (%s): %w", i, kind, err)
					failed.Add(1)
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	terminated := 0
	for range 3 {
		time.Sleep(300 * time.Millisecond)
		terminated += terminateAll(t, admin, dbName)
	}
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()
	t.Logf("%d reads, %d failed, %d batches broken after their first result, %d backends terminated", reads.Load(), failed.Load(), partial.Load(), terminated)
	if terminated == 0 {
		t.Fatal("no backend was terminated: the drill did not run")
	}
	if failed.Load() != 0 {
		t.Fatalf("%d of %d reads failed; first: %v", failed.Load(), reads.Load(), firstErr)
	}
	// pgxpool destroys a broken connection in the background after its
	// release, and counts it as acquired until then: wait for that.
	deadline := time.Now().Add(5 * time.Second)
	for r.Primary().Stat().AcquiredConns() != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := r.Primary().Stat().AcquiredConns(); n != 0 {
		t.Errorf("%d connections still acquired", n)
	}
	if p := r.Pipeline(); pipelined && (p == nil || p.Stat().Sent == 0) {
		t.Error("no read went through the pipeline")
	}
}
