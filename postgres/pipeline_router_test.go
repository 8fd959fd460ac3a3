package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aquila-go/aquila/internal/library/db"
	"github.com/aquila-go/aquila/postgres"
)

// testPipelinedRouter runs a router with pipelining on the topology of
// TestRouter: reads on the replica's pipeline, writes and reads after a
// write on the primary's, transactions and COPY on the pools, the read
// cache over it; behind PgBouncer in exec mode pipelining stays off.
func testPipelinedRouter(t *testing.T, tp topology) {
	ctx := context.Background()
	var tracer portTracer
	r := mustRouter(t, postgres.RouterConfig{
		Primary: postgres.Config{
			DSN: tp.direct(), MinIdleConns: 2, Prepare: db.Statements(), Tracer: &tracer,
		},
		Replicas:   []string{tp.replica()},
		MaxLag:     time.Minute,
		ProbeEvery: 100 * time.Millisecond,
		Pipeline:   &postgres.PipelineConfig{Conns: 1},
	})
	p := r.Pipeline()
	if p == nil {
		t.Fatal("Router.Pipeline() = nil with RouterConfig.Pipeline set")
	}
	primaryPort := uint16(tp.cluster.Primary().Port())
	replicaPort := uint16(tp.cluster.Replica(0).Port())

	s := r.Session()
	q := db.NewRouted(s.Reader(), s.Writer())
	a := newAuthor(t, q, "pipelined")
	if p.Stat().Sent == 0 {
		t.Fatal("CreateAuthor did not go through the primary's pipeline")
	}
	if err := tp.cluster.WaitReplay(ctx); err != nil {
		t.Fatal(err)
	}
	tracer.reset()

	// A new session reads the replica, through the read cache.
	s = r.Session()
	scope := postgres.NewReadCache(postgres.ReadCacheConfig{}).SessionScope(s)
	q = db.NewRouted(scope, s.Writer())
	for range 2 {
		if got, err := q.GetAuthor(ctx, a.ID); err != nil || got.Name != "pipelined" {
			t.Fatalf("GetAuthor: %+v, %v", got, err)
		}
	}
	if st := scope.Stats(); st.Hits != 1 || st.Misses != 1 {
		t.Fatalf("read cache stats %+v, want 1 hit and 1 miss", st)
	}
	if ports := tracer.reset()["GetAuthor"]; len(ports) != 1 || ports[0] != replicaPort {
		t.Fatalf("GetAuthor ran on ports %v, want once on the replica's %d", ports, replicaPort)
	}

	// A write goes through the primary's pipeline; the session's reads
	// follow it there.
	sent := p.Stat().Sent
	renamed := "renamed"
	if _, err := q.UpdateAuthor(ctx, db.UpdateAuthorParams{ID: a.ID, Name: &renamed}); err != nil {
		t.Fatal(err)
	}
	if got, err := q.GetAuthor(ctx, a.ID); err != nil || got.Name != renamed {
		t.Fatalf("GetAuthor after the write: %+v, %v", got, err)
	}
	if n := p.Stat().Sent - sent; n != 2 {
		t.Fatalf("the primary's pipeline sent %d statements, want 2 (the write and the read after it)", n)
	}
	for name, ports := range tracer.reset() {
		for _, port := range ports {
			if port != primaryPort {
				t.Errorf("%s ran on port %d, want the primary's %d", name, port, primaryPort)
			}
		}
	}

	// Transactions and COPY run on the pool.
	sent = p.Stat().Sent
	err := postgres.InTx(ctx, s, postgres.TxOptions{}, func(tx pgx.Tx) error {
		_, err := db.New(tx).CreateTag(ctx, "pipelined-tx")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.CreateBooks(ctx, []db.CreateBooksParams{{AuthorID: a.ID, Isbn: "9780000000301", Title: "c",
		PublishedOn: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), Pages: 1}}); err != nil {
		t.Fatal(err)
	}
	if n := p.Stat().Sent - sent; n != 0 {
		t.Fatalf("a transaction and a COPY sent %d statements through the pipeline, want 0", n)
	}

	// Behind PgBouncer in exec mode there are no named statements to bind:
	// pipelining stays off and everything runs on the pool.
	rb := mustRouter(t, postgres.RouterConfig{
		Primary:  postgres.Config{DSN: tp.bouncer(), ExecMode: "exec", Prepare: db.Statements()},
		Pipeline: &postgres.PipelineConfig{},
	})
	if rb.Pipeline() != nil {
		t.Fatal("pipelining on behind PgBouncer in exec mode")
	}
	sb := rb.Session()
	if got, err := db.NewRouted(sb.Reader(), sb.Writer()).GetAuthor(ctx, a.ID); err != nil || got.ID != a.ID {
		t.Fatalf("GetAuthor behind PgBouncer: %+v, %v", got, err)
	}
}
