package query

import (
	"encoding/binary"
	"strings"
)

// Query is a SELECT on one table, built by chaining and run with All, One,
// Page, Count or Exists (or SQL for the text and arguments). A Query is a
// small mutable value for one request: not safe for concurrent use.
//
// Building resolves every column name through the metadata and collects the
// values as parameters; the SQL text for the query's shape comes from the
// schema's cache, so a repeated shape costs no SQL rendering.
type Query[T any] struct {
	t         *Table[T]
	limit     int64
	offset    int64
	hasLimit  bool
	hasOffset bool
	paging    bool // Page: order by the key even without an order
	after     string
	cursor    []any // decoded after
	err       error

	// Conditions and order items: the first few inline, the rest in the
	// overflow slices. Nothing in a Query points into itself, so that a
	// query built and run within one function stays on the stack and
	// building it allocates only the argument slice handed to pgx.
	wbuf  [2]Cond
	nw    int
	wmore []Cond
	obuf  [2]Order
	no    int
	omore []Order
}

func (q *Query[T]) addWhere(c Cond) {
	if q.nw < len(q.wbuf) {
		q.wbuf[q.nw] = c
		q.nw++
		return
	}
	q.wmore = append(q.wmore, c)
}

func (q *Query[T]) numWhere() int { return q.nw + len(q.wmore) }

func (q *Query[T]) whereAt(i int) *Cond {
	if i < len(q.wbuf) {
		return &q.wbuf[i]
	}
	return &q.wmore[i-len(q.wbuf)]
}

func (q *Query[T]) numOrder() int { return q.no + len(q.omore) }

func (q *Query[T]) orderAt(i int) Order {
	if i < len(q.obuf) {
		return q.obuf[i]
	}
	return q.omore[i-len(q.obuf)]
}

// Where adds conditions, ANDed with the others.
func (q *Query[T]) Where(c ...Cond) *Query[T] {
	for _, c := range c {
		q.addWhere(c)
	}
	return q
}

// OrderBy adds ORDER BY items. The table's Key columns are appended after
// them unless already there.
func (q *Query[T]) OrderBy(o ...Order) *Query[T] {
	for _, o := range o {
		if q.no < len(q.obuf) {
			q.obuf[q.no] = o
			q.no++
		} else {
			q.omore = append(q.omore, o)
		}
	}
	q.cursor = nil
	return q
}

// Limit sets LIMIT n (sent as a parameter).
func (q *Query[T]) Limit(n int) *Query[T] {
	if n < 0 {
		q.err = &Error{Table: q.t.m.name, Err: ErrNegative}
	}
	q.limit, q.hasLimit = int64(n), true
	return q
}

// Offset sets OFFSET n (sent as a parameter). Prefer keyset pagination
// (After, Page) for deep pages.
func (q *Query[T]) Offset(n int) *Query[T] {
	if n < 0 {
		q.err = &Error{Table: q.t.m.name, Err: ErrNegative}
	}
	q.offset, q.hasOffset = int64(n), true
	return q
}

// After continues a keyset pagination from a cursor that Page returned for
// the same table and order. An empty cursor is the first page. The cursor
// is checked (signature, table, order) when the query is built.
func (q *Query[T]) After(cursor string) *Query[T] {
	q.after, q.cursor = cursor, nil
	return q
}

// Err reports an error recorded while chaining (a negative limit).
func (q *Query[T]) Err() error { return q.err }

// The statement kinds of a shape.
const (
	kindSelect byte = iota + 1
	kindCount
	kindExists
)

// A shape key is the statement kind, the table binding and each condition
// (its operator, columns and operand count; see encode); a SELECT's key
// goes on with keyOrder, the number of order items, each item's column
// and direction (orderDesc and the Nulls bits), and the paging bits.
const (
	// keyOrder ends the conditions of a SELECT's key; no operator has
	// this value.
	keyOrder byte = 0xff
	// orderDesc marks a descending order item; the Nulls value takes the
	// bits above it.
	orderDesc byte = 1
)

