package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// retryBatch sends b on pool. When the batch fails before any row or
// command result reached the caller (through a queued callback or the
// results' own methods), Close sends it once more on a live connection if
// canRetry allows it: as a read when every statement of b is a read
// (Classify), otherwise only when nothing was sent.
func retryBatch(ctx context.Context, pool *pgxpool.Pool, b *pgx.Batch) pgx.BatchResults {
	r := &retryBatchResults{ctx: ctx, pool: pool, b: b}
	for _, qq := range b.QueuedQueries {
		if fn := qq.Fn; fn != nil {
			qq.Fn = func(br pgx.BatchResults) error { return fn(&seenResults{BatchResults: br, seen: &r.seen}) }
		}
	}
	r.results = pool.SendBatch(ctx, b)
	return r
}

// retryBatchResults are a batch's results that can be sent again.
type retryBatchResults struct {
	results pgx.BatchResults
	ctx     context.Context
	pool    *pgxpool.Pool
	b       *pgx.Batch
	seen    bool // a result reached the caller: no retry
	closed  bool
	err     error // Close's result
}

// Tx returns the transaction the batch began (Batch.BeginTx), or nil.
func (r *retryBatchResults) Tx() pgx.Tx { return r.results.Tx() }

func (r *retryBatchResults) Exec() (pgconn.CommandTag, error) {
	return (&seenResults{BatchResults: r.results, seen: &r.seen}).Exec()
}

func (r *retryBatchResults) Query() (pgx.Rows, error) {
	return (&seenResults{BatchResults: r.results, seen: &r.seen}).Query()
}

func (r *retryBatchResults) QueryRow() pgx.Row {
	return (&seenResults{BatchResults: r.results, seen: &r.seen}).QueryRow()
}

// Close reads the remaining results, running their callbacks; a batch that
// failed before any result reached the caller is sent again (see
// retryBatch), and once more if the live connection it got was closed
// too before answering (liveTries). A batch that began a transaction is never sent again. Close may be
// called more than once; it returns the same result.
func (r *retryBatchResults) Close() error {
	if r.closed {
		return r.err
	}
	r.closed = true
	r.err = r.results.Close()
	if r.results.Tx() != nil {
		return r.err
	}
	// As a single statement, a batch whose live connection was closed too
	// before any result gets one more try (liveTries).
	for range liveTries {
		if r.err == nil || r.seen || !canRetry(r.ctx, r.err, r.reads()) {
			return r.err
		}
		c, err := liveConn(r.ctx, r.pool)
		if err != nil {
			r.err = errors.Join(r.err, err)
			return r.err
		}
		r.err = c.SendBatch(r.ctx, resend(r.b)).Close()
		c.Release()
	}
	return r.err
}

// resend copies b's statements and callbacks into a new batch: a sent
// batch keeps the statement descriptions of the connection it went to,
// which another connection does not know.
func resend(b *pgx.Batch) *pgx.Batch {
	nb := &pgx.Batch{}
	for _, qq := range b.QueuedQueries {
		nb.Queue(qq.SQL, qq.Arguments...).Fn = qq.Fn
	}
	return nb
}

// reads reports whether every statement of the batch is a read.
func (r *retryBatchResults) reads() bool {
	for _, qq := range r.b.QueuedQueries {
		if Classify(qq.SQL) != StatementRead {
			return false
		}
	}
	return true
}

// seenResults marks seen once a result reaches the caller: a command tag,
// a row of a query, or a scanned row.
type seenResults struct {
	pgx.BatchResults
	seen *bool
}

func (s *seenResults) Exec() (pgconn.CommandTag, error) {
	tag, err := s.BatchResults.Exec()
	if err == nil {
		*s.seen = true
	}
	return tag, err
}

func (s *seenResults) Query() (pgx.Rows, error) {
	rows, err := s.BatchResults.Query()
	return &seenRows{Rows: rows, seen: s.seen}, err
}

func (s *seenResults) QueryRow() pgx.Row {
	return &seenRow{row: s.BatchResults.QueryRow(), seen: s.seen}
}

type seenRows struct {
	pgx.Rows
	seen *bool
}

func (r *seenRows) Next() bool {
	if r.Rows.Next() {
		*r.seen = true
		return true
	}
	if r.Rows.Err() == nil {
		*r.seen = true // an empty result is a result
	}
	return false
}

type seenRow struct {
	row  pgx.Row
	seen *bool
}

func (r *seenRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if err == nil || errors.Is(err, pgx.ErrNoRows) {
		*r.seen = true
	}
	return err
}
