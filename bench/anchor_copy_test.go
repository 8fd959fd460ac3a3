package bench

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aquila-go/aquila/bench/internal/benchdb"
	"github.com/aquila-go/aquila/model"
	"github.com/aquila-go/aquila/postgres"
)

// CopyDSNEnv names the database of the COPY anchor: bench/report creates
// the models table in it and times `psql \copy` of 10 000 rows into it.
const CopyDSNEnv = "AQUILA_BENCH_COPY_DSN"

// CopyRows is the size of the COPY anchor.
const CopyRows = 10_000

// BenchmarkCopyAnchor writes CopyRows rows of efectn's shape into the empty
// models table (emptied untimed before each iteration) with
// model.BulkCreate, the counterpart of `psql \copy models (...) FROM file`
// that bench/report times on the same table. It needs $AQUILA_BENCH_COPY_DSN
// and skips without it.
func BenchmarkCopyAnchor(b *testing.B) {
	dsn := os.Getenv(CopyDSNEnv)
	if dsn == "" {
		b.Skipf("set %s to a database with the models table (bench/report does)", CopyDSNEnv)
	}
	ctx := context.Background()
	reg, err := benchdb.Registry()
	if err != nil {
		b.Fatal(err)
	}
	bind, err := benchdb.BindModels(reg)
	if err != nil {
		b.Fatal(err)
	}
	pool, err := postgres.Open(ctx, postgres.Config{DSN: dsn, MaxConns: 2, MinIdleConns: 2})
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	ms := make([]benchdb.Model, CopyRows)
	for i := range ms {
		ms[i] = benchdb.NewModel()
	}
	copyOnce := func() {
		if _, err := model.BulkCreate(ctx, pool, bind, ms); err != nil {
			b.Fatal(err)
		}
	}
	truncate(b, pool)
	copyOnce() // warm-up: the connection's first COPY describes the table
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		truncate(b, pool)
		b.StartTimer()
		copyOnce()
	}
	b.ReportMetric(float64(CopyRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func truncate(b *testing.B, pool *pgxpool.Pool) {
	b.Helper()
	if _, err := pool.Exec(context.Background(), `TRUNCATE "models"`); err != nil {
		b.Fatal(err)
	}
}
