package postgres_test

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/aquila-go/aquila/internal/library/db"
	"github.com/aquila-go/aquila/postgres"
)

// benchReaders is the number of concurrent readers in BenchmarkRouterReads.
const benchReaders = 8

// seedBooks creates one author with n books on the primary (COPY) and waits
// until the replica has them. It returns the book ids.
func seedBooks(b *testing.B, tp topology, n int) []int64 {
	b.Helper()
	ctx := context.Background()
	pool, err := postgres.Open(ctx, postgres.Config{DSN: tp.direct()})
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	q := db.New(pool)
	a, err := q.CreateAuthor(ctx, db.CreateAuthorParams{Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	rows := make([]db.CreateBooksParams, n)
	for i := range rows {
		rows[i] = db.CreateBooksParams{AuthorID: a.ID, Isbn: fmt.Sprintf("978%010d", i), Title: fmt.Sprint("book ", i),
			PublishedOn: day.AddDate(0, 0, i%3650), PriceCents: 999, Pages: 100, Attributes: []byte(`{"lang":"en"}`)}
	}
	if _, err := q.CreateBooks(ctx, rows); err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	books, err := q.ListBooksByAuthor(ctx, db.ListBooksByAuthorParams{AuthorID: a.ID, AfterID: 0, Lim: int32(n)})
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]int64, len(books))
	for i, bk := range books {
		ids[i] = bk.ID
	}
	if err := tp.cluster.WaitReplay(ctx); err != nil {
		b.Fatal(err)
	}
	return ids
}

// BenchmarkRouterReads measures read throughput with 8 concurrent readers
// (each operation: a new Session, as per request, and one routed read)
// on three topologies: primary only; one replica taking every read; one
// replica and the primary sharing reads (PrimaryReads). Both servers and
// the benchmark share this machine's cores, so the ratios show the cost of
// a second server here, not the gain on separate machines. Reported:
// reads/s.
//
//	go test -run '^$' -bench BenchmarkRouterReads -benchtime 3s -count 3 ./postgres
func BenchmarkRouterReads(b *testing.B) {
	tp := startTopology(b)
	ids := seedBooks(b, tp, 2000)
	ctx := context.Background()
	parallelism := (benchReaders + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0)
	reads := []struct {
		name string
		read func(q *db.RoutedQueries, i int) error
	}{
		{"GetBook", func(q *db.RoutedQueries, i int) error {
			_, err := q.GetBook(ctx, ids[i%len(ids)])
			return err
		}},
		{"ListBooks20", func(q *db.RoutedQueries, i int) error {
			_, err := q.ListBooks(ctx, db.ListBooksParams{AfterPublishedOn: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%3000), AfterID: 0, Lim: 20})
			return err
		}},
	}
	for _, topo := range []struct {
		name         string
		replicas     []string
		primaryReads bool
	}{
		{"primary-only", nil, false},
		{"replica", []string{tp.replica()}, false},
		{"primary+replica", []string{tp.replica()}, true},
	} {
		r := mustRouter(b, postgres.RouterConfig{
			Primary:      postgres.Config{DSN: tp.direct(), MaxConns: benchReaders, MinIdleConns: benchReaders, Prepare: db.Statements()},
			Replicas:     topo.replicas,
			PrimaryReads: topo.primaryReads,
			Logger:       slog.New(slog.DiscardHandler),
		})
		for _, rd := range reads {
			b.Run(rd.name+"/"+topo.name, func(b *testing.B) {
				b.SetParallelism(parallelism)
				start := time.Now()
				b.RunParallel(func(pb *testing.PB) {
					for i := 0; pb.Next(); i++ {
						s := r.Session()
						if err := rd.read(db.NewRouted(s.Reader(), s.Writer()), i); err != nil {
							b.Error(err)
							return
						}
					}
				})
				b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "reads/s")
			})
		}
		r.Close()
	}
}

// BenchmarkRouterOverhead runs the same point read on the same replica
// through sqlc on a pool of its own (direct) and through a Router session
// and the generated RoutedQueries (routed), alternating the two in every
// iteration so that both see the same machine noise. Reported: the median
// direct-ns and routed-ns per read and their difference, overhead-ns (ns/op
// is the pair).
//
//	go test -run '^$' -bench BenchmarkRouterOverhead -count 5 ./postgres
func BenchmarkRouterOverhead(b *testing.B) {
	tp := startTopology(b)
	ids := seedBooks(b, tp, 100)
	ctx := context.Background()
	direct, err := postgres.Open(ctx, postgres.Config{DSN: tp.replica(), MaxConns: 1, MinIdleConns: 1, Prepare: db.Statements()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(direct.Close)
	r := mustRouter(b, postgres.RouterConfig{
		Primary:  postgres.Config{DSN: tp.direct(), MaxConns: 1, MinIdleConns: 1, Prepare: db.Statements()},
		Replicas: []string{tp.replica()},
		Logger:   slog.New(slog.DiscardHandler),
	})
	q := db.New(direct)
	var directNs, routedNs []float64
	i := 0
	for b.Loop() {
		id := ids[i%len(ids)]
		i++
		t0 := time.Now()
		if _, err := q.GetBook(ctx, id); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		s := r.Session()
		if _, err := db.NewRouted(s.Reader(), s.Writer()).GetBook(ctx, id); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		directNs = append(directNs, float64(t1.Sub(t0)))
		routedNs = append(routedNs, float64(t2.Sub(t1)))
	}
	d, r2 := medianNs(directNs), medianNs(routedNs)
	b.ReportMetric(d, "direct-ns")
	b.ReportMetric(r2, "routed-ns")
	b.ReportMetric(r2-d, "overhead-ns")
}

// medianNs returns the median of xs, reordering it.
func medianNs(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	return xs[len(xs)/2]
}
