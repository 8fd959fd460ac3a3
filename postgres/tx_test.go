package postgres_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aquila-go/aquila/internal/library"
	"github.com/aquila-go/aquila/internal/library/db"
	"github.com/aquila-go/aquila/postgres"
)

// txPool is a pool on a fresh library database with a scratch table
// tx_rows(class, n).
func txPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool := pg.Pool(t, library.FS)
	if _, err := pool.Exec(context.Background(),
		`CREATE TABLE "tx_rows" ("class" integer NOT NULL, "n" bigint NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return pool
}

func countRows(t *testing.T, pool *pgxpool.Pool, table string) int64 {
	t.Helper()
	var n int64
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM `+pgx.Identifier{table}.Sanitize()).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestInTxCommitsWithSQLCQueries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pg.Pool(t, library.FS)
	err := postgres.InTx(ctx, pool, postgres.TxOptions{}, func(tx pgx.Tx) error {
		q := db.New(tx)
		a, err := q.CreateAuthor(ctx, db.CreateAuthorParams{Name: "Ursula"})
		if err != nil {
			return err
		}
		_, err = q.GetAuthor(ctx, a.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, pool, "authors"); n != 1 {
		t.Fatalf("authors after commit = %d, want 1", n)
	}
}

func TestInTxErrorRollsBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pg.Pool(t, library.FS)
	errStop := errors.New("stop")
	calls := 0
	err := postgres.InTx(ctx, pool, postgres.TxOptions{}, func(tx pgx.Tx) error {
		calls++
		if _, err := db.New(tx).CreateAuthor(ctx, db.CreateAuthorParams{Name: "Ursula"}); err != nil {
			return err
		}
		return errStop
	})
	if err != errStop {
		t.Fatalf("InTx returned %v, want fn's error unchanged", err)
	}
	if calls != 1 {
		t.Fatalf("fn ran %d times, want 1 (a plain error is not retried)", calls)
	}
	if n := countRows(t, pool, "authors"); n != 0 {
		t.Fatalf("authors after rollback = %d, want 0", n)
	}
	if got := pool.Stat().AcquiredConns(); got != 0 {
		t.Fatalf("%d connections still acquired", got)
	}
}

func TestInTxPanicRollsBackAndRepanics(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pg.Pool(t, library.FS)
	type boom struct{ msg string }
	var recovered any
	func() {
		defer func() { recovered = recover() }()
		_ = postgres.InTx(ctx, pool, postgres.TxOptions{}, func(tx pgx.Tx) error {
			if _, err := db.New(tx).CreateAuthor(ctx, db.CreateAuthorParams{Name: "Ursula"}); err != nil {
				return err
			}
			panic(boom{"inside"})
		})
	}()
	if b, ok := recovered.(boom); !ok || b.msg != "inside" {
		t.Fatalf("recovered %#v, want the original panic value", recovered)
	}
	if n := countRows(t, pool, "authors"); n != 0 {
		t.Fatalf("authors after panic = %d, want 0", n)
	}
	if got := pool.Stat().AcquiredConns(); got != 0 {
		t.Fatalf("%d connections still acquired after the panic", got)
	}
}

