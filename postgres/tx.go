package postgres

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Transaction retry defaults, used when the TxOptions fields are zero.
const (
	DefaultMaxAttempts = 3
	DefaultRetryBase   = 5 * time.Millisecond
	DefaultRetryMax    = 250 * time.Millisecond
)

// rollbackTimeout bounds the ROLLBACK sent after a failure; it runs even
// when the caller's context is already cancelled so that the connection
// goes back to the pool clean.
const rollbackTimeout = 5 * time.Second

// ErrRetriesExhausted is wrapped by the *TxError InTx returns when every
// attempt failed with a serialization failure or a deadlock.
var ErrRetriesExhausted = errors.New("transaction retries exhausted")

// TxBeginner starts transactions: *pgxpool.Pool, *pgx.Conn and a
// *ReadScope over either implement it.
type TxBeginner interface {
	BeginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error)
}

// TxOptions configures InTx. The embedded pgx.TxOptions sets the isolation
// level, the access mode (pgx.ReadOnly for a read-only transaction) and
// DEFERRABLE; the zero value is a READ WRITE transaction at the server's
// default isolation level.
type TxOptions struct {
	pgx.TxOptions

	// MaxAttempts bounds how many times fn runs when the transaction fails
	// with serialization_failure (40001) or deadlock_detected (40P01);
	// 0 means DefaultMaxAttempts and 1 disables retries.
	MaxAttempts int
	// RetryBase and RetryMax bound the backoff between attempts: before
	// attempt n+1 InTx sleeps a uniformly random duration in
	// [0, min(RetryMax, RetryBase·2ⁿ⁻¹)] ("full jitter"). Zero means
	// DefaultRetryBase and DefaultRetryMax.
	RetryBase time.Duration
	RetryMax  time.Duration
}

// TxError is a failure of the transaction itself rather than of fn: BEGIN,
// COMMIT or ROLLBACK failed, or every attempt ended in a retryable error
// (Op "retry", Err wrapping ErrRetriesExhausted and the last error).
type TxError struct {
	Op       string // "begin", "commit", "rollback" or "retry"
	Attempts int    // attempts made, counting the failed one
	Err      error
}

func (e *TxError) Error() string {
	return "postgres: tx " + e.Op + " (attempt " + strconv.Itoa(e.Attempts) + "): " + e.Err.Error()
}

func (e *TxError) Unwrap() error { return e.Err }

// InTx runs fn in a transaction on db and commits it when fn returns nil.
//
// When fn returns an error the transaction is rolled back and fn's error is
// returned as it is. When fn panics the transaction is rolled back and the
// panic continues. When fn or COMMIT fails with serialization_failure
// (40001) or deadlock_detected (40P01), the whole transaction is rolled back
// and fn runs again in a new one, up to opts.MaxAttempts times with jittered
// exponential backoff; fn must therefore have no effect outside the
// transaction that it cannot repeat. Bind sqlc queries to the transaction
// inside fn with db.New(tx) or queries.WithTx(tx).
//
// ctx bounds the whole call, retries and backoff included: InTx stops and
// returns ctx's error joined with the last failure once it is done.
func InTx(ctx context.Context, db TxBeginner, opts TxOptions, fn func(pgx.Tx) error) error {
	attempts := opts.MaxAttempts
	if attempts <= 0 {
		attempts = DefaultMaxAttempts
	}
	base, ceil := opts.RetryBase, opts.RetryMax
	if base <= 0 {
		base = DefaultRetryBase
	}
	if ceil <= 0 {
		ceil = DefaultRetryMax
	}
	var last error
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return errors.Join(err, last)
		}
		err := attempt(ctx, db, opts.TxOptions, n, fn)
		if err == nil || !Retryable(err) {
			return err
		}
		last = err
		if n >= attempts {
			return &TxError{Op: "retry", Attempts: n, Err: errors.Join(ErrRetriesExhausted, err)}
		}
		if err := sleep(ctx, backoff(n, base, ceil)); err != nil {
			return errors.Join(err, last)
		}
	}
}

// attempt runs fn once in a new transaction.
func attempt(ctx context.Context, db TxBeginner, opts pgx.TxOptions, n int, fn func(pgx.Tx) error) (err error) {
	tx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return &TxError{Op: "begin", Attempts: n, Err: err}
	}
	committed := false
	defer func() {
		if committed {
			return
		}
		// Runs on error and on panic; a panic keeps unwinding after it.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
		defer cancel()
		if rerr := tx.Rollback(rctx); rerr != nil && !errors.Is(rerr, pgx.ErrTxClosed) && err != nil {
			err = errors.Join(err, &TxError{Op: "rollback", Attempts: n, Err: rerr})
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		// A failed COMMIT leaves nothing to roll back; pgx closed the tx.
		return &TxError{Op: "commit", Attempts: n, Err: err}
	}
	committed = true
	return nil
}

// Retryable reports whether err carries a PostgreSQL serialization_failure
// (40001) or deadlock_detected (40P01): the transaction that hit it can run
// again from the start and may succeed.
func Retryable(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	return pgErr.Code == "40001" || pgErr.Code == "40P01"
}

// backoff is a random duration in [0, min(ceil, base·2^(n-1))].
func backoff(n int, base, ceil time.Duration) time.Duration {
	d := ceil
	if n-1 < 32 {
		if b := base << (n - 1); b > 0 && b < ceil {
			d = b
		}
	}
	return rand.N(d + 1)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
