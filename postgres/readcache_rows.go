package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// scopeTx invalidates its scope when it commits.
type scopeTx struct {
	pgx.Tx
	s *ReadScope
}

func (t *scopeTx) Commit(ctx context.Context) error {
	s := t.s
	s.Invalidate()
	defer s.Invalidate()
	return t.Tx.Commit(ctx)
}

// writeRows invalidates its scope again when closed, so that a read that
// raced with the write is not kept.
type writeRows struct {
	pgx.Rows
	s    *ReadScope
	done bool
}

func (r *writeRows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.finish()
	return false
}

func (r *writeRows) Close() {
	r.Rows.Close()
	r.finish()
}

func (r *writeRows) finish() {
	if !r.done {
		r.done = true
		r.s.Invalidate()
	}
}

type writeRow struct {
	pgx.Row
	s *ReadScope
}

func (r writeRow) Scan(dest ...any) error {
	defer r.s.Invalidate()
	return r.Row.Scan(dest...)
}

type writeBatch struct {
	pgx.BatchResults
	s *ReadScope
}

func (b *writeBatch) Close() error {
	defer b.s.Invalidate()
	return b.BatchResults.Close()
}

// scopeRow is QueryRow over Query, as pgx's own: the first row or
// pgx.ErrNoRows, then close.
type scopeRow struct {
	rows pgx.Rows
	err  error
}

func (r *scopeRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	return scanOne(r.rows, dest)
}

// recordRow is the Row of a read recorded as it is scanned: its
// recordRows, seen as a pgx.Row without another allocation.
type recordRow recordRows

func (r *recordRow) Scan(dest ...any) error { return scanOne((*recordRows)(r), dest) }

// scanOne scans the first row of rows, or returns pgx.ErrNoRows, and
// closes them.
func scanOne(rows pgx.Rows, dest []any) error {
	if !rows.Next() {
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	err := rows.Scan(dest...)
	rows.Close()
	if err != nil {
		return err
	}
	return rows.Err()
}

// recordRows passes rows through and records their raw values; when the
// result has been read to its end without error it is stored in the scope.
// Closing it early reads (and records) the rest of the result, which pgx
// would otherwise read and discard, up to MaxRows.
type recordRows struct {
	pgx.Rows
	s        *ReadScope
	sql      string
	key      cacheKey
	gen      uint64
	e        entry // stored by pointer: it is allocated with the rows
	overflow bool
	finished bool
}

func (r *recordRows) Next() bool {
	if !r.Rows.Next() {
		r.finish()
		return false
	}
	r.record()
	return true
}

func (r *recordRows) Close() {
	if !r.finished {
		for !r.overflow && r.Rows.Err() == nil && r.Rows.Next() {
			r.record()
		}
	}
	r.Rows.Close()
	r.finish()
}

func (r *recordRows) record() {
	if r.overflow {
		return
	}
	e := &r.e
	if len(e.rows) >= r.s.c.cfg.MaxRows {
		r.overflow, e.rows = true, nil
		return
	}
	if e.fields == nil {
		e.fields = r.s.c.fieldsOf(r.sql, r.Rows.FieldDescriptions())
	}
	raw := r.Rows.RawValues()
	row, n := copyRow(raw)
	e.rows = append(e.rows, row)
	e.size += n + 24*len(raw) + 24
	if e.size > r.s.c.cfg.MaxBytes {
		r.overflow, e.rows = true, nil
	}
}

func (r *recordRows) finish() {
	if r.finished {
		return
	}
	r.finished = true
	if r.overflow || r.Rows.Err() != nil {
		return
	}
	if r.e.fields == nil {
		r.e.fields = r.s.c.fieldsOf(r.sql, r.Rows.FieldDescriptions())
	}
	r.e.tag = r.Rows.CommandTag()
	r.s.store(r.key, r.gen, &r.e)
}

// replayRows is a pgx.Rows over a cached result. pgx offers no such type:
// it decodes the buffered raw values with the scope's type map exactly as
// pgx decodes them off the wire. Conn returns nil.
type replayRows struct {
	s      *ReadScope
	e      *entry
	i      int
	closed bool
	err    error
	tm     *pgtype.Map // made by TypeMap, for this Rows alone
}

func (r *replayRows) Close()                                       { r.closed = true }
func (r *replayRows) Err() error                                   { return r.err }
func (r *replayRows) CommandTag() pgconn.CommandTag                { return r.e.tag }
func (r *replayRows) FieldDescriptions() []pgconn.FieldDescription { return r.e.fields }
func (r *replayRows) Conn() *pgx.Conn                              { return nil }

// TypeMap returns a type map for decoding the rows' raw values. It is
// made for this Rows alone: the scope's own map is shared by the
// request's goroutines.
func (r *replayRows) TypeMap() *pgtype.Map {
	if r.tm == nil {
		r.tm = r.s.c.cfg.NewTypeMap()
	}
	return r.tm
}

func (r *replayRows) Next() bool {
	if r.closed {
		return false
	}
	r.i++
	if r.i >= len(r.e.rows) {
		r.closed = true
		return false
	}
	return true
}

// RawValues returns the cached bytes of the current row; they are shared
// with later replays and must not be modified.
func (r *replayRows) RawValues() [][]byte {
	if r.closed || r.i < 0 {
		return nil
	}
	return r.e.rows[r.i]
}

func (r *replayRows) current() ([][]byte, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.closed || r.i < 0 {
		return nil, errRowsClosed
	}
	return r.e.rows[r.i], nil
}

var errRowsClosed = errors.New("read scope: no current row")

func (r *replayRows) Scan(dest ...any) error {
	values, err := r.current()
	if err != nil {
		return err
	}
	if len(dest) == 1 {
		if rs, ok := dest[0].(pgx.RowScanner); ok {
			err = rs.ScanRow(r)
			return r.fail(err)
		}
	}
	tm := r.s.lockTypeMap()
	err = pgx.ScanRow(tm, r.e.fields, values, dest...)
	r.s.tmMu.Unlock()
	return r.fail(err)
}

func (r *replayRows) Values() ([]any, error) {
	values, err := r.current()
	if err != nil {
		return nil, err
	}
	tm := r.s.lockTypeMap()
	defer r.s.tmMu.Unlock()
	out, err := decodeValues(tm, r.e.fields, values)
	return out, r.fail(err)
}

// fail records a scan error and closes the rows, as pgx does.
func (r *replayRows) fail(err error) error {
	if err != nil {
		r.err, r.closed = err, true
	}
	return err
}
