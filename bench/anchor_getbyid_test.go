package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

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
// Both pools are open and warmed (every connection used) before timing.
// Each iteration is a round: a batch of batchPerClient queries per client
// for each contender, in an order rotated per round. It reports each
// contender's tps (queries per second over all clients, the median over
// the rounds) and the median per-round ratio aquila/pgx. It needs
// $AQUILA_BENCH_PGBENCH_DSN and skips without it; $AQUILA_BENCH_ONLY runs
// one contender.
func BenchmarkGetByID(b *testing.B) {
	dsn := os.Getenv(PgbenchDSNEnv)
	if dsn == "" {
		b.Skipf("set %s to a database initialised with pgbench -i (bench/report does)", PgbenchDSNEnv)
	}
	ctx := context.Background()
	accounts := countAccounts(b, dsn)
	for _, clients := range clientCounts(b) {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			type contender struct {
				name string
				get  func(context.Context, int32) error
			}
			var cs []contender
			for _, name := range []string{"aquila", "pgx"} {
				if only := os.Getenv(OnlyEnv); only != "" && only != name {
					continue
				}
				pool, get := openGetByID(b, name, dsn, clients)
				defer pool.Close()
				cs = append(cs, contender{name, get})
			}
			rngs := make([]*rand.Rand, clients)
			for c := range rngs {
				rngs[c] = rand.New(rand.NewPCG(uint64(c), 0x5eed))
			}
			tps := map[string][]float64{}
			var ratios []float64
			for _, c := range cs { // warm-up: every connection used
				batchClients(b, rngs, accounts, func(aid int32) error { return c.get(ctx, aid) })
			}
			round := 0
			for b.Loop() {
				got := map[string]float64{}
				for i := range cs {
					c := cs[(i+round)%len(cs)]
					got[c.name] = batchClients(b, rngs, accounts, func(aid int32) error { return c.get(ctx, aid) })
					tps[c.name] = append(tps[c.name], got[c.name])
				}
				if got["pgx"] > 0 && got["aquila"] > 0 {
					ratios = append(ratios, got["aquila"]/got["pgx"])
				}
				round++
			}
			for _, c := range cs {
				b.ReportMetric(medianFloat(tps[c.name]), c.name+"-tps")
			}
			if len(ratios) > 0 {
				b.ReportMetric(medianFloat(ratios), "aquila/pgx")
			}
		})
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

// batchPerClient is how many queries each client runs per batch.
const batchPerClient = 64

// batchClients runs get with random ids in [1, accounts] on one goroutine
// per rng, batchPerClient calls each, and returns the calls per second.
func batchClients(b *testing.B, rngs []*rand.Rand, accounts int32, get func(aid int32) error) float64 {
	b.Helper()
	var wg sync.WaitGroup
	errs := make([]error, len(rngs))
	start := time.Now()
	for c := range rngs {
		wg.Go(func() {
			for range batchPerClient {
				if err := get(1 + rngs[c].Int32N(accounts)); err != nil {
					errs[c] = err
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	for _, err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	return float64(len(rngs)*batchPerClient) / elapsed.Seconds()
}
