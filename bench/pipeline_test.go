package bench

import (
	"context"
	"math/rand/v2"
	"net/url"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aquila-go/aquila/bench/internal/books"
	"github.com/aquila-go/aquila/internal/db"
	"github.com/aquila-go/aquila/postgres"
	"github.com/aquila-go/aquila/schema"
)

// Environment of the point-read benchmarks.
const (
	// PointDSNEnv names a database with the reference schema and
	// pointBooks books (bench/report creates it; without it the benchmarks
	// use a new test database over TCP).
	PointDSNEnv = "AQUILA_BENCH_POINT_DSN"
	// RoundEnv is how long each contender runs per round (default 200ms).
	RoundEnv = "AQUILA_BENCH_ROUND"
	// OnlyEnv, when set, names the one contender to run (for profiling).
	OnlyEnv = "AQUILA_BENCH_ONLY"
)

// pointBooks is how many books the point reads pick from.
const pointBooks = books.Count

// sleepSQL is the slow statement of BenchmarkPointReadSlow.
const sleepSQL = "SELECT pg_sleep($1::float8)"

// pointDSN returns the DSN of the point-read database over TCP on
// 127.0.0.1, filling a new test database when PointDSNEnv is unset.
func pointDSN(b *testing.B) string {
	b.Helper()
	if dsn := os.Getenv(PointDSNEnv); dsn != "" {
		return dsn
	}
	dsn := tcpDSN(b, pg.URL(b, schema.FS))
	if err := books.Fill(context.Background(), dsn); err != nil {
		b.Fatal(err)
	}
	return dsn
}

// tcpDSN rewrites a Unix-socket DSN of the embedded server (host=/dir in
// the query) to TCP on 127.0.0.1, where the server listens too.
func tcpDSN(b *testing.B, dsn string) string {
	b.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	if q.Has("host") {
		q.Del("host")
		u.RawQuery = q.Encode()
		u.Host = "127.0.0.1:" + u.Port()
	}
	return u.String()
}

// pointContender is one way to read a book by id.
type pointContender struct {
	name  string
	get   func(ctx context.Context, id int64) error
	exec  func(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	close func()
}

// openPointContenders opens the contenders of the point reads for a
// number of concurrent callers:
//
//	pipeline  sqlc's GetBook on a postgres.Pipeline (default size) over
//	          the pool of postgres.Open
//	pool      sqlc's GetBook on the pool of postgres.Open, one connection
//	          per caller (aquila without pipelining)
//	pgx       the same SQL and Scan written by hand on a pgxpool.Pool with
//	          one connection per caller (pgx's defaults otherwise)
func openPointContenders(b *testing.B, dsn string, callers int, slow bool) []pointContender {
	b.Helper()
	ctx := context.Background()
	stmts := db.Statements()
	if slow {
		stmts = append(slices.Clone(stmts), sleepSQL)
	}
	conns := int32(min(callers, 64))
	open := func(extra int32) *pgxpool.Pool {
		pool, err := postgres.Open(ctx, postgres.Config{DSN: dsn, MaxConns: conns + extra, MinIdleConns: conns, Prepare: stmts})
		if err != nil {
			b.Fatal(err)
		}
		return pool
	}
	var out []pointContender

	pipePool := open(0)
	p, err := postgres.NewPipeline(ctx, pipePool, postgres.PipelineConfig{Statements: stmts})
	if err != nil {
		b.Fatal(err)
	}
	pq := db.New(p)
	out = append(out, pointContender{name: "pipeline", get: func(ctx context.Context, id int64) error {
		_, err := pq.GetBook(ctx, id)
		return err
	}, exec: p.Exec, close: func() { p.Close(); pipePool.Close() }})

	pool := open(1)
	q := db.New(pool)
	out = append(out, pointContender{name: "pool", get: func(ctx context.Context, id int64) error {
		_, err := q.GetBook(ctx, id)
		return err
	}, exec: pool.Exec, close: pool.Close})

	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		b.Fatal(err)
	}
	cfg.MaxConns, cfg.MinConns = conns+1, conns
	raw, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	out = append(out, pointContender{name: "pgx", get: func(ctx context.Context, id int64) error {
		var bk db.Book
		return raw.QueryRow(ctx, db.GetBook, id).Scan(&bk.ID, &bk.AuthorID, &bk.Isbn, &bk.Title, &bk.PublishedOn,
			&bk.PriceCents, &bk.Pages, &bk.Attributes, &bk.CreatedAt, &bk.UpdatedAt)
	}, exec: raw.Exec, close: raw.Close})
	return out
}

// roundDuration is how long each contender runs per round.
func roundDuration(b *testing.B) time.Duration {
	if s := os.Getenv(RoundEnv); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			b.Fatalf("%s: bad duration %q", RoundEnv, s)
		}
		return d
	}
	return 200 * time.Millisecond
}

