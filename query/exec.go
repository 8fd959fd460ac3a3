package query

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// DBTX is what a query runs on: *pgxpool.Pool, *pgx.Conn, pgx.Tx, sqlc's
// db.DBTX, postgres.Pipeline and postgres.ReadScope (whose read cache then
// serves repeated builder queries) all implement it.
type DBTX interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// All runs the query and scans every row into a T.
func (q *Query[T]) All(ctx context.Context, db DBTX) ([]T, error) {
	sql, args, err := q.SQL()
	if err != nil {
		return nil, err
	}
	hint := 0
	if q.hasLimit && q.limit <= 1000 {
		hint = int(q.limit)
	}
	return q.t.scan(ctx, db, sql, args, hint)
}

// One runs the query with LIMIT 1 (unless a limit is set) and returns the
// first row, or pgx.ErrNoRows.
func (q *Query[T]) One(ctx context.Context, db DBTX) (T, error) {
	var zero T
	lim := int64(-1)
	if !q.hasLimit {
		lim = 1
	}
	sql, args, err := q.build(kindSelect, lim)
	if err != nil {
		return zero, err
	}
	rows, err := q.t.scan(ctx, db, sql, args, 1)
	if err != nil {
		return zero, err
	}
	if len(rows) == 0 {
		return zero, pgx.ErrNoRows
	}
	return rows[0], nil
}

// Count runs SELECT count(*) over the query's conditions.
func (q *Query[T]) Count(ctx context.Context, db DBTX) (int64, error) {
	sql, args, err := q.CountSQL()
	if err != nil {
		return 0, err
	}
	var n int64
	err = db.QueryRow(ctx, sql, args...).Scan(&n)
	return n, err
}

// Exists reports whether any row matches the query's conditions.
func (q *Query[T]) Exists(ctx context.Context, db DBTX) (bool, error) {
	sql, args, err := q.ExistsSQL()
	if err != nil {
		return false, err
	}
	var ok bool
	err = db.QueryRow(ctx, sql, args...).Scan(&ok)
	return ok, err
}

// Page is one page of a keyset pagination.
type Page[T any] struct {
	Items []T
	// Next is the cursor of the following page (pass it to After), or ""
	// on the last page.
	Next string
}

// Page runs the query as one page of a keyset pagination: the query's
// order followed by the table's Key (the key alone without an order),
// Limit rows after the After cursor. It fetches one row more than the
// limit to know whether a next page exists; Next is signed with the
// schema's first cursor key.
func (q *Query[T]) Page(ctx context.Context, db DBTX) (Page[T], error) {
	t := q.t
	if !q.hasLimit || q.limit == 0 {
		return Page[T]{}, &Error{Table: t.m.name, Err: ErrNoLimit}
	}
	if len(t.key) == 0 {
		return Page[T]{}, &Error{Table: t.m.name, Err: ErrNoKey}
	}
	if q.hasOffset {
		return Page[T]{}, &Error{Table: t.m.name, Err: ErrCursorAndOffset}
	}
	q.paging = true
	var ob [maxOrder]orderItem
	ord, err := q.resolveOrder(ob[:0])
	if err != nil {
		return Page[T]{}, err
	}
	// Check that the order can be put in a cursor before running anything.
	if err := t.cursorOrder(ord); err != nil {
		return Page[T]{}, err
	}
	sql, args, err := q.build(kindSelect, q.limit+1)
	if err != nil {
		return Page[T]{}, err
	}
	rows, err := t.scan(ctx, db, sql, args, int(min(q.limit+1, 1001)))
	if err != nil {
		return Page[T]{}, err
	}
	p := Page[T]{Items: rows}
	if int64(len(rows)) > q.limit {
		p.Items = rows[:q.limit]
		last := &p.Items[len(p.Items)-1]
		if p.Next, err = q.encodeCursor(ord, t.fields(last, make([]any, 0, len(t.cols)))); err != nil {
			return Page[T]{}, err
		}
	}
	return p, nil
}

// scan runs sql and scans each row through the table's fields function.
func (t *Table[T]) scan(ctx context.Context, db DBTX, sql string, args []any, hint int) ([]T, error) {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]T, 0, hint)
	dst := make([]any, 0, len(t.cols))
	for rows.Next() {
		var zero T
		out = append(out, zero)
		dst = t.fields(&out[len(out)-1], dst[:0])
		if err := rows.Scan(dst...); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
