package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgtype"
)

// States of a pipelined statement.
const (
	reqNew       int32 = iota // owned by its caller
	reqWaiting                // queued for a place on a connection
	reqSent                   // written to a connection, result pending
	reqDone                   // result complete; the caller may read it
	reqAbandoned              // the caller stopped waiting
)

// pipeReq is one pipelined statement: its encoded messages and, once
// done, its result. The reader writes the result fields before finish;
// the caller reads them after done.
type pipeReq struct {
	state  atomic.Int32
	done   chan struct{} // receives once, when the state becomes reqDone
	st     *pipeStmt
	msg    []byte // Bind, Execute
	synced bool   // a Sync follows it (set under its connection's mu)

	lastOfWrite bool  // the last statement of a write (under its connection's mu)
	sentAt      int64 // Pipeline.now when it was sent
	slow        bool  // its usual time exceeds StallAfter

	rows [][][]byte // raw values as the server sent them; nil = NULL
	tag  pgconn.CommandTag
	err  error

	tracer pgx.QueryTracer
	ctx    context.Context // returned by TraceQueryStart
	pgc    *pgx.Conn       // the connection it was sent on, for the tracer
	traced bool

	// The Rows and Row handed to the caller, and room for the messages and
	// a one-row result of a few columns: a point read is one allocation.
	rs    pipeRows
	row   scopeRow
	rows1 [1][][]byte
	cols  [16][]byte
	data  [192]byte
	buf   [160]byte
}

// rowsFor returns r's Rows, closed when err is set.
func (r *pipeReq) rowsFor(p *Pipeline, err error) *pipeRows {
	r.rs = pipeRows{p: p, req: r, i: -1, err: err}
	if err != nil {
		r.rs.Close()
	}
	return &r.rs
}

// encode builds r's messages: Bind of the prepared statement with args,
// then Execute (the connection adds the Sync).
func (p *Pipeline) encode(r *pipeReq, st *pipeStmt, args []any) error {
	if len(args) != len(st.sd.ParamOIDs) {
		return fmt.Errorf("expected %d arguments, got %d", len(st.sd.ParamOIDs), len(args))
	}
	c := p.codecs.Get().(*pipeCodec)
	defer p.codecs.Put(c)
	if err := c.eqb.Build(c.m, st.sd, args); err != nil {
		return err
	}
	bind := pgproto3.Bind{
		PreparedStatement:    st.sd.Name,
		ParameterFormatCodes: c.eqb.ParamFormats,
		Parameters:           c.eqb.ParamValues,
		ResultFormatCodes:    st.resultFormats,
	}
	n := 32 + len(st.sd.Name) + len(execute) + 6*len(args) + 2*len(st.resultFormats)
	for _, v := range c.eqb.ParamValues {
		n += len(v)
	}
	buf := r.buf[:0]
	if n > len(r.buf) {
		buf = make([]byte, 0, n)
	}
	msg, err := bind.Encode(buf)
	if err != nil {
		return err
	}
	r.msg = append(msg, execute...)
	return nil
}

// finish completes r with err (unless the server's error is already
// there) and wakes its caller; an abandoned r is dropped.
func (r *pipeReq) finish(err error) {
	if err != nil {
		r.err = err
	}
	for {
		s := r.state.Load()
		if s == reqAbandoned {
			return
		}
		if r.state.CompareAndSwap(s, reqDone) {
			r.done <- struct{}{}
			return
		}
	}
}

// abandon marks r as no longer awaited; false means its result is done.
func (r *pipeReq) abandon() bool {
	for {
		switch s := r.state.Load(); s {
		case reqDone:
			return false
		case reqWaiting, reqSent:
			if r.state.CompareAndSwap(s, reqAbandoned) {
				return true
			}
		}
	}
}

// addRow copies a DataRow's values, which the connection's next read
// overwrites.
func (r *pipeReq) addRow(values [][]byte) {
	if r.state.Load() == reqAbandoned {
		return
	}
	if r.rows == nil && len(values) <= len(r.cols) {
		n := 0
		for _, v := range values {
			n += len(v)
		}
		if n <= len(r.data) {
			row, data := r.cols[:len(values):len(values)], r.data[:n]
			for i, v := range values {
				if v != nil {
					row[i] = data[:len(v):len(v)]
					copy(row[i], v)
					data = data[len(v):]
				}
			}
			r.rows = r.rows1[:1:1]
			r.rows[0] = row
			return
		}
	}
	row, _ := copyRow(values)
	r.rows = append(r.rows, row)
}

