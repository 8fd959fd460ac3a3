package model

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DBTX is what bulk operations, Check and PlanMigration need from a
// connection or a transaction: *pgxpool.Pool, *pgx.Conn, pgx.Tx and
// postgres.Writer satisfy it. On a pgx.Tx, Begin creates a savepoint, so
// an operation is still all or nothing within the caller's transaction and
// a failure leaves that transaction usable.
type DBTX interface {
	Begin(ctx context.Context) (pgx.Tx, error)
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
}

// DefaultChunkSize is the number of rows sent per COPY statement when no
// WithChunkSize option is given.
const DefaultChunkSize = 10_000

// BulkOption configures a bulk operation.
type BulkOption func(*bulkConfig)

type bulkConfig struct {
	chunk    int
	progress func(rows int64)
}

// WithChunkSize sets how many rows are sent per COPY statement (at least 1).
// Each chunk is reported to WithProgress once its COPY has completed.
func WithChunkSize(n int) BulkOption { return func(c *bulkConfig) { c.chunk = n } }

// WithProgress sets a callback that receives the number of rows sent so far
// after each chunk. The rows are not committed until the operation returns.
func WithProgress(fn func(rows int64)) BulkOption { return func(c *bulkConfig) { c.progress = fn } }

func newBulkConfig(opts []BulkOption) (bulkConfig, error) {
	cfg := bulkConfig{chunk: DefaultChunkSize}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.chunk < 1 {
		return cfg, fmt.Errorf("%w: %d", ErrInvalidChunkSize, cfg.chunk)
	}
	return cfg, nil
}

// BulkCreate inserts rows into b's table with COPY and returns the number
// of rows written. Rows go in chunks of WithChunkSize rows, one COPY
// statement each, inside one transaction (a savepoint on a pgx.Tx); rows
// that fit in one chunk on a pool or connection are a single COPY, atomic
// without one. Either every row is written or, on any error (a row the
// validate hook rejects, a constraint violation, a cancelled context, a lost
// connection), none is. The error names the table, keeps a *pgconn.PgError
// reachable with errors.As and, when the failing row is known, carries its
// index in a *RowError. Empty input writes nothing and runs no hook.
func BulkCreate[T any](ctx context.Context, db DBTX, b *Binding[T], rows []T, opts ...BulkOption) (int64, error) {
	return runBulk(ctx, db, b, opts, "copy", nil, slicePrevalidated(b, rows))
}

// BulkCreateSeq is BulkCreate for a stream of rows. It pulls each row from
// the stream as the COPY encoder needs it, so that reading the input (a
// file being decoded, a request body) overlaps with the server writing the
// rows, and no rows are held in memory beyond the one being encoded. The
// stream, the validate hook and the encoding run on pgx's COPY goroutine
// while the caller's goroutine waits; a panic there is re-raised in the
// caller's goroutine after the transaction is rolled back. A stream always
// runs in a transaction (a savepoint on a pgx.Tx), begun once it has
// yielded its first row. An error yielded by the stream aborts the
// operation (nothing is written) and is returned wrapped with the table
// name, as the stream reports it.
func BulkCreateSeq[T any](ctx context.Context, db DBTX, b *Binding[T], rows iter.Seq2[T, error], opts ...BulkOption) (int64, error) {
	return runBulk(ctx, db, b, opts, "copy", nil, seqFeeder(b, rows))
}

// feeder calls send with consecutive chunks of at most size rows: next
// yields the chunk's rows (each valid until the following call), start is
// the index of the chunk's first row in the input, and last is true when
// the chunk is known to be the final one (a slice's last chunk; a stream
// cannot know).
type feeder[T any] struct {
	rows        int          // number of input rows, -1 when unknown (a stream)
	prevalidate func() error // runs before anything is sent
	feed        func(size int, send func(next func() (*T, bool), start int64, last bool) error) error
}

// sliceRows yields rows in order.
func sliceRows[T any](rows []T) func() (*T, bool) {
	i := 0
	return func() (*T, bool) {
		if i == len(rows) {
			return nil, false
		}
		i++
		return &rows[i-1], true
	}
}

