package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aquila-go/aquila/internal/library/db"
	"github.com/aquila-go/aquila/postgres"
)

var pipeMigrations = fstest.MapFS{
	"00001_pipe.sql": {Data: []byte(`-- +goose Up
create table "pipe_items" (
	"id"   bigint primary key,
	"name" text not null,
	"n"    int not null default 0
);
insert into "pipe_items" ("id", "name") values (1, 'locked');

-- +goose Down
drop table "pipe_items";
`)},
}

// The pipelined statements of these tests.
const (
	sqlEcho   = `select $1::int, $2::text`
	sqlDiv    = `select 100 / ($1::int - 7)` // division by zero at 7 (not at the warm-up's 0)
	sqlInsert = `insert into "pipe_items" ("id", "name") values ($1, $2)`
	sqlBump   = `update "pipe_items" set "n" = "n" + 1 where "id" = $1`
	sqlGet    = `select "name", "n" from "pipe_items" where "id" = $1`
)

var pipeStatements = []string{sqlEcho, sqlDiv, sqlInsert, sqlBump, sqlGet}

// openPipeline opens a pool on a new database of pipeMigrations and a
// pipeline over it; both close when the test ends.
func openPipeline(t *testing.T, cfg postgres.PipelineConfig) (*pgxpool.Pool, *postgres.Pipeline) {
	t.Helper()
	ctx := context.Background()
	pool, err := postgres.Open(ctx, postgres.Config{
		DSN: pg.URL(t, pipeMigrations), MaxConns: 4, MinIdleConns: 2, Prepare: pipeStatements,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	cfg.Statements = pipeStatements
	p, err := postgres.NewPipeline(ctx, pool, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return pool, p
}

// lockRow starts a transaction on pool that locks pipe_items row id until
// the returned function commits it.
func lockRow(t *testing.T, pool *pgxpool.Pool, id int64) (pid uint32, release func()) {
	t.Helper()
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `select 1 from "pipe_items" where "id" = $1 for update`, id); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			if err := tx.Commit(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	t.Cleanup(release)
	return tx.Conn().PgConn().PID(), release
}

// waitFor polls cond until it holds; the test fails after 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// result is one pipelined call's outcome.
type result struct {
	n   int32
	s   string
	err error
}

// goEcho runs sqlEcho(n, s) on p in a goroutine.
func goEcho(ctx context.Context, p *postgres.Pipeline, n int32, s string) <-chan result {
	ch := make(chan result, 1)
	go func() {
		var r result
		r.err = p.QueryRow(ctx, sqlEcho, n, s).Scan(&r.n, &r.s)
		ch <- r
	}()
	return ch
}

// goExec runs Exec on p in a goroutine.
func goExec(ctx context.Context, p *postgres.Pipeline, sql string, args ...any) <-chan error {
	ch := make(chan error, 1)
	go func() {
		_, err := p.Exec(ctx, sql, args...)
		ch <- err
	}()
	return ch
}

// recv returns what ch delivers; a caller that does not return within 30 s
// fails the test (it hangs).
func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(30 * time.Second):
		t.Fatal("a pipelined call did not return")
		panic("unreachable")
	}
}

func TestPipelineSQLCQueries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, tr, f := tracedPool(t, "cache_statement")
	p, err := postgres.NewPipeline(ctx, pool, postgres.PipelineConfig{Statements: db.Statements()})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	q, direct := db.New(p), db.New(pool)

	wantBook, err := direct.GetBook(ctx, f.books[0])
	if err != nil {
		t.Fatal(err)
	}
	gotBook, err := q.GetBook(ctx, f.books[0])
	if err != nil || !reflect.DeepEqual(gotBook, wantBook) {
		t.Fatalf("GetBook = %+v, %v; want %+v", gotBook, err, wantBook)
	}
	wantList, _ := direct.ListBooksByAuthor(ctx, db.ListBooksByAuthorParams{AuthorID: f.author, Lim: 10})
	gotList, err := q.ListBooksByAuthor(ctx, db.ListBooksByAuthorParams{AuthorID: f.author, Lim: 10})
	if err != nil || len(gotList) != 2 || !reflect.DeepEqual(gotList, wantList) {
		t.Fatalf("ListBooksByAuthor = %+v, %v; want %+v", gotList, err, wantList)
	}
	byIDs, err := q.GetBooksByIDs(ctx, f.books)
	if err != nil || len(byIDs) != 2 {
		t.Fatalf("GetBooksByIDs = %d books, %v; want 2", len(byIDs), err)
	}
	if _, err := q.GetBook(ctx, -1); !errors.Is(err, pgx.ErrNoRows) {
		t.Fatalf("GetBook(-1) error = %v, want pgx.ErrNoRows", err)
	}
	n, err := q.CountAuthors(ctx)
	if err != nil || n != 1 {
		t.Fatalf("CountAuthors = %d, %v; want 1", n, err)
	}
	// Writes: RETURNING, :execrows, and a constraint violation.
	name, email := "Ursula K. Le Guin", "le.guin@example.org"
	a, err := q.UpdateAuthor(ctx, db.UpdateAuthorParams{ID: f.author, Name: &name, SetEmail: true, Email: &email})
	if err != nil || a.Name != "Ursula K. Le Guin" {
		t.Fatalf("UpdateAuthor = %+v, %v", a, err)
	}
	if rows, err := q.DeleteBook(ctx, f.books[1]); err != nil || rows != 1 {
		t.Fatalf("DeleteBook = %d, %v; want 1 row", rows, err)
	}
	_, err = q.CreateBook(ctx, db.CreateBookParams{AuthorID: f.author, Isbn: wantBook.Isbn, Title: "Copy",
		PublishedOn: wantBook.PublishedOn, PriceCents: 1, Pages: 1})
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23505" {
		t.Fatalf("duplicate CreateBook error = %v, want unique violation 23505", err)
	}
	// The pipelined statements went through the pool's tracer.
	if tr.queries.Load() == 0 {
		t.Fatal("the pool's tracer saw no pipelined statement")
	}

	// Transactions run on the pool, under the read cache too.
	scope := postgres.NewReadCache(postgres.ReadCacheConfig{}).Scope(p)
	err = postgres.InTx(ctx, scope, postgres.TxOptions{}, func(tx pgx.Tx) error {
		_, err := db.New(tx).CreateTag(ctx, "fantasy")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tr.reset()
	qs := db.New(scope)
	for range 3 { // the first result is kept as the pipeline read it, then replayed
		if b, err := qs.GetBook(ctx, f.books[0]); err != nil || !reflect.DeepEqual(b, wantBook) {
			t.Fatalf("GetBook through the read cache = %+v, %v; want %+v", b, err, wantBook)
		}
	}
	if n := tr.total(); n != 1 {
		t.Fatalf("a read repeated three times in a read scope over the pipeline = %d statements, want 1", n)
	}
}

func TestPipelineNeedsNamedStatements(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, err := postgres.Open(ctx, postgres.Config{DSN: pg.URL(t, pipeMigrations), ExecMode: "exec"})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := postgres.NewPipeline(ctx, pool, postgres.PipelineConfig{Statements: pipeStatements}); !errors.Is(err, postgres.ErrPipelineMode) {
		t.Fatalf("NewPipeline on an exec-mode pool: error = %v, want ErrPipelineMode", err)
	}
}

func TestPipelineErrorIsolation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// One connection that never counts as stalled: everything below is in
	// flight on it at once, behind an UPDATE that waits for a row lock.
	pool, p := openPipeline(t, postgres.PipelineConfig{Conns: 1, MaxDepth: 64, StallAfter: time.Hour})
	_, release := lockRow(t, pool, 1)
	blocked := goExec(ctx, p, sqlBump, int64(1))
	waitFor(t, "the blocked UPDATE in flight", func() bool { return p.Stat().InFlight == 1 })

	const calls = 30
	divs := make([]<-chan result, calls)
	for i := range divs {
		ch := make(chan result, 1)
		divs[i] = ch
		go func() {
			var r result
			r.err = p.QueryRow(ctx, sqlDiv, int32(7+i%3)).Scan(&r.n)
			ch <- r
		}()
	}
	first := goExec(ctx, p, sqlInsert, int64(2), "first")
	waitFor(t, "the first INSERT in flight", func() bool { return p.Stat().InFlight == calls+2 })
	second := goExec(ctx, p, sqlInsert, int64(2), "second")
	waitFor(t, "every statement in one pipeline", func() bool { return p.Stat().InFlight == calls+3 })
	release()

	if err := recv(t, blocked); err != nil {
		t.Fatalf("blocked UPDATE: %v", err)
	}
	for i, ch := range divs {
		r := recv(t, ch)
		var pgErr *pgconn.PgError
		switch {
		case i%3 == 0:
			if !errors.As(r.err, &pgErr) || pgErr.Code != "22012" {
				t.Errorf("100/0: error = %v, want division_by_zero", r.err)
			}
		case r.err != nil || r.n != int32(100/(i%3)):
			t.Errorf("100/%d = %d, %v; want %d", i%3, r.n, r.err, 100/(i%3))
		}
	}
	if err := recv(t, first); err != nil {
		t.Fatalf("first INSERT: %v", err)
	}
	var pgErr *pgconn.PgError
	if err := recv(t, second); !errors.As(err, &pgErr) || pgErr.Code != "23505" {
		t.Fatalf("second INSERT of the same key: error = %v, want unique_violation", err)
	}
	var name string
	var n int32
	if err := p.QueryRow(ctx, sqlGet, int64(2)).Scan(&name, &n); err != nil || name != "first" {
		t.Fatalf("row 2 = %q, %v; want the first INSERT's", name, err)
	}
}

