package model

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
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
	return runBulk(ctx, db, b, opts, nil, sliceInput(b, rows))
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
	return runBulk(ctx, db, b, opts, nil, seqInput(b, rows))
}

// runBulk runs one bulk operation (an upsert when up is set): the input is
// validated if it can be before anything is sent, its chunks are copied by
// a copier, which commits them, and the after-commit hook runs last.
func runBulk[T any](ctx context.Context, db DBTX, b *Binding[T], opts []BulkOption, up *upsert, in input[T]) (n int64, err error) {
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
			verb := "copy"
			if up != nil {
				verb = "upsert"
			}
			n, err = 0, fmt.Errorf("%s %s: %w", verb, b.table.name, err)
		}
	}()
	cfg, err := newBulkConfig(opts)
	if err != nil {
		return 0, err
	}
	if in.prevalidate != nil {
		if err := in.prevalidate(); err != nil {
			return 0, err
		}
	}
	if db == nil {
		return 0, errUnsupportedSource
	}
	c := newCopier(db, b, up, in.rows)
	defer c.rollback(ctx)
	err = in.chunks(cfg.chunk, func(ch chunk[T]) error {
		if err := c.send(ctx, ch); err != nil {
			return err
		}
		if cfg.progress != nil {
			cfg.progress(c.sent)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	n, committed, err := c.commit(ctx)
	if err != nil {
		return 0, err
	}
	if b.afterCommit != nil && committed {
		b.afterCommit(ctx, n)
	}
	return n, nil
}

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
