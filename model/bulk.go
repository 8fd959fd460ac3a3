package model

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DB is what bulk operations and Check need from a connection.
// *pgxpool.Pool, *pgx.Conn and pgx.Tx satisfy it. On a pgx.Tx, Begin
// creates a savepoint, so an operation is still all or nothing within the
// caller's transaction and a failure leaves that transaction usable.
type DB interface {
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
// A streaming source holds at most one chunk of rows in memory.
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
func BulkCreate[T any](ctx context.Context, db DB, b *Binding[T], rows []T, opts ...BulkOption) (int64, error) {
	return runBulk(ctx, db, b, opts, "copy", nil, slicePrevalidated(b, rows))
}

// BulkCreateSeq is BulkCreate for a stream of rows: it reads rows as it
// sends them, holding at most one chunk in memory. An error yielded by the
// stream aborts the operation (nothing is written) and is returned wrapped
// with the table name, as the stream reports it.
func BulkCreateSeq[T any](ctx context.Context, db DB, b *Binding[T], rows iter.Seq2[T, error], opts ...BulkOption) (int64, error) {
	return runBulk(ctx, db, b, opts, "copy", nil, seqFeeder(b, rows))
}

// feeder calls send with consecutive chunks of at most size rows; start is
// the index of the chunk's first row in the input and last is true for the
// final chunk.
type feeder[T any] struct {
	rows        int          // number of input rows, -1 when unknown (a stream)
	prevalidate func() error // runs before anything is sent
	feed        func(size int, send func(chunk []T, start int64, last bool) error) error
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
		feed: func(size int, send func([]T, int64, bool) error) error {
			for start := 0; start < len(rows); start += size {
				end := min(start+size, len(rows))
				if err := send(rows[start:end], int64(start), end == len(rows)); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

func seqFeeder[T any](b *Binding[T], rows iter.Seq2[T, error]) feeder[T] {
	return feeder[T]{
		rows: -1,
		feed: func(size int, send func([]T, int64, bool) error) error {
			buf := make([]T, 0, min(size, 4096))
			var i, start int64
			var err error
			for row, rerr := range rows {
				if rerr != nil {
					err = rerr
					break
				}
				if b.validate != nil {
					if verr := b.validate(&row); verr != nil {
						err = &RowError{Row: i, Err: verr}
						break
					}
				}
				// A full chunk is held until another row proves it is
				// not the last one.
				if len(buf) == size {
					if err = send(buf, start, false); err != nil {
						break
					}
					clear(buf)
					buf, start = buf[:0], i
				}
				buf = append(buf, row)
				i++
			}
			if err == nil && len(buf) > 0 {
				err = send(buf, start, true)
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
func runBulk[T any](ctx context.Context, db DB, b *Binding[T], opts []BulkOption, verb string,
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
		copySQL = "COPY " + target.Sanitize() + " " + quoteIdentList(b.columns) + " FROM STDIN BINARY"
	}
	var sent int64
	done := false // committed, by COPY itself or by tx.Commit
	err = src.feed(cfg.chunk, func(chunk []T, start int64, last bool) error {
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
			cr.reset(chunk)
			c, err = copyBinary(ctx, db, tx, cr, copySQL)
		} else {
			var conn interface {
				CopyFrom(context.Context, pgx.Identifier, []string, pgx.CopyFromSource) (int64, error)
			} = db
			if tx != nil {
				conn = tx
			}
			cs.reset(chunk)
			c, err = conn.CopyFrom(ctx, target, b.columns, cs)
		}
		if err != nil {
			if cs.err != nil {
				return &RowError{Row: start + int64(cs.i), Err: cs.err}
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
func copyBinary(ctx context.Context, db DB, tx pgx.Tx, r io.Reader, sql string) (int64, error) {
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
	rows   []T
	i      int
	values func(*T, []any) []any
	dst    []any
	ncol   int
	err    error
}

func (s *copySource[T]) reset(rows []T) { s.rows, s.i, s.err = rows, -1, nil }

func (s *copySource[T]) Next() bool { s.i++; return s.i < len(s.rows) }

func (s *copySource[T]) Values() ([]any, error) {
	s.dst = s.values(&s.rows[s.i], s.dst[:0])
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