func TestPipelineCancelBeforeSend(t *testing.T) {
	t.Parallel()
	pool, p := openPipeline(t, postgres.PipelineConfig{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Exec(ctx, sqlInsert, int64(3), "cancelled"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Exec with a cancelled context: error = %v, want context.Canceled", err)
	}
	assertNoRow(t, pool, 3)
}

func TestPipelineCancelWhileQueued(t *testing.T) {
	t.Parallel()
	bg := context.Background()
	// One place in flight, taken by an UPDATE waiting for a row lock.
	pool, p := openPipeline(t, postgres.PipelineConfig{Conns: 1, MaxDepth: 1, StallAfter: time.Hour})
	_, release := lockRow(t, pool, 1)
	blocked := goExec(bg, p, sqlBump, int64(1))
	waitFor(t, "the blocked UPDATE in flight", func() bool { return p.Stat().InFlight == 1 })

	ctx, cancel := context.WithCancel(bg)
	queued := goExec(ctx, p, sqlInsert, int64(3), "queued")
	waitFor(t, "the INSERT queued", func() bool { return p.Stat().Waiting == 1 })
	cancel()
	if err := recv(t, queued); !errors.Is(err, context.Canceled) {
		t.Fatalf("queued INSERT: error = %v, want context.Canceled", err)
	}
	// The lock is still held: the caller left while its statement waited.
	if s := p.Stat(); s.InFlight != 1 {
		t.Fatalf("in flight after the queued caller left = %d, want 1", s.InFlight)
	}
	release()
	if err := recv(t, blocked); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the queue emptied", func() bool { return p.Stat().Waiting == 0 })
	assertNoRow(t, pool, 3)
	if r := recv(t, goEcho(bg, p, 7, "after")); r.err != nil || r.n != 7 {
		t.Fatalf("echo after the cancellation = %+v", r)
	}
}

func TestPipelineCancelWhileSent(t *testing.T) {
	t.Parallel()
	// The statement sent into an idle connection is read by its own caller,
	// which a read deadline stops; one sent behind another is read by the
	// connection's reader goroutine and its caller just stops waiting.
	for _, behindAnother := range []bool{false, true} {
		t.Run(fmt.Sprint("behindAnother=", behindAnother), func(t *testing.T) {
			t.Parallel()
			bg := context.Background()
			pool, p := openPipeline(t, postgres.PipelineConfig{Conns: 1, StallAfter: time.Hour})
			_, release := lockRow(t, pool, 1)
			want := int32(1)
			var first <-chan error
			if behindAnother {
				first = goExec(bg, p, sqlBump, int64(1))
				waitFor(t, "the first UPDATE in flight", func() bool { return p.Stat().InFlight == 1 })
				want = 2
			}
			ctx, cancel := context.WithCancel(bg)
			sent := goExec(ctx, p, sqlBump, int64(1))
			waitFor(t, "the UPDATE in flight", func() bool { return p.Stat().InFlight == int(want) })
			behind := goEcho(bg, p, 42, "behind")
			waitFor(t, "a statement behind it", func() bool { return p.Stat().InFlight == int(want)+1 })

			cancel()
			if err := recv(t, sent); !errors.Is(err, context.Canceled) {
				t.Fatalf("sent UPDATE: error = %v, want context.Canceled", err)
			}
			// Its caller left while the row is still locked; nothing was
			// cancelled on the server: every statement is still in flight.
			if s := p.Stat(); s.InFlight != int(want)+1 {
				t.Fatalf("in flight after the caller left = %d, want %d", s.InFlight, want+1)
			}
			release()
			if first != nil {
				if err := recv(t, first); err != nil {
					t.Fatal(err)
				}
			}
			if r := recv(t, behind); r.err != nil || r.n != 42 || r.s != "behind" {
				t.Fatalf("statement behind the abandoned one = %+v, want 42 behind", r)
			}
			// The abandoned UPDATE ran; its result was discarded.
			var name string
			var n int32
			if err := pool.QueryRow(bg, sqlGet, int64(1)).Scan(&name, &n); err != nil || n != want {
				t.Fatalf("row 1 n = %d, %v; want %d (the abandoned UPDATE ran)", n, err, want)
			}
			if r := recv(t, goEcho(bg, p, 43, "after")); r.err != nil || r.n != 43 {
				t.Fatalf("echo afterwards = %+v", r)
			}
		})
	}
}

func TestPipelineAvoidsStalledConnection(t *testing.T) {
	t.Parallel()
	bg := context.Background()
	pool, p := openPipeline(t, postgres.PipelineConfig{Conns: 2, StallAfter: 5 * time.Millisecond})
	_, release := lockRow(t, pool, 1)
	blocked := goExec(bg, p, sqlBump, int64(1))
	waitFor(t, "the blocked UPDATE in flight", func() bool { return p.Stat().InFlight == 1 })
	time.Sleep(20 * time.Millisecond) // longer than StallAfter
	// Concurrent statements now all go to the other connection, although
	// the stalled one often has fewer in flight: none waits for the lock
	// (recv fails the test after 30 s if one does).
	echoAll(t, p, 50)
	release()
	if err := recv(t, blocked); err != nil {
		t.Fatal(err)
	}
}

func TestPipelineAvoidsKnownSlowStatement(t *testing.T) {
	t.Parallel()
	bg := context.Background()
	// Stall detection after a second: before that, only the cost the
	// pipeline learned keeps the echoes away from the connection of a
	// statement known to be slow.
	pool, p := openPipeline(t, postgres.PipelineConfig{Conns: 2, StallAfter: time.Second})
	_, release := lockRow(t, pool, 1)
	learn := goExec(bg, p, sqlBump, int64(1))
	time.Sleep(2 * time.Second) // the UPDATE takes two seconds: its cost
	release()
	if err := recv(t, learn); err != nil {
		t.Fatal(err)
	}

	_, release = lockRow(t, pool, 1)
	blocked := goExec(bg, p, sqlBump, int64(1))
	waitFor(t, "the blocked UPDATE in flight", func() bool { return p.Stat().InFlight == 1 })
	echoAll(t, p, 50)
	release()
	if err := recv(t, blocked); err != nil {
		t.Fatal(err)
	}
}

func TestPipelineConnectionLoss(t *testing.T) {
	t.Parallel()
	bg := context.Background()
	// Two connections that never count as stalled: everything below goes
	// to the first (fewer than 16 statements in flight), the second idles.
	pool, p := openPipeline(t, postgres.PipelineConfig{Conns: 2, StallAfter: time.Hour})
	for id := int64(2); id <= 3; id++ {
		if _, err := pool.Exec(bg, sqlInsert, id, "row"); err != nil {
			t.Fatal(err)
		}
	}
	_, release1 := lockRow(t, pool, 1)
	lockPID, release2 := lockRow(t, pool, 2)
	defer release2()

	// An UPDATE of row 1 waits for its lock on the wire; the UPDATEs of
	// row 2 and the echoes queue behind it (the first in a second write,
	// the rest waiting to be written). When row 1 is released the rest are
	// written together: the first UPDATE of row 2 waits for its lock, the
	// rest are on the wire behind it.
	first := goExec(bg, p, sqlBump, int64(1))
	waitFor(t, "the UPDATE of row 1 in flight", func() bool { return p.Stat().InFlight == 1 })
	var bumps []<-chan error
	var echoes []<-chan result
	for i := range 5 {
		bumps = append(bumps, goExec(bg, p, sqlBump, int64(2)))
		waitFor(t, "an UPDATE of row 2 queued", func() bool { return p.Stat().InFlight == 2+2*i })
		echoes = append(echoes, goEcho(bg, p, int32(i), "lost"))
		waitFor(t, "an echo queued", func() bool { return p.Stat().InFlight == 3+2*i })
	}
	release1()
	if err := recv(t, first); err != nil {
		t.Fatalf("UPDATE of row 1: %v", err)
	}
	// Three UPDATEs of row 3 are queued behind those written: when the
	// connection breaks they have not reached the server.
	var unsent []<-chan error
	for range 3 {
		unsent = append(unsent, goExec(bg, p, sqlBump, int64(3)))
	}
	waitFor(t, "13 statements in flight", func() bool { return p.Stat().InFlight == 13 })

	admin, err := pgx.Connect(bg, pg.AdminURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(bg)
	// End every backend of the database but the lock's own: the
	// pipeline's two connections among them and the pool's idle ones,
	// which the retries must then pass over.
	_, err = admin.Exec(bg, `select pg_terminate_backend(pid) from pg_stat_activity
		where datname = $1 and pid <> $2 and pid <> pg_backend_pid()`,
		pool.Config().ConnConfig.Database, int64(lockPID))
	if err != nil {
		t.Fatal(err)
	}
	// Every caller returns. The UPDATEs of row 2 were written: they may
	// have run or not, so they fail with ErrPipelineConnLost (here none
	// ran: the first waited for the lock, the others behind it). The
	// echoes, reads written with no result yet, ran again on a live pooled
	// connection. The UPDATEs of row 3 were never written: they ran on a
	// pooled connection that answered a ping (the pool's idle ones were
	// terminated too), each once.
	for _, ch := range bumps {
		if err := recv(t, ch); !errors.Is(err, postgres.ErrPipelineConnLost) {
			t.Errorf("UPDATE written to a terminated connection: error = %v, want ErrPipelineConnLost", err)
		}
	}
	for i, ch := range echoes {
		if r := recv(t, ch); r.err != nil || r.n != int32(i) || r.s != "lost" {
			t.Errorf("echo %d on a terminated connection = %+v (%v), want it run again", i, r, r.err)
		}
	}
	for _, ch := range unsent {
		if err := recv(t, ch); err != nil {
			t.Errorf("UPDATE not yet written to a terminated connection: %v, want it run on a live pooled connection", err)
		}
	}
	release2()
	for id, want := range map[int64]int{1: 1, 2: 0, 3: 3} {
		var n int
		if err := pool.QueryRow(bg, `select "n" from "pipe_items" where "id" = $1`, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("row %d bumped %d times, want %d", id, n, want)
		}
	}

	// Statements keep working (on the pool until the pipeline's
	// connections are back), and the pipeline reconnects.
	if r := recv(t, goEcho(bg, p, 1, "after")); r.err != nil || r.n != 1 {
		t.Fatalf("echo after the loss = %+v (%v)", r, r.err)
	}
	waitFor(t, "both connections back", func() bool { return p.Stat().Live == 2 })
	if r := recv(t, goEcho(bg, p, 2, "again")); r.err != nil || r.n != 2 {
		t.Fatalf("echo after reconnecting = %+v", r)
	}

	// An idle connection is read after a second: its end is noticed and it
	// is replaced before a statement is sent into it.
	time.Sleep(1500 * time.Millisecond)
	_, err = admin.Exec(bg, `select pg_terminate_backend(pid) from pg_stat_activity
		where datname = $1 and pid <> $2 and pid <> pg_backend_pid()`,
		pool.Config().ConnConfig.Database, int64(lockPID))
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the end of idle connections noticed", func() bool { return p.Stat().Live < 2 })
	waitFor(t, "both connections back", func() bool { return p.Stat().Live == 2 })
	if r := recv(t, goEcho(bg, p, 3, "idle")); r.err != nil || r.n != 3 {
		t.Fatalf("echo after idle connections were replaced = %+v", r)
	}
}

func TestPipelineCloseDrains(t *testing.T) {
	t.Parallel()
	bg := context.Background()
	pool, p := openPipeline(t, postgres.PipelineConfig{Conns: 1, StallAfter: time.Hour})
	_, release := lockRow(t, pool, 1)
	blocked := goExec(bg, p, sqlBump, int64(1))
	waitFor(t, "the blocked UPDATE in flight", func() bool { return p.Stat().InFlight == 1 })
	behind := goEcho(bg, p, 5, "drained")
	waitFor(t, "two statements in flight", func() bool { return p.Stat().InFlight == 2 })
	closed := make(chan struct{})
	go func() {
		p.Close()
		close(closed)
	}()
	select {
	case <-closed:
		t.Fatal("Close returned with statements in flight")
	case <-time.After(50 * time.Millisecond):
	}
	// Statements after Close run on the pool.
	if r := recv(t, goEcho(bg, p, 6, "pool")); r.err != nil || r.n != 6 {
		t.Fatalf("echo after Close = %+v", r)
	}
	release()
	if err := recv(t, blocked); err != nil {
		t.Fatalf("in-flight UPDATE at Close: %v", err)
	}
	if r := recv(t, behind); r.err != nil || r.s != "drained" {
		t.Fatalf("in-flight echo at Close = %+v", r)
	}
	recv(t, closed)
	if s := p.Stat(); s.Live != 0 || s.InFlight != 0 {
		t.Fatalf("after Close: %+v", s)
	}
}

func TestPipelineConcurrentCallers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, p := openPipeline(t, postgres.PipelineConfig{Conns: 2, MaxDepth: 4})
	const callers, calls = 16, 100
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for c := range callers {
		wg.Go(func() {
			for i := range calls {
				n, s := int32(c*calls+i), fmt.Sprint("caller ", c)
				var gotN int32
				var gotS string
				if err := p.QueryRow(ctx, sqlEcho, n, s).Scan(&gotN, &gotS); err != nil || gotN != n || gotS != s {
					errs <- fmt.Errorf("echo(%d, %q) = %d, %q, %v", n, s, gotN, gotS, err)
					return
				}
				if i%10 == 0 {
					var q int32
					if err := p.QueryRow(ctx, sqlDiv, int32(7)).Scan(&q); err == nil {
						errs <- errors.New("100/0 succeeded")
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// echoAll runs n echoes on p at once; each must return its own values
// (recv fails the test after 30 s if one does not return).
func echoAll(t *testing.T, p *postgres.Pipeline, n int) {
	t.Helper()
	echoes := make([]<-chan result, n)
	for i := range echoes {
		echoes[i] = goEcho(context.Background(), p, int32(i), "fast")
	}
	for i, ch := range echoes {
		if r := recv(t, ch); r.err != nil || r.n != int32(i) || r.s != "fast" {
			t.Fatalf("echo %d = %+v", i, r)
		}
	}
}

// assertNoRow fails the test when pipe_items has row id.
func assertNoRow(t *testing.T, pool *pgxpool.Pool, id int64) {
	t.Helper()
	var name string
	var n int32
	if err := pool.QueryRow(context.Background(), sqlGet, id).Scan(&name, &n); !errors.Is(err, pgx.ErrNoRows) {
		t.Fatalf("row %d: %q, %v; want none", id, name, err)
	}
}
