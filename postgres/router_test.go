package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aquila-go/aquila/internal/library"
	"github.com/aquila-go/aquila/internal/library/db"
	"github.com/aquila-go/aquila/postgres"
	"github.com/aquila-go/aquila/postgres/pgcluster"
)

// topology is a primary with one streaming replica and PgBouncer, holding
// the migrated library database.
type topology struct {
	cluster *pgcluster.Cluster
	dbname  string
}

// direct returns a DSN straight to the primary.
func (tp topology) direct() string { return tp.cluster.Primary().DSN(tp.dbname) }

// bouncer returns a DSN to the primary through PgBouncer.
func (tp topology) bouncer() string { return tp.cluster.Bouncer().DSN(tp.dbname) }

// replica returns a DSN to the replica.
func (tp topology) replica() string { return tp.cluster.Replica(0).DSN(tp.dbname) }

// startTopology starts the cluster, creates the database, migrates it on a
// direct connection (goose's session lock needs one; never PgBouncer) and
// waits until the replica has it.
func startTopology(t testing.TB) topology {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c := pgcluster.MustStart(t, pgcluster.Config{Replicas: 1, PgBouncer: true})
	tp := topology{cluster: c, dbname: "library"}
	admin, err := pgx.Connect(ctx, c.Primary().DSN("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = admin.Exec(ctx, `CREATE DATABASE "library"`)
	admin.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m, err := postgres.NewMigrator(tp.direct(), library.FS)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitReplay(ctx); err != nil {
		t.Fatal(err)
	}
	return tp
}

// portTracer records, per sqlc query name, the server ports it ran on.
type portTracer struct {
	mu   sync.Mutex
	seen map[string][]uint16
}

func (pt *portTracer) TraceQueryStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	if rest, ok := strings.CutPrefix(data.SQL, "-- name: "); ok {
		name, _, _ := strings.Cut(rest, " ")
		pt.mu.Lock()
		if pt.seen == nil {
			pt.seen = map[string][]uint16{}
		}
		pt.seen[name] = append(pt.seen[name], conn.Config().Port)
		pt.mu.Unlock()
	}
	return ctx
}

func (pt *portTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (pt *portTracer) reset() map[string][]uint16 {
	pt.mu.Lock()
	defer pt.mu.Unlock()
	seen := pt.seen
	pt.seen = nil
	return seen
}

func mustRouter(t testing.TB, cfg postgres.RouterConfig) *postgres.Router {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(t.Output(), nil))
	}
	r, err := postgres.NewRouter(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

// inRecovery runs pg_is_in_recovery() on q: true on a replica.
func inRecovery(t testing.TB, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) bool {
	t.Helper()
	var v bool
	if err := q.QueryRow(context.Background(), "SELECT pg_is_in_recovery()").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// eventually polls cond every 20ms until it holds or 15s pass.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func newAuthor(t testing.TB, q db.Querier, name string) db.Author {
	t.Helper()
	a, err := q.CreateAuthor(context.Background(), db.CreateAuthorParams{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// routerEnv is the topology and router TestRouter's subtests share, with
// the tracer that records where each sqlc statement ran.
type routerEnv struct {
	tp                       topology
	r                        *postgres.Router
	tracer                   *portTracer
	bouncerPort, replicaPort uint16
}

// TestRouter runs the routing tests on one topology: the primary reached
// through PgBouncer in exec mode (as in production behind a transaction
// pooler), the replica directly.
func TestRouter(t *testing.T) {
	t.Parallel()
	tp := startTopology(t)
	var tracer portTracer
	r := mustRouter(t, postgres.RouterConfig{
		Primary: postgres.Config{
			DSN:          tp.bouncer(),
			ExecMode:     "exec",
			MinIdleConns: 2,
			Prepare:      db.Statements(),
			Tracer:       &tracer,
		},
		Replicas:   []string{tp.replica()},
		MaxLag:     time.Minute, // lag has its own subtest
		ProbeEvery: 100 * time.Millisecond,
	})
	if st := r.Status(); len(st) != 1 || !st[0].Healthy || st[0].Err != nil {
		t.Fatalf("Status after NewRouter = %+v, want one healthy replica", st)
	}
	e := &routerEnv{tp: tp, r: r, tracer: &tracer,
		bouncerPort: uint16(tp.cluster.Bouncer().Port()), replicaPort: uint16(tp.cluster.Replica(0).Port())}

	t.Run("ReadsHitReplicaWritesHitPrimary", func(t *testing.T) { testReadsHitReplicaWritesHitPrimary(t, e) })
	t.Run("GeneratedRoutes", func(t *testing.T) { testGeneratedRoutes(t, e) })
	t.Run("ReadYourWrites", func(t *testing.T) { testReadYourWrites(t, e) })
	t.Run("ReaderWrites", func(t *testing.T) { testReaderWrites(t, e) })
	t.Run("WithReadCache", func(t *testing.T) { testWithReadCache(t, e) })
	t.Run("Transaction", func(t *testing.T) { testTransaction(t, e) })
	t.Run("PgBouncerLibrary", func(t *testing.T) { testPgBouncerLibrary(t, tp) })
	t.Run("Pipelined", func(t *testing.T) { testPipelinedRouter(t, tp) })
	t.Run("Lag", func(t *testing.T) { testLag(t, tp) })
	t.Run("NoReplica", func(t *testing.T) { testNoReplica(t, tp) })
	t.Run("PrimaryReads", func(t *testing.T) { testPrimaryReads(t, e) })
	// Last: it stops the replica.
	t.Run("StoppedReplicaIsSkipped", func(t *testing.T) { testStoppedReplicaIsSkipped(t, e) })
}

// testReadsHitReplicaWritesHitPrimary: a session reads on the replica and
// writes on the primary.
func testReadsHitReplicaWritesHitPrimary(t *testing.T, e *routerEnv) {
	r := e.r
	s := r.Session()
	if !inRecovery(t, s.Reader()) {
		t.Error("Reader: pg_is_in_recovery() = false, want the replica")
	}
	if s.Wrote() {
		t.Error("a read marked the session as written")
	}
	if inRecovery(t, s.Writer()) {
		t.Error("Writer: pg_is_in_recovery() = true, want the primary")
	}
}

// testGeneratedRoutes: every query of the generated RoutedQueries runs on
// the server aquilagen chose for it.
func testGeneratedRoutes(t *testing.T, e *routerEnv) {
	ctx := context.Background()
	r, tp, tracer, bouncerPort, replicaPort := e.r, e.tp, e.tracer, e.bouncerPort, e.replicaPort
	// Every sqlc query the generated RoutedQueries calls ends up on the
	// server aquilagen chose for it.
	ss := r.Session()
	seed := db.NewRouted(ss.Reader(), ss.Writer())
	a := newAuthor(t, seed, "routes")
	b, err := seed.CreateBook(ctx, db.CreateBookParams{AuthorID: a.ID, Isbn: "9780000000101", Title: "t", PublishedOn: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), Pages: 1})
	if err != nil {
		t.Fatal(err)
	}
	tag, err := seed.CreateTag(ctx, "routes")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.AttachTag(ctx, b.ID, tag.ID); err != nil {
		t.Fatal(err)
	}
	if err := tp.cluster.WaitReplay(ctx); err != nil {
		t.Fatal(err)
	}
	tracer.reset()

	s := r.Session()
	q := db.NewRouted(s.Reader(), s.Writer())
	email := "nobody@example.com"
	reads := []func() error{
		func() error { _, err := q.CountAuthors(ctx); return err },
		func() error { _, err := q.CountBooksByAuthor(ctx, a.ID); return err },
		func() error { _, err := q.GetAuthor(ctx, a.ID); return err },
		func() error {
			_, err := q.GetAuthorByEmail(ctx, &email)
			return ignoreNoRows(err)
		},
		func() error { _, err := q.GetBook(ctx, b.ID); return err },
		func() error { _, err := q.GetBooksByIDs(ctx, []int64{b.ID}); return err },
		func() error { _, err := q.GetTagByName(ctx, tag.Name); return err },
		func() error { _, err := q.ListAuthors(ctx, 0, 10); return err },
		func() error { _, err := q.ListBookTags(ctx, b.ID); return err },
		func() error {
			_, err := q.ListBooks(ctx, db.ListBooksParams{AfterPublishedOn: time.Time{}, AfterID: 0, Lim: 10})
			return err
		},
		func() error {
			_, err := q.ListBooksByAuthor(ctx, db.ListBooksByAuthorParams{AuthorID: a.ID, AfterID: 0, Lim: 10})
			return err
		},
		func() error {
			_, err := q.ListBooksByTag(ctx, db.ListBooksByTagParams{TagID: tag.ID, AfterID: 0, Lim: 10})
			return err
		},
	}
	for i, read := range reads {
		if err := read(); err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
	}
	readSeen := tracer.reset()
	for _, name := range db.ReadQueries() {
		ports := readSeen[name]
		if len(ports) == 0 {
			t.Errorf("%s was not exercised", name)
		}
		for _, p := range ports {
			if p != replicaPort {
				t.Errorf("%s ran on port %d, want the replica's %d", name, p, replicaPort)
			}
		}
	}

	// Writes, a batch and COPY go to the primary (through PgBouncer)
	// and leave the session on the primary.
	if _, err := q.UpdateAuthor(ctx, db.UpdateAuthorParams{ID: a.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := q.CreateBooks(ctx, []db.CreateBooksParams{{AuthorID: a.ID, Isbn: "9780000000102", Title: "c", PublishedOn: b.PublishedOn, Pages: 1}}); err != nil {
		t.Fatal(err)
	}
	q.AttachTags(ctx, []db.AttachTagsParams{{BookID: b.ID, TagID: tag.ID}}).Exec(func(i int, err error) {
		if err != nil {
			t.Errorf("AttachTags[%d]: %v", i, err)
		}
	})
	q.GetBookBatch(ctx, []int64{b.ID}).QueryRow(func(i int, _ db.Book, err error) {
		if err != nil {
			t.Errorf("GetBookBatch[%d]: %v", i, err)
		}
	})
	if _, err := q.GetAuthor(ctx, a.ID); err != nil { // after the writes: primary
		t.Fatal(err)
	}
	for name, ports := range tracer.reset() {
		for _, p := range ports {
			if p != bouncerPort {
				t.Errorf("%s ran on port %d, want the primary through PgBouncer (%d)", name, p, bouncerPort)
			}
		}
	}
}

// testReadYourWrites: after a write, a session reads on the primary; other
// sessions still read the replica.
func testReadYourWrites(t *testing.T, e *routerEnv) {
	ctx := context.Background()
	r, tp := e.r, e.tp
	rep := tp.cluster.Replica(0)
	if err := rep.PauseReplay(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := rep.ResumeReplay(ctx); err != nil {
			t.Error(err)
		}
	}()
	s := r.Session()
	q := db.NewRouted(s.Reader(), s.Writer())
	a := newAuthor(t, q, "ryw")
	if !s.Wrote() {
		t.Fatal("CreateAuthor did not mark the session as written")
	}
	if got, err := q.GetAuthor(ctx, a.ID); err != nil || got.ID != a.ID {
		t.Fatalf("the writing session reads its own write: %+v, %v", got, err)
	}
	// Another session reads the replica, whose replay is paused: the
	// row is not there, which shows the first session's read did not
	// come from the replica.
	other := r.Session()
	_, err := db.NewRouted(other.Reader(), other.Writer()).GetAuthor(ctx, a.ID)
	if !errors.Is(err, pgx.ErrNoRows) {
		t.Fatalf("a fresh session on the paused replica: %v, want pgx.ErrNoRows", err)
	}
	other.UsePrimary()
	if _, err := db.NewRouted(other.Reader(), other.Writer()).GetAuthor(ctx, a.ID); err != nil {
		t.Fatalf("after UsePrimary: %v", err)
	}
}

// testReaderWrites: a "read" that writes fails on the standby and runs
// again on the primary.
func testReaderWrites(t *testing.T, e *routerEnv) {
	ctx := context.Background()
	r := e.r
	// A "read" that writes fails on the standby (25006) and runs again
	// on the primary; the session then counts as having written.
	s := r.Session()
	var id int64
	if err := s.Reader().QueryRow(ctx, `SELECT nextval(pg_get_serial_sequence('"tags"', 'id'))`).Scan(&id); err != nil {
		t.Fatalf("nextval through Reader: %v", err)
	}
	if !s.Wrote() {
		t.Error("a read that wrote did not mark the session")
	}
	rows, err := r.Session().Reader().Query(ctx, `SELECT nextval(pg_get_serial_sequence('"tags"', 'id')) FROM generate_series(1, 3)`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	if err := rows.Err(); err != nil || n != 3 {
		t.Fatalf("Query of a writing read: %d rows, %v", n, err)
	}

	// Exec, CopyFrom, SendBatch and Begin on a Reader go to the primary.
	for name, write := range map[string]func(rd *postgres.Reader) error{
		"Exec": func(rd *postgres.Reader) error {
			_, err := rd.Exec(ctx, `SELECT pg_is_in_recovery()`)
			return err
		},
		"CopyFrom": func(rd *postgres.Reader) error {
			_, err := rd.CopyFrom(ctx, pgx.Identifier{"tags"}, []string{"name"}, pgx.CopyFromRows([][]any{{"copied-through-reader"}}))
			return err
		},
		"SendBatch": func(rd *postgres.Reader) error {
			var b pgx.Batch
			b.Queue(`SELECT 1`)
			return rd.SendBatch(ctx, &b).Close()
		},
		"Begin": func(rd *postgres.Reader) error {
			tx, err := rd.Begin(ctx)
			if err != nil {
				return err
			}
			if inRecovery(t, tx) {
				t.Error("Reader.Begin: transaction on the replica")
			}
			return tx.Rollback(ctx)
		},
	} {
		s := r.Session()
		var calls atomic.Int32
		s.OnWrite(func() { calls.Add(1) })
		if err := write(s.Reader()); err != nil {
			t.Errorf("Reader.%s: %v", name, err)
		}
		if !s.Wrote() || calls.Load() != 1 {
			t.Errorf("Reader.%s: Wrote() = %v, OnWrite ran %d times; want true, 1", name, s.Wrote(), calls.Load())
		}
	}
}

// testWithReadCache: a read scope over a session caches its reads and a
// write empties it.
func testWithReadCache(t *testing.T, e *routerEnv) {
	ctx := context.Background()
	r, tp := e.r, e.tp
	// The wiring a request uses with the request-scoped read cache: a
	// scope over the Reader, emptied by every write of the session.
	// Replay on the replica is paused, so a stale cached read would
	// show.
	seed := routed(r)
	a := newAuthor(t, seed, "cached")
	if err := tp.cluster.WaitReplay(ctx); err != nil {
		t.Fatal(err)
	}
	rep := tp.cluster.Replica(0)
	if err := rep.PauseReplay(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := rep.ResumeReplay(ctx); err != nil {
			t.Error(err)
		}
	}()
	s := r.Session()
	scope := postgres.NewReadCache(postgres.ReadCacheConfig{}).Scope(s.Reader())
	s.OnWrite(scope.Invalidate)
	q := db.NewRouted(scope, s.Writer())
	for range 2 {
		if got, err := q.GetAuthor(ctx, a.ID); err != nil || got.Name != "cached" {
			t.Fatalf("GetAuthor: %+v, %v", got, err)
		}
	}
	if st := scope.Stats(); st.Hits != 1 || st.Misses != 1 {
		t.Fatalf("read cache stats %+v, want 1 hit and 1 miss", st)
	}
	renamed := "renamed"
	if _, err := q.UpdateAuthor(ctx, db.UpdateAuthorParams{ID: a.ID, Name: &renamed}); err != nil {
		t.Fatal(err)
	}
	if got, err := q.GetAuthor(ctx, a.ID); err != nil || got.Name != renamed {
		t.Fatalf("GetAuthor after the write: %+v, %v; want the new name", got, err)
	}
}

// testTransaction: a transaction runs on the primary, and the session
// reads there afterwards.
func testTransaction(t *testing.T, e *routerEnv) {
	ctx := context.Background()
	r := e.r
	s := r.Session()
	err := postgres.InTx(ctx, s, postgres.TxOptions{}, func(tx pgx.Tx) error {
		if inRecovery(t, tx) {
			t.Error("transaction runs on the replica")
		}
		_, err := db.NewRouted(s.Reader(), s.Writer()).WithTx(tx).CreateTag(ctx, "in-tx")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Wrote() || inRecovery(t, s.Reader()) {
		t.Error("reads after a transaction must go to the primary")
	}
}

// testPrimaryReads: with PrimaryReads, reads go to the replica and the
// primary.
func testPrimaryReads(t *testing.T, e *routerEnv) {
	tp := e.tp
	pr := mustRouter(t, postgres.RouterConfig{
		Primary:      postgres.Config{DSN: tp.direct()},
		Replicas:     []string{tp.replica()},
		PrimaryReads: true,
	})
	seen := map[bool]int{}
	for range 10 {
		seen[inRecovery(t, pr.Session().Reader())]++
	}
	if seen[true] == 0 || seen[false] == 0 {
		t.Errorf("with PrimaryReads, reads on replica/primary = %d/%d, want both", seen[true], seen[false])
	}
}

// testStoppedReplicaIsSkipped: readers keep going while the replica stops
// and starts again.
func testStoppedReplicaIsSkipped(t *testing.T, e *routerEnv) {
	ctx := context.Background()
	r, tp := e.r, e.tp
	if err := tp.cluster.WaitReplay(ctx); err != nil {
		t.Fatal(err)
	}
	// Readers keep going while the replica stops and starts again; no
	// request may fail.
	var reads, onReplica, failures atomic.Int64
	var firstErr atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				s := r.Session()
				q := db.NewRouted(s.Reader(), s.Writer())
				if _, err := q.ListAuthors(ctx, 0, 5); err != nil {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprint(err))
				}
				var rec bool
				if err := s.Reader().QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&rec); err != nil {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprint(err))
				} else if rec {
					onReplica.Add(1)
				}
				reads.Add(2)
			}
		})
	}
	defer func() {
		close(stop)
		wg.Wait()
		if n := failures.Load(); n > 0 {
			t.Errorf("%d of %d reads failed while the replica stopped and started; first: %v", n, reads.Load(), firstErr.Load())
		}
		t.Logf("%d reads, %d on the replica", reads.Load(), onReplica.Load())
	}()

	rep := tp.cluster.Replica(0)
	time.Sleep(100 * time.Millisecond)
	if err := rep.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the stopped replica to be skipped", func() bool { return !r.Status()[0].Healthy })
	if st := r.Status()[0]; st.Err == nil {
		t.Errorf("Status of the stopped replica has no error: %+v", st)
	}
	time.Sleep(200 * time.Millisecond) // reads on the primary only
	if inRecovery(t, r.Session().Reader()) {
		t.Error("with the replica down a read reached a server in recovery")
	}

	if err := rep.Start(ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the restarted replica to take reads again", func() bool { return r.Status()[0].Healthy })
	if !inRecovery(t, r.Session().Reader()) {
		t.Error("after the replica came back reads stay on the primary")
	}
	time.Sleep(100 * time.Millisecond)
}

// routed returns the generated routed queries over a new session of r, as
// a request would.
func routed(r *postgres.Router) *db.RoutedQueries {
	s := r.Session()
	return db.NewRouted(s.Reader(), s.Writer())
}

func ignoreNoRows(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	return err
}

// testLag pauses replay on the replica: once its lag exceeds MaxLag it gets
// no reads, and it gets them back when it has caught up. The router talks
// to both servers directly in pgx's default mode, with every statement
// prepared: only the read statements are prepared on the replica.
func testLag(t *testing.T, tp topology) {
	ctx := context.Background()
	r := mustRouter(t, postgres.RouterConfig{
		Primary:    postgres.Config{DSN: tp.direct(), MinIdleConns: 1, Prepare: db.Statements()},
		Replicas:   []string{tp.replica()},
		MaxLag:     300 * time.Millisecond,
		ProbeEvery: 50 * time.Millisecond,
	})
	if !inRecovery(t, r.Session().Reader()) {
		t.Fatal("reads do not reach the replica")
	}
	var reads, writes int
	err := r.Session().Reader().QueryRow(ctx, `SELECT
		count(*) FILTER (WHERE "statement" ~ '^-- name: \S+ :\S+\s+SELECT'),
		count(*) FILTER (WHERE "statement" ~ '^-- name: \S+ :\S+\s+(INSERT|UPDATE|DELETE)')
		FROM "pg_prepared_statements"`).Scan(&reads, &writes)
	if err != nil {
		t.Fatal(err)
	}
	if reads == 0 || writes != 0 {
		t.Errorf("replica connection prepared %d reads and %d writes, want some reads and no writes", reads, writes)
	}

	rep := tp.cluster.Replica(0)
	if err := rep.PauseReplay(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := rep.ResumeReplay(ctx); err != nil {
			t.Error(err)
		}
	}()
	if _, err := r.Primary().Exec(ctx, `INSERT INTO "tags" ("name") VALUES ('lag')`); err != nil {
		t.Fatal(err)
	}
	var st postgres.ReplicaStatus
	eventually(t, "the lagging replica to be skipped", func() bool {
		st = r.Status()[0]
		return !st.Healthy && errors.Is(st.Err, postgres.ErrReplicaLag)
	})
	if st.Lag <= 300*time.Millisecond {
		t.Errorf("Status.Lag = %s, want above MaxLag", st.Lag)
	}
	t.Logf("while paused: %v", st.Err)
	if inRecovery(t, r.Session().Reader()) {
		t.Error("a replica lagging beyond MaxLag got a read")
	}
	if _, err := routed(r).GetTagByName(ctx, "lag"); err != nil {
		t.Errorf("read with the replica skipped: %v", err)
	}
	if err := rep.ResumeReplay(ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the caught-up replica to take reads again", func() bool { return r.Status()[0].Healthy })
	if !inRecovery(t, r.Session().Reader()) {
		t.Error("the caught-up replica gets no reads")
	}
}

// testNoReplica covers a router without replicas and one whose only replica
// is down from the start: every read goes to the primary and nothing fails.
func testNoReplica(t *testing.T, tp topology) {
	ctx := context.Background()
	none := mustRouter(t, postgres.RouterConfig{Primary: postgres.Config{DSN: tp.direct()}})
	if st := none.Status(); len(st) != 0 {
		t.Errorf("Status without replicas = %+v", st)
	}
	if inRecovery(t, none.Session().Reader()) {
		t.Error("a router without replicas read from a server in recovery")
	}

	// Nothing listens on the port of a server that was never started.
	down := "postgres://postgres@127.0.0.1:1/library?sslmode=disable&connect_timeout=1"
	r := mustRouter(t, postgres.RouterConfig{
		Primary:  postgres.Config{DSN: tp.direct()},
		Replicas: []string{down},
	})
	st := r.Status()
	if len(st) != 1 || st[0].Healthy || st[0].Err == nil || st[0].ProbedAt.IsZero() {
		t.Fatalf("Status with the replica down = %+v, want it checked and unhealthy", st)
	}
	if st[0].Server != "postgres@127.0.0.1:1/library" {
		t.Errorf("Status.Server = %q, want postgres@127.0.0.1:1/library", st[0].Server)
	}
	if _, err := routed(r).CountAuthors(ctx); err != nil {
		t.Errorf("read with the only replica down: %v", err)
	}
}

func TestRouterConfigErrors(t *testing.T) {
	ctx := context.Background()
	for _, cfg := range []postgres.RouterConfig{
		{Primary: postgres.Config{DSN: "postgres://u@127.0.0.1:1/db"}, Replicas: []string{"postgres://u@127.0.0.1:notaport/db"}},
		{Primary: postgres.Config{DSN: "postgres://u@127.0.0.1:1/db"}, MaxLag: -time.Second},
		{Primary: postgres.Config{DSN: "postgres://u@127.0.0.1:1/db"}, ProbeEvery: -time.Second},
	} {
		if _, err := postgres.NewRouter(ctx, cfg); !errors.Is(err, postgres.ErrConfig) {
			t.Errorf("NewRouter(%+v): %v, want ErrConfig", cfg, err)
		}
	}
}