// roundResult is what one contender did in one round.
type roundResult struct {
	tps  float64
	lats []time.Duration
}

// runRound calls get from callers goroutines with random book ids for d
// and returns the calls per second and every call's latency.
func runRound(b *testing.B, callers int, d time.Duration, seed uint64, get func(context.Context, int64) error) roundResult {
	b.Helper()
	ctx := context.Background()
	lats := make([][]time.Duration, callers)
	errs := make([]error, callers)
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for c := range callers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(c)))
			ls := make([]time.Duration, 0, 4096)
			for t0 := time.Now(); t0.Before(deadline); {
				if err := get(ctx, 1+rng.Int64N(pointBooks)); err != nil {
					errs[c] = err
					return
				}
				t1 := time.Now()
				ls = append(ls, t1.Sub(t0))
				t0 = t1
			}
			lats[c] = ls
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	for _, err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	var all []time.Duration
	for _, ls := range lats {
		all = append(all, ls...)
	}
	return roundResult{tps: float64(len(all)) / elapsed.Seconds(), lats: all}
}

// quantile returns the q-quantile of sorted durations.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}

func medianFloat(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// BenchmarkPointRead reads books by primary key (sqlc's GetBook: ten
// columns with text, date, jsonb and timestamptz) at 1, 16 and 64
// concurrent callers over TCP on 127.0.0.1, through a postgres.Pipeline,
// through aquila's pool without pipelining and through a hand-written
// raw pgxpool. Each iteration is a round in which every contender runs
// for AQUILA_BENCH_ROUND (200ms), in an order rotated per round. It
// reports each contender's median calls/s over the rounds, its p50 and
// p99 latency over all calls, and the median per-round ratios of the
// pipeline and the pool to pgx.
func BenchmarkPointRead(b *testing.B) {
	dsn := pointDSN(b)
	for _, callers := range []int{1, 16, 64} {
		b.Run("callers="+strconv.Itoa(callers), func(b *testing.B) {
			benchPointRead(b, dsn, callers, false)
		})
	}
}

// BenchmarkPointReadSlow is BenchmarkPointRead at 64 callers while one
// more caller keeps a 200 ms statement (pg_sleep) in flight on the same
// contender: the p99 of the point reads shows whether they wait behind it.
func BenchmarkPointReadSlow(b *testing.B) {
	benchPointRead(b, pointDSN(b), 64, true)
}

func benchPointRead(b *testing.B, dsn string, callers int, slow bool) {
	cs := openPointContenders(b, dsn, callers, slow)
	if only := os.Getenv(OnlyEnv); only != "" {
		for _, c := range cs {
			if c.name != only {
				c.close()
			}
		}
		cs = slices.DeleteFunc(cs, func(c pointContender) bool { return c.name != only })
	}
	defer func() {
		for _, c := range cs {
			c.close()
		}
	}()
	d := roundDuration(b)
	tps := map[string][]float64{}
	lats := map[string][]time.Duration{}
	ratios := map[string][]float64{}
	for _, c := range cs { // warm-up: every connection used once
		runRound(b, callers, 20*time.Millisecond, 0, c.get)
	}
	round := 0
	for b.Loop() {
		res := map[string]roundResult{}
		for i := range cs {
			c := cs[(i+round)%len(cs)]
			stop := make(chan struct{})
			var sleeper sync.WaitGroup
			if slow {
				sleeper.Go(func() { keepSleeping(b, c, stop) })
			}
			res[c.name] = runRound(b, callers, d, uint64(round), c.get)
			close(stop)
			sleeper.Wait()
		}
		for name, r := range res {
			tps[name] = append(tps[name], r.tps)
			lats[name] = append(lats[name], r.lats...)
			if name != "pgx" && res["pgx"].tps > 0 {
				ratios[name] = append(ratios[name], r.tps/res["pgx"].tps)
			}
		}
		round++
	}
	for _, c := range cs {
		ls := lats[c.name]
		slices.Sort(ls)
		b.ReportMetric(medianFloat(tps[c.name]), c.name+"-calls/s")
		b.ReportMetric(float64(quantile(ls, 0.5))/1e3, c.name+"-p50-µs")
		b.ReportMetric(float64(quantile(ls, 0.99))/1e3, c.name+"-p99-µs")
		if c.name != "pgx" {
			b.ReportMetric(medianFloat(ratios[c.name]), c.name+"/pgx")
		}
	}
}

// keepSleeping keeps one 200 ms statement in flight on contender c's
// connections until stop is closed.
func keepSleeping(b *testing.B, c pointContender, stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		default:
		}
		if _, err := c.exec(context.Background(), sleepSQL, 0.2); err != nil {
			b.Error(err)
			return
		}
	}
}