// TestInTxRetriesSerializationFailure forces a real serialization failure:
// two SERIALIZABLE transactions each read what the other one writes (write
// skew, the example of the PostgreSQL manual). Both read before either
// writes, so one of them must fail with 40001; InTx retries it and the
// retry sees the other's row.
func TestInTxRetriesSerializationFailure(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool := txPool(t)

	var bothRead sync.WaitGroup
	bothRead.Add(2)
	var attempts [2]atomic.Int32
	var seen40001 atomic.Bool
	run := func(i int, readClass, writeClass int) error {
		return postgres.InTx(ctx, pool, postgres.TxOptions{
			TxOptions:   pgx.TxOptions{IsoLevel: pgx.Serializable},
			MaxAttempts: 5,
			RetryBase:   time.Millisecond,
		}, func(tx pgx.Tx) error {
			n := attempts[i].Add(1)
			var count int64
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM "tx_rows" WHERE "class" = $1`, readClass).Scan(&count); err != nil {
				return err
			}
			if n == 1 {
				bothRead.Done()
				bothRead.Wait()
			}
			_, err := tx.Exec(ctx, `INSERT INTO "tx_rows" ("class", "n") VALUES ($1, $2)`, writeClass, count)
			if postgres.Retryable(err) {
				seen40001.Store(true)
			}
			return err
		})
	}
	errs := make(chan error, 2)
	go func() { errs <- run(0, 1, 2) }()
	go func() { errs <- run(1, 2, 1) }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	total := attempts[0].Load() + attempts[1].Load()
	if total != 3 {
		t.Fatalf("attempts = %d + %d, want 3 in all (exactly one retry)", attempts[0].Load(), attempts[1].Load())
	}
	// The retried transaction saw the other one's row.
	var ones int64
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM "tx_rows" WHERE "n" = 1`).Scan(&ones); err != nil {
		t.Fatal(err)
	}
	if ones != 1 || countRows(t, pool, "tx_rows") != 2 {
		t.Fatalf("want two rows, one of them counting the other's insert; got %d with n=1", ones)
	}
	t.Logf("attempts %d/%d, 40001 seen inside fn: %v (otherwise at COMMIT)", attempts[0].Load(), attempts[1].Load(), seen40001.Load())
}

// TestInTxRetriesDeadlock forces deadlock_detected (40P01): two
// transactions lock the same two rows in opposite order.
func TestInTxRetriesDeadlock(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool := txPool(t)
	if _, err := pool.Exec(ctx, `INSERT INTO "tx_rows" ("class", "n") VALUES (1, 0), (2, 0)`); err != nil {
		t.Fatal(err)
	}
	var bothLocked sync.WaitGroup
	bothLocked.Add(2)
	var attempts atomic.Int32
	run := func(first, second int, firstTry *atomic.Bool) error {
		// A retried victim can race the survivor for its first row and
		// deadlock again under load, so allow more than one retry.
		return postgres.InTx(ctx, pool, postgres.TxOptions{RetryBase: time.Millisecond, MaxAttempts: 10}, func(tx pgx.Tx) error {
			attempts.Add(1)
			upd := `UPDATE "tx_rows" SET "n" = "n" + 1 WHERE "class" = $1`
			if _, err := tx.Exec(ctx, upd, first); err != nil {
				return err
			}
			if firstTry.CompareAndSwap(true, false) {
				bothLocked.Done()
				bothLocked.Wait()
			}
			_, err := tx.Exec(ctx, upd, second)
			return err
		})
	}
	var a, b atomic.Bool
	a.Store(true)
	b.Store(true)
	errs := make(chan error, 2)
	go func() { errs <- run(1, 2, &a) }()
	go func() { errs <- run(2, 1, &b) }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got := attempts.Load(); got < 3 {
		t.Fatalf("attempts = %d, want at least 3 (a deadlock victim retried)", got)
	}
	var sum int64
	if err := pool.QueryRow(ctx, `SELECT sum("n") FROM "tx_rows"`).Scan(&sum); err != nil {
		t.Fatal(err)
	}
	if sum != 4 {
		t.Fatalf("sum = %d, want 4: both transactions committed once", sum)
	}
}

func TestInTxRetriesAreBounded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pg.Pool(t, library.FS)
	calls := 0
	err := postgres.InTx(ctx, pool, postgres.TxOptions{MaxAttempts: 3, RetryBase: time.Microsecond}, func(tx pgx.Tx) error {
		calls++
		if _, err := db.New(tx).CreateAuthor(ctx, db.CreateAuthorParams{Name: "Ursula"}); err != nil {
			return err
		}
		return &pgconn.PgError{Code: "40001", Message: "could not serialize access"}
	})
	if calls != 3 {
		t.Fatalf("fn ran %d times, want MaxAttempts=3", calls)
	}
	var txErr *postgres.TxError
	var pgErr *pgconn.PgError
	if !errors.As(err, &txErr) || txErr.Op != "retry" || txErr.Attempts != 3 ||
		!errors.Is(err, postgres.ErrRetriesExhausted) || !errors.As(err, &pgErr) {
		t.Fatalf("err = %v, want *TxError{Op: retry, Attempts: 3} wrapping ErrRetriesExhausted and the PgError", err)
	}
	if n := countRows(t, pool, "authors"); n != 0 {
		t.Fatalf("authors = %d, want 0: every attempt rolled back", n)
	}
}

func TestInTxRespectsContext(t *testing.T) {
	t.Parallel()
	pool := pg.Pool(t, library.FS)

	t.Run("cancelled during backoff", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		calls := 0
		start := time.Now()
		err := postgres.InTx(ctx, pool, postgres.TxOptions{MaxAttempts: 100, RetryBase: 10 * time.Second, RetryMax: 10 * time.Second},
			func(tx pgx.Tx) error {
				calls++
				time.AfterFunc(20*time.Millisecond, cancel)
				return &pgconn.PgError{Code: "40P01"}
			})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if el := time.Since(start); el > 5*time.Second {
			t.Fatalf("InTx took %v after cancellation", el)
		}
		if calls > 2 {
			t.Fatalf("fn ran %d times after cancellation", calls)
		}
	})
	t.Run("cancelled before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := postgres.InTx(ctx, pool, postgres.TxOptions{}, func(pgx.Tx) error {
			t.Fatal("fn ran with a cancelled context")
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
	if got := pool.Stat().AcquiredConns(); got != 0 {
		t.Fatalf("%d connections still acquired", got)
	}
}

func TestInTxReadOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pg.Pool(t, library.FS)
	ro := postgres.TxOptions{TxOptions: pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}}
	err := postgres.InTx(ctx, pool, ro, func(tx pgx.Tx) error {
		_, err := db.New(tx).CountAuthors(ctx)
		return err
	})
	if err != nil {
		t.Fatalf("read in a read-only transaction: %v", err)
	}
	err = postgres.InTx(ctx, pool, ro, func(tx pgx.Tx) error {
		_, err := db.New(tx).CreateAuthor(ctx, db.CreateAuthorParams{Name: "Ursula"})
		return err
	})
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "25006" {
		t.Fatalf("write in a read-only transaction: err = %v, want 25006 read_only_sql_transaction", err)
	}
}

func TestInTxCommitFailureIsTyped(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := txPool(t)
	// A deferred constraint fails at COMMIT, not inside fn.
	if _, err := pool.Exec(ctx, `ALTER TABLE "tx_rows" ADD CONSTRAINT "tx_rows_class_key" UNIQUE ("class") DEFERRABLE INITIALLY DEFERRED`); err != nil {
		t.Fatal(err)
	}
	err := postgres.InTx(ctx, pool, postgres.TxOptions{}, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO "tx_rows" VALUES (1, 1), (1, 2)`)
		return err
	})
	var txErr *postgres.TxError
	var pgErr *pgconn.PgError
	if !errors.As(err, &txErr) || txErr.Op != "commit" || !errors.As(err, &pgErr) || pgErr.Code != "23505" {
		t.Fatalf("err = %v, want *TxError{Op: commit} wrapping 23505", err)
	}
	if n := countRows(t, pool, "tx_rows"); n != 0 {
		t.Fatalf("rows = %d after a failed commit, want 0", n)
	}
}
