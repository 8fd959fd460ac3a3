package postgres

import (
	"context"
	"slices"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Session routes the queries of one request (or other unit of work) and
// gives it read-your-writes: reads go to a replica until the session
// writes, and to the primary from then on, so a request never reads older
// data than it wrote. Take a new Session per request from
// [Router.Session]; one must not outlive its request, or every later read
// would go to the primary. Its methods are safe for concurrent use.
//
// Release a session when its request ends, as a pgxpool.Conn: the router
// hands it, emptied, to a later request instead of allocating one.
// Releasing is optional (a session that is not released is garbage
// collected), but nothing may use a session, its Reader or Writer, or a
// scope its SessionScope returned after releasing it.
//
// Reader and Writer have the method set of sqlc's DBTX (Exec, Query,
// QueryRow, CopyFrom, SendBatch), so either can back a db.Queries:
//
//	s := router.Session()
//	q := db.NewRouted(s.Reader(), s.Writer()) // generated: reads on Reader
type Session struct {
	router   *Router
	released atomic.Bool
	wrote    atomic.Bool
	onWrite  atomic.Pointer[[]func()]
	scope    atomic.Pointer[ReadScope] // invalidated on every write
	ownScope ReadScope                 // the first SessionScope's
	reader   Reader
	writer   Writer
}

// Release ends the session and hands it back to its router for a later
// [Router.Session]. It empties the session first: its reads go to
// replicas again, its OnWrite callbacks are dropped and its read scope
// forgets every result, so nothing of one request reaches the next. A
// second Release of the same session does nothing.
func (s *Session) Release() {
	if s.released.Swap(true) {
		return
	}
	if s.wrote.Load() {
		s.wrote.Store(false)
	}
	if s.onWrite.Load() != nil {
		s.onWrite.Store(nil)
	}
	if s.scope.Load() != nil {
		s.scope.Store(nil)
	}
	s.ownScope.reset()
	s.router.sessions.Put(s)
}

// Reader returns the session's read connection: Query and QueryRow run on a
// replica while the session has not written, on the primary otherwise.
// Exec, CopyFrom and SendBatch on it count as writes.
func (s *Session) Reader() *Reader { return &s.reader }

// Writer returns the session's write connection: everything runs on the
// primary and marks the session as having written.
func (s *Session) Writer() *Writer { return &s.writer }

// Wrote reports whether the session has written (or was pinned to the
// primary), so its reads go to the primary.
func (s *Session) Wrote() bool { return s.wrote.Load() }

// UsePrimary sends the rest of the session's reads to the primary, as
// after a write: for a read that must see everything committed, e.g. right
// after another request wrote.
func (s *Session) UsePrimary() { s.wrote.Store(true) }

// OnWrite registers f to run before every write through the session (every
// Writer method, and Exec, CopyFrom, SendBatch and Begin on the Reader), for
// request-scoped caches that must forget what they read before the write:
//
//	scope := readCache.Scope(s.Reader())
//	s.OnWrite(scope.Invalidate)
//	q := db.NewRouted(scope, s.Writer())
//
// Register callbacks while setting the request up, before it runs queries.
func (s *Session) OnWrite(f func()) {
	for {
		old := s.onWrite.Load()
		var fs []func()
		if old != nil {
			fs = slices.Clone(*old)
		}
		fs = append(fs, f)
		if s.onWrite.CompareAndSwap(old, &fs) {
			return
		}
	}
}

// write marks the session as having written, invalidates its read scope
// and runs the OnWrite callbacks.
func (s *Session) write() {
	s.wrote.Store(true)
	if sc := s.scope.Load(); sc != nil {
		sc.Invalidate()
	}
	if fs := s.onWrite.Load(); fs != nil {
		for _, f := range *fs {
			f()
		}
	}
}

// Begin starts a transaction on the primary; the session counts as having
// written. Everything inside a transaction runs on the primary.
func (s *Session) Begin(ctx context.Context) (pgx.Tx, error) { return s.writer.Begin(ctx) }

// BeginTx is Begin with options (a TxBeginner for InTx).
func (s *Session) BeginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error) {
	return s.writer.BeginTx(ctx, opts)
}

