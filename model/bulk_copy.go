package model

import (
	"context"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// copier sends the chunks of one bulk operation, one COPY statement each.
// Input that fits in one chunk, on a pool or a connection, is one COPY
// statement, atomic by itself; anything else runs in a transaction (a
// savepoint on a pgx.Tx), begun when the first chunk is ready: the
// upsert's staging table, the chunks, the upsert's final INSERT, commit.
type copier[T any] struct {
	db         DBTX
	up         *upsert
	autocommit bool // a single chunk may run without a transaction
	tx         pgx.Tx

	// A binding with typed fields is encoded by aquila (enc, sql); one with
	// a values function goes through pgx.CopyFrom (src, target, columns).
	enc     *copyReader[T]
	sql     string
	src     *copySource[T]
	target  pgx.Identifier
	columns []string

	sent      int64 // rows sent so far
	committed bool  // by a single COPY or by commit
}

func newCopier[T any](db DBTX, b *Binding[T], up *upsert, rows int) *copier[T] {
	c := &copier[T]{db: db, up: up}
	switch db.(type) {
	case *pgxpool.Pool, *pgx.Conn:
		c.autocommit = up == nil
	}
	if b.fields != nil {
		c.enc = &copyReader[T]{fields: b.fields, buf: make([]byte, 0, copyBufCap(rows, len(b.columns)))}
		into := b.table.quoted
		if up != nil {
			into = upsertStaging
		}
		c.sql = "COPY " + into + " (" + b.colList + ") FROM STDIN BINARY"
		return c
	}
	c.src = &copySource[T]{values: b.values, ncol: len(b.columns)}
	c.target, c.columns = pgx.Identifier{b.table.name}, b.columns
	if up != nil {
		c.target = pgx.Identifier{"pg_temp", upsertTable}
	}
	return c
}

// send copies one chunk, beginning the transaction first unless the chunk
// is the whole input of an autocommit operation. A failure names the row
// when it is known.
func (c *copier[T]) send(ctx context.Context, ch chunk[T]) error {
	if c.tx == nil && !(c.autocommit && ch.start == 0 && ch.last) {
		if err := c.begin(ctx); err != nil {
			return err
		}
	}
	var n int64
	var err error
	if c.enc != nil {
		c.enc.reset(ch.next)
		n, err = copyBinary(ctx, c.db, c.tx, c.enc, c.sql)
	} else {
		var conn interface {
			CopyFrom(context.Context, pgx.Identifier, []string, pgx.CopyFromSource) (int64, error)
		} = c.db
		if c.tx != nil {
			conn = c.tx
		}
		c.src.reset(ch.next)
		n, err = conn.CopyFrom(ctx, c.target, c.columns, c.src)
	}
	if err != nil {
		if c.src != nil && c.src.err != nil {
			return &RowError{Row: ch.start + int64(c.src.n) - 1, Err: c.src.err}
		}
		return rowOf(err, ch.start)
	}
	c.sent += n
	c.committed = c.tx == nil
	return nil
}

// begin starts the transaction and, for an upsert, its staging table.
func (c *copier[T]) begin(ctx context.Context) error {
	tx, err := c.db.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	c.tx = tx
	if c.up != nil {
		if _, err := tx.Exec(ctx, c.up.createSQL); err != nil {
			return fmt.Errorf("create staging table: %w", err)
		}
	}
	return nil
}

// commit ends the operation: an upsert's final INSERT and the commit of
// the transaction, if one was begun. It returns the rows written and
// whether anything was committed (nothing is for empty input).
func (c *copier[T]) commit(ctx context.Context) (n int64, committed bool, err error) {
	if c.tx == nil {
		return c.sent, c.committed, nil
	}
	n = c.sent
	if c.up != nil {
		if n, err = c.up.finish(ctx, c.tx); err != nil {
			return 0, false, err
		}
	}
	if err := c.tx.Commit(ctx); err != nil {
		return 0, false, fmt.Errorf("commit: %w", err)
	}
	c.tx = nil
	return n, true, nil
}

// rollback rolls back a transaction that was not committed.
func (c *copier[T]) rollback(ctx context.Context) {
	if c.tx != nil {
		// A cancelled ctx must not stop the rollback: pgx would close
		// the connection instead of returning it to the pool.
		c.tx.Rollback(context.WithoutCancel(ctx))
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