// paging is the set of paging clauses of a SELECT shape.
type paging byte

const (
	pageKeyset paging = 1 << iota // the rows after a cursor
	pageLimit                     // LIMIT
	pageOffset                    // OFFSET
)

func (p paging) has(f paging) bool { return p&f != 0 }

// orderItem is a resolved ORDER BY item.
type orderItem struct {
	col   int
	desc  bool
	nulls Nulls
}

// maxOrder bounds ORDER BY items (user order plus key columns).
const maxOrder = 16

// SQL builds the SELECT: its text and its arguments.
func (q *Query[T]) SQL() (string, []any, error) {
	return q.build(kindSelect, -1)
}

// CountSQL builds SELECT count(*) over the query's conditions (order,
// limit, offset and cursor do not apply).
func (q *Query[T]) CountSQL() (string, []any, error) {
	return q.build(kindCount, -1)
}

// ExistsSQL builds SELECT EXISTS (SELECT 1 ...) over the query's conditions.
func (q *Query[T]) ExistsSQL() (string, []any, error) {
	return q.build(kindExists, -1)
}

// build computes the shape key and the arguments in one walk, then takes
// the SQL text from the cache or renders it. limit ≥ 0 overrides q's.
func (q *Query[T]) build(kind byte, limit int64) (string, []any, error) {
	if q.err != nil {
		return "", nil, q.err
	}
	t := q.t
	var kb [192]byte
	key := append(kb[:0], kind)
	key = binary.AppendUvarint(key, uint64(t.id))
	var ab [8]any
	args := ab[:0]
	var err error
	for i := range q.numWhere() {
		if key, args, err = t.s.encode(t.m, q.whereAt(i), key, args); err != nil {
			return "", nil, err
		}
	}
	var ob [maxOrder]orderItem
	ord := ob[:0]
	var pg paging
	if kind == kindSelect {
		if ord, err = q.resolveOrder(ord); err != nil {
			return "", nil, err
		}
		key = append(key, keyOrder, byte(len(ord)))
		for _, o := range ord {
			key = binary.AppendUvarint(key, uint64(o.col))
			bits := byte(o.nulls) << 1
			if o.desc {
				bits |= orderDesc
			}
			key = append(key, bits)
		}
		if q.after != "" {
			if q.hasOffset {
				return "", nil, &Error{Table: t.m.name, Err: ErrCursorAndOffset}
			}
			if err := q.decodeCursor(ord); err != nil {
				return "", nil, err
			}
			pg |= pageKeyset
			args = append(args, q.cursor...)
		}
		if limit < 0 && q.hasLimit {
			limit = q.limit
		}
		if limit >= 0 {
			pg |= pageLimit
			args = append(args, limit)
		}
		if q.hasOffset {
			pg |= pageOffset
			args = append(args, q.offset)
		}
		key = append(key, byte(pg))
	}
	sql, ok := t.s.shapes.get(key)
	if !ok {
		sql = q.render(kind, ord, pg)
		t.s.shapes.put(key, sql)
	}
	// The arguments leave in a slice of their own, so that q itself need
	// not escape: a query built and run in one function lives on the stack.
	var out []any
	if len(args) > 0 {
		out = make([]any, len(args))
		copy(out, args)
	}
	return sql, out, nil
}