func slicePrevalidated[T any](b *Binding[T], rows []T) feeder[T] {
	return feeder[T]{
		rows: len(rows),
		prevalidate: func() error {
			if b.validate == nil {
				return nil
			}
			for i := range rows {
				if err := b.validate(&rows[i]); err != nil {
					return &RowError{Row: int64(i), Err: err}
				}
			}
			return nil
		},
		feed: func(size int, send func(func() (*T, bool), int64, bool) error) error {
			for start := 0; start < len(rows); start += size {
				end := min(start+size, len(rows))
				if err := send(sliceRows(rows[start:end]), int64(start), end == len(rows)); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// seqFeeder pulls rows from the stream as the chunks' COPY statements
// consume them. The first row of each chunk is pulled before the chunk is
// sent, on the caller's goroutine, so that an empty stream sends nothing
// and a stream that ends on a chunk boundary sends no empty COPY; the
// others are pulled by the encoder, on pgx's COPY goroutine, which is why
// a panic there is caught and re-raised once send has returned.
func seqFeeder[T any](b *Binding[T], rows iter.Seq2[T, error]) feeder[T] {
	return feeder[T]{
		rows: -1,
		feed: func(size int, send func(func() (*T, bool), int64, bool) error) error {
			next, stop := iter.Pull2(rows)
			var (
				mu       sync.Mutex // serialises next and stop: pgconn may return before its goroutine stops reading
				closed   bool
				row      T     // the row pulled last
				held     bool  // row is pulled but not yet sent
				pulled   int64 // rows pulled and accepted
				err      error // the stream's error or a row the hook rejected
				panicked any
			)
			defer func() {
				mu.Lock()
				defer mu.Unlock()
				closed = true
				stop()
			}()
			advance := func() bool {
				mu.Lock()
				defer mu.Unlock()
				if closed || err != nil || panicked != nil {
					return false
				}
				defer func() {
					if p := recover(); p != nil {
						panicked = p
					}
				}()
				r, rerr, ok := next()
				switch {
				case !ok:
					return false
				case rerr != nil:
					err = rerr
					return false
				}
				if b.validate != nil {
					if verr := b.validate(&r); verr != nil {
						err = &RowError{Row: pulled, Err: verr}
						return false
					}
				}
				row, held = r, true
				pulled++
				return true
			}
			for start := int64(0); held || advance(); {
				n := 0
				chunk := func() (*T, bool) {
					if n == size || (!held && !advance()) {
						return nil, false
					}
					held = false
					n++
					return &row, true
				}
				serr := send(chunk, start, false)
				mu.Lock()
				perr, p := err, panicked
				mu.Unlock()
				switch {
				case p != nil:
					panic(p)
				case perr != nil:
					// The chunk ended early and its COPY may even have
					// succeeded: the caller rolls back either way.
					return perr
				case serr != nil:
					return serr
				}
				start += int64(n)
			}
			if panicked != nil {
				panic(panicked)
			}
			return err
		},
	}
}

// copyBufCap is the initial capacity of the COPY encoding buffer: a full
// buffer for streams and large inputs, and for small slices an estimate
// of their encoded size (it grows if the estimate is short), so that 100
// rows do not allocate and zero 72 KiB.
func copyBufCap(rows, cols int) int {
	full := copyBufSize + 8<<10
	if rows < 0 {
		return full
	}
	return min(full, 64+rows*(2+cols*16))
}

// runBulk runs one bulk operation. Input that fits in one chunk, on a pool
// or a connection, is one COPY statement, atomic by itself; anything else
// runs in a transaction (a savepoint on a pgx.Tx), begun when the first
// chunk is ready: the upsert's staging table, the chunks, the upsert's
// final INSERT, commit. The after-commit hook runs last.
func runBulk[T any](ctx context.Context, db DBTX, b *Binding[T], opts []BulkOption, verb string,
	up *upsert, src feeder[T]) (n int64, err error) {
	if b == nil {
		return 0, &Error{Err: errNilTable}
	}
	defer func() {
		if err != nil {
			// pgx does not always report a cancelled context as such
			// (the connection may be closed under a read first).
			if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
				err = fmt.Errorf("%w: %w", cerr, err)
			}
			n, err = 0, fmt.Errorf("%s %s: %w", verb, b.table.name, err)
		}
	}()
	cfg, err := newBulkConfig(opts)
	if err != nil {
		return 0, err
	}
	if src.prevalidate != nil {
		if err := src.prevalidate(); err != nil {
			return 0, err
		}
	}
	if db == nil {
		return 0, errUnsupportedSource
	}
	autocommit := false
	switch db.(type) {
	case *pgxpool.Pool, *pgx.Conn:
		autocommit = up == nil
	}

	var tx pgx.Tx
	defer func() {
		if tx != nil {
			// A cancelled ctx must not stop the rollback: pgx would
			// close the connection instead of returning it to the pool.
			tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	target := pgx.Identifier{b.table.name}
	if up != nil {
		target = pgx.Identifier{"pg_temp", upsertTable}
	}
	cs := &copySource[T]{values: b.values, ncol: len(b.columns)}
	var cr *copyReader[T]
	var copySQL string
	if b.fields != nil {
		cr = &copyReader[T]{fields: b.fields, buf: make([]byte, 0, copyBufCap(src.rows, len(b.columns)))}
		into := b.table.quoted
		if up != nil {
			into = upsertStaging
		}
		copySQL = "COPY " + into + " (" + b.colList + ") FROM STDIN BINARY"
	}
	var sent int64
	done := false // committed, by COPY itself or by tx.Commit
	err = src.feed(cfg.chunk, func(next func() (*T, bool), start int64, last bool) error {
		if tx == nil && !(autocommit && start == 0 && last) {
			var err error
			if tx, err = db.Begin(ctx); err != nil {
				return fmt.Errorf("begin: %w", err)
			}
			if up != nil {
				if _, err := tx.Exec(ctx, up.createSQL); err != nil {
					return fmt.Errorf("create staging table: %w", err)
				}
			}
		}
		var c int64
		var err error
		if cr != nil {
			cr.reset(next)
			c, err = copyBinary(ctx, db, tx, cr, copySQL)
		} else {
			var conn interface {
				CopyFrom(context.Context, pgx.Identifier, []string, pgx.CopyFromSource) (int64, error)
			} = db
			if tx != nil {
				conn = tx
			}
			cs.reset(next)
			c, err = conn.CopyFrom(ctx, target, b.columns, cs)
		}
		if err != nil {
			if cs.err != nil {
				return &RowError{Row: start + int64(cs.n) - 1, Err: cs.err}
			}
			return rowOf(err, start)
		}
		sent += c
		done = tx == nil
		if cfg.progress != nil {
			cfg.progress(sent)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	n = sent
	if tx != nil {
		if up != nil {
			if n, err = up.finish(ctx, tx); err != nil {
				return 0, err
			}
		}
		if err := tx.Commit(ctx); err != nil {
			return 0, fmt.Errorf("commit: %w", err)
		}
		tx, done = nil, true
	}
	if b.afterCommit != nil && done {
		b.afterCommit(ctx, n)
	}
	return n, nil
}

// copyBinary sends the binary COPY stream r with pgconn, in tx or, when
// tx is nil, on a connection of db (a pool or a connection).
func copyBinary(ctx context.Context, db DBTX, tx pgx.Tx, r io.Reader, sql string) (int64, error) {
	var pc *pgconn.PgConn
	switch {
	case tx != nil:
		pc = tx.Conn().PgConn()
	default:
		switch db := db.(type) {
		case *pgx.Conn:
			pc = db.PgConn()
		case *pgxpool.Pool:
			c, err := db.Acquire(ctx)
			if err != nil {
				return 0, err
			}
			defer c.Release()
			pc = c.Conn().PgConn()
		default:
			return 0, errUnsupportedSource
		}
	}
	tag, err := pc.CopyFrom(ctx, r, sql)
	return tag.RowsAffected(), err
}

// copySource is a pgx.CopyFromSource over a chunk of rows, reusing one
// values slice for every row.
type copySource[T any] struct {
	next   func() (*T, bool)
	row    *T
	n      int // rows yielded so far
	values func(*T, []any) []any
	dst    []any
	ncol   int
	err    error
}

func (s *copySource[T]) reset(next func() (*T, bool)) { s.next, s.row, s.n, s.err = next, nil, 0, nil }

func (s *copySource[T]) Next() bool {
	row, ok := s.next()
	if ok {
		s.row = row
		s.n++
	}
	return ok
}

func (s *copySource[T]) Values() ([]any, error) {
	s.dst = s.values(s.row, s.dst[:0])
	if len(s.dst) != s.ncol {
		s.err = fmt.Errorf("%w: got %d, want %d", ErrValuesCount, len(s.dst), s.ncol)
		return nil, s.err
	}
	return s.dst, nil
}

func (s *copySource[T]) Err() error { return nil }

// rowOf wraps err in a *RowError when the server names the failing COPY
// line (its error context reads "COPY books, line 42[, column …]").
func rowOf(err error, start int64) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || !strings.HasPrefix(pgErr.Where, "COPY ") {
		return err
	}
	_, rest, ok := strings.Cut(pgErr.Where, ", line ")
	if !ok {
		return err
	}
	end := 0
	for end < len(rest) && rest[end] >= '0' && rest[end] <= '9' {
		end++
	}
	line, perr := strconv.ParseInt(rest[:end], 10, 64)
	if perr != nil || line < 1 {
		return err
	}
	return &RowError{Row: start + line - 1, Err: err}
}