// copyRow copies raw row values into one new buffer and returns the copy
// and its size in bytes; a nil value (SQL NULL) stays nil.
func copyRow(raw [][]byte) ([][]byte, int) {
	n := 0
	for _, v := range raw {
		n += len(v)
	}
	buf := make([]byte, n)
	row := make([][]byte, len(raw))
	for i, v := range raw {
		if v != nil {
			row[i] = buf[:len(v):len(v)]
			copy(row[i], v)
			buf = buf[len(v):]
		}
	}
	return row, n
}

// trace ends r's trace, once.
func (r *pipeReq) trace(err error) {
	if r.tracer == nil || r.traced {
		return
	}
	r.traced = true
	r.tracer.TraceQueryEnd(r.ctx, r.pgc, pgx.TraceQueryEndData{CommandTag: r.tag, Err: err})
}

// pipeRows is a pgx.Rows over a pipelined result, decoded with a type map
// taken for this Rows alone. Conn returns nil.
type pipeRows struct {
	p      *Pipeline
	req    *pipeReq
	i      int
	closed bool
	err    error
	codec  *pipeCodec
}

func (r *pipeRows) Err() error { return r.err }

func (r *pipeRows) Conn() *pgx.Conn { return nil }

func (r *pipeRows) CommandTag() pgconn.CommandTag {
	if r.req == nil {
		return pgconn.CommandTag{}
	}
	return r.req.tag
}

func (r *pipeRows) FieldDescriptions() []pgconn.FieldDescription {
	if r.req == nil {
		return nil
	}
	return r.req.st.fields
}

// Close releases the type map and ends the statement's trace.
func (r *pipeRows) Close() {
	if r.closed {
		return
	}
	r.closed = true
	if r.codec != nil {
		r.p.codecs.Put(r.codec)
		r.codec = nil
	}
	if r.req != nil {
		r.req.trace(r.err)
	}
}

func (r *pipeRows) Next() bool {
	if r.closed {
		return false
	}
	r.i++
	if r.i >= len(r.req.rows) {
		r.Close()
		return false
	}
	return true
}

// entry is the result as a read cache entry, sharing its bytes.
func (r *pipeRows) entry() *entry {
	e := &entry{fields: r.req.st.fields, rows: r.req.rows, tag: r.req.tag}
	for _, row := range e.rows {
		for _, v := range row {
			e.size += len(v)
		}
		e.size += 24*len(row) + 24
	}
	return e
}

// RawValues returns the current row's bytes as the server sent them.
func (r *pipeRows) RawValues() [][]byte {
	if r.closed || r.i < 0 {
		return nil
	}
	return r.req.rows[r.i]
}

func (r *pipeRows) current() ([][]byte, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.closed || r.i < 0 {
		return nil, errNoRow
	}
	return r.req.rows[r.i], nil
}

var errNoRow = errors.New("no current row")

// TypeMap returns the type map this Rows decodes with, taken for it alone.
func (r *pipeRows) TypeMap() *pgtype.Map {
	if r.codec == nil {
		r.codec = r.p.codecs.Get().(*pipeCodec)
	}
	return r.codec.m
}

func (r *pipeRows) Scan(dest ...any) error {
	values, err := r.current()
	if err != nil {
		return err
	}
	if len(dest) == 1 {
		if rs, ok := dest[0].(pgx.RowScanner); ok {
			return r.fail(rs.ScanRow(r))
		}
	}
	return r.fail(pgx.ScanRow(r.TypeMap(), r.req.st.fields, values, dest...))
}

func (r *pipeRows) Values() ([]any, error) {
	values, err := r.current()
	if err != nil {
		return nil, err
	}
	out, err := decodeValues(r.TypeMap(), r.req.st.fields, values)
	return out, r.fail(err)
}

// fail records a scan error and closes the rows, as pgx does.
func (r *pipeRows) fail(err error) error {
	if err != nil {
		r.err = err
		r.Close()
	}
	return err
}

// decodeValues decodes a row's raw values into Go values as pgx's
// Rows.Values does.
func decodeValues(tm *pgtype.Map, fields []pgconn.FieldDescription, values [][]byte) ([]any, error) {
	out := make([]any, 0, len(values))
	for i, buf := range values {
		fd := &fields[i]
		if buf == nil {
			out = append(out, nil)
			continue
		}
		if dt, ok := tm.TypeForOID(fd.DataTypeOID); ok {
			v, err := dt.Codec.DecodeValue(tm, fd.DataTypeOID, fd.Format, buf)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
			continue
		}
		if fd.Format == pgx.TextFormatCode {
			out = append(out, string(buf))
		} else {
			out = append(out, append([]byte(nil), buf...))
		}
	}
	return out, nil
}