// resolveOrder resolves q's order and appends the key columns it lacks.
func (q *Query[T]) resolveOrder(ord []orderItem) ([]orderItem, error) {
	m := q.t.m
	if q.numOrder()+len(q.t.key) > maxOrder {
		return nil, &Error{Table: m.name, Err: ErrSort}
	}
	for i := range q.numOrder() {
		o := q.orderAt(i)
		ci, err := m.col(o.col)
		if err != nil {
			return nil, err
		}
		if !m.cols[ci].class.ordered() {
			return nil, &Error{Table: m.name, Column: o.col, Err: ErrNotSortable}
		}
		for _, prev := range ord {
			if prev.col == ci {
				return nil, &Error{Table: m.name, Column: o.col, Err: ErrSort}
			}
		}
		ord = append(ord, orderItem{col: ci, desc: o.desc, nulls: o.nulls})
	}
	if len(ord) == 0 && q.after == "" && !q.paging {
		return ord, nil
	}
	// Key columns not yet ordered follow, in the direction of the last item
	// so that a uniform order stays a row comparison.
	desc := len(ord) > 0 && ord[len(ord)-1].desc
outer:
	for _, k := range q.t.key {
		for _, o := range ord {
			if o.col == k {
				continue outer
			}
		}
		ord = append(ord, orderItem{col: k, desc: desc})
	}
	return ord, nil
}

// encode appends c's shape to key and its values to args.
func (s *Schema) encode(t *tableMeta, c *Cond, key []byte, args []any) ([]byte, []any, error) {
	key = append(key, byte(c.op))
	var err error
	switch c.op {
	case opAnd, opOr, opNot:
		kids := c.kids()
		key = binary.AppendUvarint(key, uint64(len(kids)))
		for i := range kids {
			if key, args, err = s.encode(t, &kids[i], key, args); err != nil {
				return key, args, err
			}
		}
		return key, args, nil
	case opInSelect:
		ci, err := t.col(c.col)
		if err != nil {
			return key, args, err
		}
		sub, err := s.table(c.x.table)
		if err != nil {
			return key, args, err
		}
		ki, err := sub.col(c.x.key)
		if err != nil {
			return key, args, err
		}
		key = binary.AppendUvarint(key, uint64(ci))
		key = binary.AppendUvarint(key, uint64(sub.id))
		key = binary.AppendUvarint(key, uint64(ki))
		kids := c.kids()
		key = binary.AppendUvarint(key, uint64(len(kids)))
		for i := range kids {
			if key, args, err = s.encode(sub, &kids[i], key, args); err != nil {
				return key, args, err
			}
		}
		return key, args, nil
	}
	ci, err := t.col(c.col)
	if err != nil {
		return key, args, err
	}
	if !opAllowed(c.op, t.cols[ci].class) {
		return key, args, &Error{Table: t.name, Column: c.col, Err: ErrOperator}
	}
	key = binary.AppendUvarint(key, uint64(ci))
	switch c.op {
	case OpIsNull, OpNotNull:
		return key, args, nil
	case OpBetween:
		if c.a == nil || c.x == nil || c.x.b == nil {
			return key, args, &Error{Table: t.name, Column: c.col, Err: ErrNilValue}
		}
		return key, append(args, c.a, c.x.b), nil
	case OpContains, OpIContains:
		s, _ := c.a.(string) // always a string: the constructors take one
		return key, append(args, "%"+escapeLike(s)+"%"), nil
	case OpHasPrefix, OpIHasPrefix:
		s, _ := c.a.(string)
		return key, append(args, escapeLike(s)+"%"), nil
	}
	if c.a == nil {
		return key, args, &Error{Table: t.name, Column: c.col, Err: ErrNilValue}
	}
	return key, append(args, c.a), nil
}

// opAllowed reports whether op applies to a column of class c.
func opAllowed(op Op, c class) bool {
	switch op {
	case OpIsNull, OpNotNull:
		return true
	case OpEq, OpNe, OpIn, OpNotIn:
		return c != classJSON
	case OpLt, OpLe, OpGt, OpGe, OpBetween:
		return c.ordered()
	case OpLike, OpILike, OpContains, OpIContains, OpHasPrefix, OpIHasPrefix:
		return c == classText
	}
	return false
}

// escapeLike makes s match itself in a LIKE pattern whose escape character
// is the default backslash.
func escapeLike(s string) string {
	if !strings.ContainsAny(s, `\%_`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\', '%', '_':
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