// replica returns the replica for the next read, or nil for the primary.
func (s *Session) replica() *replica {
	if s.wrote.Load() {
		return nil
	}
	return s.router.pick()
}

// querier runs autocommit statements: a *Pipeline or a *pgxpool.Pool.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Reader is a [Session]'s read connection.
type Reader struct{ s *Session }

// Query runs sql on a replica, or on the primary when the session has
// written or no replica is healthy. When the replica fails (connection
// refused or lost, shutting down, recovery conflict) before returning a
// row, the query runs again on the primary.
func (rd *Reader) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	rep := rd.s.replica()
	if rep == nil {
		return rd.s.router.autoRead.Query(ctx, sql, args...)
	}
	q := rep.querier()
	if q == nil {
		return rd.s.router.autoRead.Query(ctx, sql, args...)
	}
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		if rd.s.failover(ctx, rep, err) {
			return rd.s.router.autoRead.Query(ctx, sql, args...)
		}
		return nil, err
	}
	return &fallbackRows{rows: rows, s: rd.s, rep: rep, ctx: ctx, sql: sql, args: args}, nil
}

// QueryRow runs sql like Query, on a replica unless the session has
// written; a replica failure is retried on the primary when Scan sees it.
func (rd *Reader) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	rep := rd.s.replica()
	if rep == nil {
		return rd.s.router.autoRead.QueryRow(ctx, sql, args...)
	}
	q := rep.querier()
	if q == nil {
		return rd.s.router.autoRead.QueryRow(ctx, sql, args...)
	}
	return &fallbackRow{row: q.QueryRow(ctx, sql, args...), s: rd.s, rep: rep, ctx: ctx, sql: sql, args: args}
}

// Exec runs on the primary and counts as a write.
func (rd *Reader) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return rd.s.writer.Exec(ctx, sql, args...)
}

// CopyFrom runs on the primary and counts as a write.
func (rd *Reader) CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error) {
	return rd.s.writer.CopyFrom(ctx, table, columns, src)
}

// SendBatch runs on the primary and counts as a write: a batch may hold
// anything.
func (rd *Reader) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	return rd.s.writer.SendBatch(ctx, b)
}

// Begin starts a transaction on the primary and counts as a write.
func (rd *Reader) Begin(ctx context.Context) (pgx.Tx, error) { return rd.s.writer.Begin(ctx) }

// BeginTx starts a transaction on the primary and counts as a write.
func (rd *Reader) BeginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error) {
	return rd.s.writer.BeginTx(ctx, opts)
}

// Writer is a [Session]'s write connection: the primary.
type Writer struct{ s *Session }

// Exec runs sql on the primary.
func (w *Writer) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	w.s.write()
	return w.s.router.auto.Exec(ctx, sql, args...)
}

// Query runs sql on the primary (a write with RETURNING, or a read that
// must be current).
func (w *Writer) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	w.s.write()
	return w.s.router.auto.Query(ctx, sql, args...)
}

// QueryRow runs sql on the primary.
func (w *Writer) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	w.s.write()
	return w.s.router.auto.QueryRow(ctx, sql, args...)
}

// CopyFrom runs COPY FROM on the primary.
func (w *Writer) CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error) {
	w.s.write()
	return w.s.router.primary.CopyFrom(ctx, table, columns, src)
}

// SendBatch sends b to the primary.
func (w *Writer) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	w.s.write()
	return retryBatch(ctx, w.s.router.primary, b)
}

// Begin starts a transaction on the primary.
func (w *Writer) Begin(ctx context.Context) (pgx.Tx, error) {
	w.s.write()
	return w.s.router.primary.Begin(ctx)
}

// BeginTx starts a transaction with options on the primary.
func (w *Writer) BeginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error) {
	w.s.write()
	return w.s.router.primary.BeginTx(ctx, opts)
}
