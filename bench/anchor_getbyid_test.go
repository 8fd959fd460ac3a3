package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aquila-go/aquila/bench/internal/benchdb"
	"github.com/aquila-go/aquila/postgres"
)

// Environment set by bench/report for the physical anchors.
const (
	// PgbenchDSNEnv names a database initialised by `pgbench -i`.
	PgbenchDSNEnv = "AQUILA_BENCH_PGBENCH_DSN"
	// ClientsEnv lists the client counts of BenchmarkGetByID ("1,2,4,8,16").
	ClientsEnv = "AQUILA_BENCH_CLIENTS"
)

// BenchmarkGetByID is the point select of `pgbench -S` (SELECT abalance
// FROM pgbench_accounts WHERE aid = $1, aid uniform over the table) at 1,
// 2, 4, 8 and 16 concurrent clients, each client a goroutine with its own
// pooled connection, so that bench/report can compare throughput with
// pgbench's own client on the same server and table:
//
//	aquila  the sqlc query GetAccountBalance on the pool of postgres.Open
//	        (MinIdleConns = clients, the statement prepared on connect)
//	pgx     the same SQL with QueryRow on a pgxpool.Pool (pgx's defaults
//	        apart from MaxConns = clients)
//
// Both pools are warmed (every connection used) before timing. ns/op is
// wall time per query across all clients, so throughput is 1e9 / ns/op
// (reported as tps). It needs $AQUILA_BENCH_PGBENCH_DSN and skips without it.
func BenchmarkGetByID(b *testing.B) {
	dsn := os.Getenv(PgbenchDSNEnv)
	if dsn == "" {
		b.Skipf("set %s to a database initialised with pgbench -i (bench/report does)", PgbenchDSNEnv)
	}
	ctx := context.Background()
	accounts := countAccounts(b, dsn)
	for _, name := range []string{"aquila", "pgx"} {
		for _, clients := range clientCounts(b) {
			pool, get := openGetByID(b, name, dsn, clients)
			b.Run(fmt.Sprintf("%s/clients=%d", name, clients), func(b *testing.B) {
				runClients(b, clients, accounts, func(aid int32) error { return get(ctx, aid) })
			})
			pool.Close()
		}
	}
}

func countAccounts(b *testing.B, dsn string) int32 {
	b.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	var n int32
	if err := pool.QueryRow(ctx, "SELECT max(aid) FROM pgbench_accounts").Scan(&n); err != nil {
		b.Fatal(err)
	}
	return n
}

func clientCounts(b *testing.B) []int {
	s := os.Getenv(ClientsEnv)
	if s == "" {
		return []int{1, 2, 4, 8, 16}
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			b.Fatalf("%s: bad client count %q", ClientsEnv, f)
		}
		out = append(out, n)
	}
	return out
}

// openGetByID opens contender name's pool for clients connections and
// returns its get-by-id.
func openGetByID(b *testing.B, name, dsn string, clients int) (*pgxpool.Pool, func(context.Context, int32) error) {
	b.Helper()
	ctx := context.Background()
	switch name {
	case "aquila":
		pool, err := postgres.Open(ctx, postgres.Config{
			DSN:          dsn,
			MaxConns:     int32(clients),
			MinIdleConns: int32(clients),
			Prepare:      benchdb.AccountStatements(),
		})
		if err != nil {
			b.Fatal(err)
		}
		q := benchdb.New(pool)
		return pool, func(ctx context.Context, aid int32) error {
			_, err := q.GetAccountBalance(ctx, aid)
			return err
		}
	case "pgx":
		cfg, err := pgxpool.ParseConfig(dsn)
		if err != nil {
			b.Fatal(err)
		}
		cfg.MaxConns = int32(clients)
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		return pool, func(ctx context.Context, aid int32) error {
			var balance int32
			return pool.QueryRow(ctx, benchdb.GetAccountBalance, aid).Scan(&balance)
		}
	}
	b.Fatalf("unknown contender %q", name)
	return nil, nil
}

// runClients runs b.N calls of get, with random ids in [1, accounts], on
// clients goroutines, after a warm-up that uses every connection.
func runClients(b *testing.B, clients int, accounts int32, get func(aid int32) error) {
	b.Helper()
	var next atomic.Int64
	var failed atomic.Pointer[error]
	work := func(seed uint64, n int64) {
		rng := rand.New(rand.NewPCG(seed, 0x5eed))
		for next.Add(1) <= n {
			if err := get(1 + rng.Int32N(accounts)); err != nil {
				failed.CompareAndSwap(nil, &err)
				return
			}
		}
	}
	run := func(n int64) {
		next.Store(0)
		var wg sync.WaitGroup
		for c := range clients {
			wg.Go(func() { work(uint64(c)+uint64(n), n) })
		}
		wg.Wait()
		if err := failed.Load(); err != nil {
			b.Fatal(*err)
		}
	}
	b.StopTimer()
	run(int64(20 * clients)) // warm-up
	b.StartTimer()
	run(int64(b.N))
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tps")
}
