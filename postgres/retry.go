package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// canRetry decides whether a statement that failed with err may run once
// more on another connection, with the caller none the wiser. A read (a
// statement outside a transaction that changes nothing) may, when the
// connection or server failed (Unavailable) before any row reached the
// caller: running it twice has no effect. A write may only when pgconn
// guarantees nothing was sent (pgconn.SafeToRetry). Nothing is retried
// once ctx is done.
func canRetry(ctx context.Context, err error, read bool) bool {
	if err == nil || ctx.Err() != nil {
		return false
	}
	if read {
		return Unavailable(err)
	}
	return pgconn.SafeToRetry(err)
}

// retryable is canRetry for sql sent by a Reader (reader) or a Writer: a
// Reader's statement counts as a read only when Classify agrees, so a
// write sent through a Reader is never run twice. It classifies only on
// the failure path.
func retryable(ctx context.Context, err error, reader bool, sql string) bool {
	if err == nil || ctx.Err() != nil {
		return false
	}
	return canRetry(ctx, err, reader && Classify(sql) == StatementRead)
}

// liveConn acquires a connection of pool that answers a ping, for a
// retry. A server that went away (restarted, terminated its backends)
// leaves every idle connection of the pool broken, or about to be: one
// that answers a ping may still receive the termination an instant later.
// So liveConn first closes the pool's idle connections (connections in use
// are left alone), and the retry gets a connection opened after the
// failure. The price, when only one backend had died, is a few new
// connections. Each broken connection met after that is closed too (the
// pool drops it on release), and at most MaxConns+1 are tried, as
// pgxpool's Acquire does. A new connection whose backend ends while it is
// set up (the prepares and warm-up of AfterConnect) counts as one more
// broken connection.
func liveConn(ctx context.Context, pool *pgxpool.Pool) (*pgxpool.Conn, error) {
	for _, c := range pool.AcquireAllIdle(ctx) {
		c.Conn().Close(ctx)
		c.Release()
	}
	var last error
	for range pool.Config().MaxConns + 1 {
		c, err := pool.Acquire(ctx)
		if err != nil {
			if !Unavailable(err) || ctx.Err() != nil {
				return nil, err
			}
			last = err
			continue
		}
		if err := c.Ping(ctx); err != nil {
			c.Conn().Close(ctx)
			c.Release()
			if !Unavailable(err) || ctx.Err() != nil {
				return nil, err
			}
			last = err
			continue
		}
		return c, nil
	}
	return nil, last
}

// liveTries bounds the retries of one statement on live connections: a
// connection that answered a ping can still be closed before the statement
// reaches it when the server ends its backends one by one (a busy server
// takes a while to end them all), so a retry that meets a closed
// connection again before any row gets another, up to three retries.
const liveTries = 3

// retryQuery runs sql on pool, and again on a live connection when it
// fails before its first row and retryable allows it; reader says that a
// Reader sent it.
func retryQuery(ctx context.Context, pool *pgxpool.Pool, reader bool, sql string, args ...any) (pgx.Rows, error) {
	rows, err := pool.Query(ctx, sql, args...)
	if err != nil {
		if !retryable(ctx, err, reader, sql) {
			return nil, err
		}
		r := &retryRows{pool: pool, read: reader, ctx: ctx, sql: sql, args: args}
		if err := r.retry(); err != nil {
			return nil, err
		}
		return r, nil
	}
	return &retryRows{Rows: rows, pool: pool, read: reader, ctx: ctx, sql: sql, args: args}, nil
}

// queryLive runs a query on a live connection; the rows release it.
func queryLive(ctx context.Context, pool *pgxpool.Pool, sql string, args []any) (pgx.Rows, error) {
	c, err := liveConn(ctx, pool)
	if err != nil {
		return nil, err
	}
	rows, err := c.Query(ctx, sql, args...)
	if err != nil {
		c.Release()
		return nil, err
	}
	return &connRows{Rows: rows, conn: c}, nil
}

// retryQueryRow runs a single-row statement on pool, and again on a live
// connection when Scan sees it fail and retryable allows it (no row had
// reached the caller).
func retryQueryRow(ctx context.Context, pool *pgxpool.Pool, reader bool, sql string, args ...any) pgx.Row {
	return &retryRow{row: pool.QueryRow(ctx, sql, args...), pool: pool, read: reader, ctx: ctx, sql: sql, args: args}
}

