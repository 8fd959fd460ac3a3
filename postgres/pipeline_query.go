package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// pipeQuerier runs a Pipeline's Exec, Query and QueryRow. With reader set
// (a Pipeline's own methods, a Session's Reader) a statement that Classify
// calls a read runs again when its connection was lost before any row
// reached the caller; otherwise (a Session's Writer) only a statement that
// was never sent does, as for the pool (canRetry). Statements that are not
// pipelined run on the pool with the same rule.
type pipeQuerier struct {
	p      *Pipeline
	reader bool
}

func (q pipeQuerier) pool() retryPool { return retryPool{pool: q.p.pool, reader: q.reader} }

func (q pipeQuerier) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	p := q.p
	st := p.stmt(sql, args)
	if st == nil {
		return q.pool().Exec(ctx, sql, args...)
	}
	r, err := p.run(ctx, st, sql, args)
	switch err {
	case errPipelineRedirect:
		return q.pool().Exec(ctx, sql, args...)
	case errPipelineUnsent:
		c, err := liveConn(ctx, p.pool)
		if err != nil {
			return pgconn.CommandTag{}, err
		}
		defer c.Release()
		return c.Exec(ctx, sql, args...)
	}
	if r == nil {
		return pgconn.CommandTag{}, err
	}
	r.trace(err)
	if q.retry(ctx, st, err) {
		rows, err := q.retryRead(ctx, sql, args)
		if err != nil {
			return pgconn.CommandTag{}, err
		}
		for rows.Next() {
		}
		rows.Close()
		return rows.CommandTag(), rows.Err()
	}
	return r.tag, err
}

func (q pipeQuerier) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	p := q.p
	st := p.stmt(sql, args)
	if st == nil {
		return q.pool().Query(ctx, sql, args...)
	}
	r, err := p.run(ctx, st, sql, args)
	switch err {
	case errPipelineRedirect:
		return q.pool().Query(ctx, sql, args...)
	case errPipelineUnsent:
		return queryLive(ctx, p.pool, sql, args)
	}
	if r == nil {
		return &pipeRows{p: p, err: err, closed: true}, err
	}
	if q.retry(ctx, st, err) {
		r.trace(err)
		return q.retryRead(ctx, sql, args)
	}
	return r.rowsFor(p, err), err
}

func (q pipeQuerier) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	p := q.p
	st := p.stmt(sql, args)
	if st == nil {
		return q.pool().QueryRow(ctx, sql, args...)
	}
	r, err := p.run(ctx, st, sql, args)
	switch err {
	case errPipelineRedirect:
		return q.pool().QueryRow(ctx, sql, args...)
	case errPipelineUnsent:
		rows, err := queryLive(ctx, p.pool, sql, args)
		return &scopeRow{rows: rows, err: err}
	}
	if r == nil {
		return &scopeRow{err: err}
	}
	if q.retry(ctx, st, err) {
		r.trace(err)
		rows, err := q.retryRead(ctx, sql, args)
		return &scopeRow{rows: rows, err: err}
	}
	r.row = scopeRow{rows: r.rowsFor(p, err), err: err}
	return &r.row
}

// retry says whether a pipelined statement that failed with err runs
// again: a read (for a reader) whose connection was lost before its result
// arrived, so that no row reached the caller.
func (q pipeQuerier) retry(ctx context.Context, st *pipeStmt, err error) bool {
	return q.reader && st.read && errors.Is(err, ErrPipelineConnLost) && canRetry(ctx, err, true)
}

// retryRead runs a read again on pooled connections that answer a ping,
// as a Session's reads are retried.
func (q pipeQuerier) retryRead(ctx context.Context, sql string, args []any) (pgx.Rows, error) {
	r := &retryRows{pool: q.p.pool, read: true, ctx: ctx, sql: sql, args: args}
	if err := r.retry(); err != nil {
		return nil, err
	}
	return r, nil
}
