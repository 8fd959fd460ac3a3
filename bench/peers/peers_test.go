package peers_test

import (
	"context"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aquila-go/aquila/bench/peers"
)

// DSNEnv names a database the benchmarks may use (and whose models table
// they drop and recreate) instead of a new one per benchmark from pg:
// bench/report sets it, saving a database clone per operation.
const DSNEnv = "AQUILA_BENCH_PEERS_DSN"

func BenchmarkInsert(b *testing.B)      { benchOp(b, peers.Insert) }
func BenchmarkInsertMulti(b *testing.B) { benchOp(b, peers.InsertMulti) }
func BenchmarkUpdate(b *testing.B)      { benchOp(b, peers.Update) }
func BenchmarkRead(b *testing.B)        { benchOp(b, peers.Read) }
func BenchmarkReadSlice(b *testing.B)   { benchOp(b, peers.ReadSlice) }
func BenchmarkBulk10k(b *testing.B)     { benchOp(b, peers.Bulk) }

// benchOp runs op for every contender, interleaved per iteration: the
// models table is created fresh, every contender opens its connections and
// prepares op, and then each round of the benchmark loop runs one
// iteration of every contender, in an order that rotates from round to
// round, timing each one. A machine whose load changes from second to
// second then slows every contender alike.
//
// Reported per contender c (medians over the rounds): c-ns/op; c/aquila,
// the median over rounds of c's time divided by aquila's in the same round;
// c-B/op and c-allocs/op, from runtime.MemStats around a separate untimed
// batch of iterations of c alone (what testing's -benchmem measures; for
// Bulk10k, around each timed iteration instead). The benchmark's own ns/op
// is a whole round and means nothing.
func benchOp(b *testing.B, op peers.Op) {
	ctx := context.Background()
	dsn := os.Getenv(DSNEnv)
	if dsn == "" {
		dsn = pg.URL(b, nil)
	}
	if err := peers.ResetTable(ctx, dsn); err != nil {
		b.Fatal(err)
	}
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close(ctx)
	truncate := func() {
		if op != peers.Bulk {
			return
		}
		// Every bulk create starts from an empty table (untimed).
		if _, err := admin.Exec(ctx, `TRUNCATE "models" RESTART IDENTITY`); err != nil {
			b.Fatal(err)
		}
	}

	cs := peers.Contenders()
	runs := make([]func(context.Context) error, len(cs))
	for i, c := range cs {
		d, err := c.Open(ctx, dsn)
		if err != nil {
			b.Fatalf("%s: %v", c.Name, err)
		}
		defer d.Close()
		if runs[i], err = d.Prepare(ctx, op); err != nil {
			b.Fatalf("%s: %v", c.Name, err)
		}
		// One untimed iteration: statements prepared, caches warm.
		truncate()
		if err := runs[i](ctx); err != nil {
			b.Fatalf("%s: %v", c.Name, err)
		}
	}

	batch := map[peers.Op]int{peers.Insert: 50, peers.Update: 50, peers.Read: 50,
		peers.InsertMulti: 10, peers.ReadSlice: 20}[op]
	allocs, bytes := make([]float64, len(cs)), make([]float64, len(cs))
	for i := range cs {
		if op == peers.Bulk {
			break // measured in the rounds, below
		}
		truncate()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range batch {
			if err := runs[i](ctx); err != nil {
				b.Fatalf("%s: %v", cs[i].Name, err)
			}
		}
		runtime.ReadMemStats(&after)
		allocs[i] = float64(after.Mallocs-before.Mallocs) / float64(batch)
		bytes[i] = float64(after.TotalAlloc-before.TotalAlloc) / float64(batch)
	}

	times := make([][]time.Duration, len(cs))
	var mallocs, alloced = make([][]float64, len(cs)), make([][]float64, len(cs))
	rot := rotation()
	for round := 0; b.Loop(); round++ {
		for k := range cs {
			j := (k + round + rot) % len(cs)
			truncate()
			var before, after runtime.MemStats
			if op == peers.Bulk {
				// A bulk create is long enough to measure its allocations
				// in place, outside its timing.
				runtime.ReadMemStats(&before)
			}
			start := time.Now()
			err := runs[j](ctx)
			times[j] = append(times[j], time.Since(start))
			if err != nil {
				b.Fatalf("%s: %v", cs[j].Name, err)
			}
			if op == peers.Bulk {
				runtime.ReadMemStats(&after)
				mallocs[j] = append(mallocs[j], float64(after.Mallocs-before.Mallocs))
				alloced[j] = append(alloced[j], float64(after.TotalAlloc-before.TotalAlloc))
			}
		}
	}
	if op == peers.Bulk {
		for i := range cs {
			allocs[i], bytes[i] = medianFloat(mallocs[i]), medianFloat(alloced[i])
		}
	}

	base := slices.IndexFunc(cs, func(c peers.Contender) bool { return c.Name == "aquila" })
	for i, c := range cs {
		b.ReportMetric(float64(medianDuration(times[i]).Nanoseconds()), c.Name+"-ns/op")
		b.ReportMetric(bytes[i], c.Name+"-B/op")
		b.ReportMetric(allocs[i], c.Name+"-allocs/op")
		if i != base {
			ratios := make([]float64, len(times[i]))
			for r := range times[i] {
				ratios[r] = float64(times[i][r]) / float64(times[base][r])
			}
			b.ReportMetric(medianFloat(ratios), c.Name+"/aquila")
		}
	}
}

func medianDuration(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func medianFloat(f []float64) float64 {
	s := slices.Clone(f)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}