type retryRow struct {
	row  pgx.Row
	pool *pgxpool.Pool
	read bool
	ctx  context.Context
	sql  string
	args []any
}

func (r *retryRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	for range liveTries {
		if err == nil || errors.Is(err, pgx.ErrNoRows) || !retryable(r.ctx, err, r.read, r.sql) {
			return err
		}
		c, cerr := liveConn(r.ctx, r.pool)
		if cerr != nil {
			return errors.Join(err, cerr)
		}
		err = c.QueryRow(r.ctx, r.sql, r.args...).Scan(dest...)
		c.Release()
	}
	return err
}

// retryRows is a pool's pgx.Rows that runs the query again on a live
// connection when it fails before the first row. Once a row has been
// returned, errors are returned as they are.
type retryRows struct {
	pgx.Rows
	pool    *pgxpool.Pool
	read    bool
	ctx     context.Context
	sql     string
	args    []any
	started bool  // a row was returned, or the retries are over
	err     error // a retry's Query error
}

func (r *retryRows) Next() bool {
	if r.err != nil {
		return false
	}
	if r.Rows.Next() {
		r.started = true
		return true
	}
	if r.started || !retryable(r.ctx, r.Rows.Err(), r.read, r.sql) {
		r.started = true
		return false
	}
	r.Rows.Close()
	if r.err = r.retry(); r.err != nil {
		return false
	}
	r.started = true
	return r.Rows.Next()
}

// retry runs the query on live connections until it returns a first row,
// fails otherwise than by a closed connection, or liveTries have failed;
// the result stays in r.Rows, its first row not yet read.
func (r *retryRows) retry() error {
	for i := range liveTries {
		rows, err := queryLive(r.ctx, r.pool, r.sql, r.args)
		if err != nil {
			// The live connection can be closed between its ping and
			// the query, as after the first row: try the next one.
			if i < liveTries-1 && retryable(r.ctx, err, r.read, r.sql) {
				continue
			}
			return err
		}
		first := rows.Next()
		r.Rows = &peekRows{Rows: rows, first: first}
		if first || i == liveTries-1 || !retryable(r.ctx, rows.Err(), r.read, r.sql) {
			return nil
		}
		rows.Close()
	}
	return nil
}

func (r *retryRows) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.Rows.Err()
}

// peekRows replays the result of a first Next that was already called.
type peekRows struct {
	pgx.Rows
	first, peeked bool
}

func (r *peekRows) Next() bool {
	if !r.peeked {
		r.peeked = true
		return r.first
	}
	return r.Rows.Next()
}

// connRows releases its connection when closed or exhausted.
type connRows struct {
	pgx.Rows
	conn *pgxpool.Conn
}

func (r *connRows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.Close()
	return false
}

func (r *connRows) Close() {
	r.Rows.Close()
	if r.conn != nil {
		r.conn.Release()
		r.conn = nil
	}
}

// retryExec runs a write on pool, and again on a live connection when
// nothing was sent (a broken idle connection of the pool), as reads are
// retried: the next idle connection may be broken too.
func retryExec(ctx context.Context, pool *pgxpool.Pool, sql string, args ...any) (pgconn.CommandTag, error) {
	tag, err := pool.Exec(ctx, sql, args...)
	for range liveTries {
		if !retryable(ctx, err, false, sql) {
			return tag, err
		}
		c, cerr := liveConn(ctx, pool)
		if cerr != nil {
			return tag, errors.Join(err, cerr)
		}
		tag, err = c.Exec(ctx, sql, args...)
		c.Release()
	}
	return tag, err
}

// retryPool is a pool's autocommit statements with the retries above; reader
// marks the statements of a Reader (retried as reads when Classify agrees).
type retryPool struct {
	pool   *pgxpool.Pool
	reader bool
}

func (p retryPool) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return retryExec(ctx, p.pool, sql, args...)
}

func (p retryPool) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	return retryQuery(ctx, p.pool, p.reader, sql, args...)
}

func (p retryPool) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return retryQueryRow(ctx, p.pool, p.reader, sql, args...)
}
