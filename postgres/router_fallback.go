package postgres

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// failover decides, for an error from a read on rep, whether to run the
// read again on the primary, and takes rep out of rotation when the error
// says the replica (not the query) failed.
func (s *Session) failover(ctx context.Context, rep *replica, err error) bool {
	retry, down, wrote := triage(ctx, err)
	if down {
		rep.markDown(s.router, err)
	}
	if wrote {
		s.write()
	}
	return retry
}

// triage sorts an error from a read on a replica: retry on the primary or
// not, mark the replica down or not, and whether the read turned out to be a
// write (the session then counts as having written).
//
// Retried and marked down: connection failures (refused, reset, closed,
// unexpected EOF, timeouts of the connection itself) and server errors of
// classes 08 (connection exception), 53 (insufficient resources: too many
// connections) and 57 (operator intervention: shutting down, starting up),
// except 57014 (query canceled: a statement timeout is the query's fault).
// Retried only: 40001 (a hot standby cancels queries that conflict with
// replay) and 25006 (the "read" wrote, which a standby refuses). Nothing is
// retried once the caller's context is done.
func triage(ctx context.Context, err error) (retry, down, wrote bool) {
	if err == nil || ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false, false, false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch code := pgErr.Code; {
		case code == "25006":
			return true, false, true
		case code == "40001":
			return true, false, false
		case strings.HasPrefix(code, "53"):
			return true, true, false
		}
	}
	if Unavailable(err) {
		return true, true, false
	}
	return false, false, false
}

// fallbackRow is a replica's pgx.Row that re-runs the query on the primary
// when Scan reports a replica failure.
type fallbackRow struct {
	row  pgx.Row
	s    *Session
	rep  *replica
	ctx  context.Context
	sql  string
	args []any
}

// Scan scans the replica's row, or the primary's after a replica failure.
func (r *fallbackRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if err != nil && r.s.failover(r.ctx, r.rep, err) {
		return r.s.router.autoRead.QueryRow(r.ctx, r.sql, r.args...).Scan(dest...)
	}
	return err
}

// fallbackRows is a replica's pgx.Rows that re-runs the query on the
// primary when the replica fails before the first row. Once a row has been
// read, errors are returned as they are: the caller has seen part of the
// result.
type fallbackRows struct {
	rows    pgx.Rows
	s       *Session
	rep     *replica
	ctx     context.Context
	sql     string
	args    []any
	started bool  // a row was returned, or the fallback was decided
	err     error // the primary's Query error after a fallback
}

// Next advances to the next row, switching to the primary when the replica
// failed before returning any.
func (r *fallbackRows) Next() bool {
	if r.err != nil {
		return false
	}
	if r.rows.Next() {
		r.started = true
		return true
	}
	if r.started {
		return false
	}
	r.started = true
	err := r.rows.Err()
	if err == nil || !r.s.failover(r.ctx, r.rep, err) {
		return false
	}
	r.rows.Close()
	rows, err := r.s.router.autoRead.Query(r.ctx, r.sql, r.args...)
	if err != nil {
		r.err = err
		return false
	}
	r.rows = rows
	return r.rows.Next()
}

// Close closes the current result.
func (r *fallbackRows) Close() { r.rows.Close() }

// Err returns the error of the current result.
func (r *fallbackRows) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.rows.Err()
}

// CommandTag returns the command tag of the current result.
func (r *fallbackRows) CommandTag() pgconn.CommandTag { return r.rows.CommandTag() }

// FieldDescriptions returns the field descriptions of the current result.
func (r *fallbackRows) FieldDescriptions() []pgconn.FieldDescription {
	return r.rows.FieldDescriptions()
}

// Scan scans the current row.
func (r *fallbackRows) Scan(dest ...any) error { return r.rows.Scan(dest...) }

// Values returns the current row's values.
func (r *fallbackRows) Values() ([]any, error) { return r.rows.Values() }

// RawValues returns the current row's raw values.
func (r *fallbackRows) RawValues() [][]byte { return r.rows.RawValues() }

// Conn returns the connection of the current result.
func (r *fallbackRows) Conn() *pgx.Conn { return r.rows.Conn() }

// TypeMap returns the type map of the current result.
func (r *fallbackRows) TypeMap() *pgtype.Map { return r.rows.TypeMap() }
