package query

import (
	"reflect"
	"strings"
)

// TableConfig binds a table of the schema to a row type T.
type TableConfig[T any] struct {
	// Table names the table in the schema.
	Table string
	// Columns are the columns a query selects, in the order of Fields; nil
	// selects every column in table order (the order of sqlc's SELECT *).
	Columns []string
	// Fields appends to dst one pointer per column, in Columns order, to
	// the field of row that receives it, and returns dst:
	//
	//	func(b *db.Book, dst []any) []any {
	//		return append(dst, &b.ID, &b.AuthorID, &b.Isbn, &b.Title, ...)
	//	}
	//
	// It is called once per row with a reused dst and handed to rows.Scan,
	// so scanning costs no reflection and no allocation beyond pgx's own.
	Fields func(row *T, dst []any) []any
	// Key lists columns that together identify a row (normally the
	// primary key). They are appended to every ORDER BY that does not end
	// with them, which makes orderings total, and keyset pagination needs
	// them. They must be selected and NOT NULL.
	Key []string
}

// Table is a table of a Schema bound to the Go row type T that its queries
// scan into. It is immutable and safe for concurrent use; create it at
// start-up and start queries with Select.
type Table[T any] struct {
	s          *Schema
	m          *tableMeta
	id         uint32 // binding id, part of every shape key
	cols       []int  // selected columns (indexes into m.cols)
	pos        []int  // table column index → position in cols, or -1
	fields     func(*T, []any) []any
	key        []int
	selectList string
	cursorable []bool // per selected position: the field type fits in a cursor
}

// NewTable binds a table of s to T. It checks the columns against the
// metadata and calls cfg.Fields once on a zero row to check that it
// returns one pointer into the row per column (this, at start-up, is the
// only use of reflection).
func NewTable[T any](s *Schema, cfg TableConfig[T]) (*Table[T], error) {
	m, err := s.table(cfg.Table)
	if err != nil {
		return nil, err
	}
	t := &Table[T]{s: s, m: m, id: s.nextBnd.Add(1), fields: cfg.Fields, pos: make([]int, len(m.cols))}
	for i := range t.pos {
		t.pos[i] = -1
	}
	names := cfg.Columns
	if names == nil {
		for _, c := range m.cols {
			names = append(names, c.name)
		}
	}
	quoted := make([]string, 0, len(names))
	for _, n := range names {
		ci, err := m.col(n)
		if err != nil {
			return nil, err
		}
		if t.pos[ci] >= 0 {
			return nil, &Error{Table: m.name, Column: n, Err: ErrFields}
		}
		t.pos[ci] = len(t.cols)
		t.cols = append(t.cols, ci)
		quoted = append(quoted, m.cols[ci].quoted)
	}
	t.selectList = strings.Join(quoted, ", ")
	if err := t.checkFields(); err != nil {
		return nil, err
	}
	for _, n := range cfg.Key {
		ci, err := m.col(n)
		if err != nil {
			return nil, err
		}
		switch {
		case t.pos[ci] < 0:
			return nil, &Error{Table: m.name, Column: n, Err: ErrNoKey}
		case m.cols[ci].nullable:
			return nil, &Error{Table: m.name, Column: n, Err: ErrNullableKey}
		case !m.cols[ci].class.ordered():
			return nil, &Error{Table: m.name, Column: n, Err: ErrNotSortable}
		}
		t.key = append(t.key, ci)
	}
	return t, nil
}

// checkFields calls Fields on a zero row: one non-nil pointer per column,
// each into the row, and notes which fit in a cursor.
func (t *Table[T]) checkFields() error {
	if t.fields == nil {
		return &Error{Table: t.m.name, Err: ErrFields}
	}
	row := new(T)
	dst := t.fields(row, nil)
	if len(dst) != len(t.cols) {
		return &Error{Table: t.m.name, Err: ErrFields}
	}
	base := reflect.ValueOf(row).Pointer()
	size := reflect.TypeFor[T]().Size()
	t.cursorable = make([]bool, len(dst))
	for i, p := range dst {
		v := reflect.ValueOf(p)
		if !v.IsValid() || v.Kind() != reflect.Pointer || v.IsNil() {
			return &Error{Table: t.m.name, Column: t.m.cols[t.cols[i]].name, Err: ErrFields}
		}
		if a := v.Pointer(); a < base || a >= base+size {
			// A pointer outside the row would make every row share it.
			return &Error{Table: t.m.name, Column: t.m.cols[t.cols[i]].name, Err: ErrFields}
		}
		_, ok := appendCursorValue(nil, p, t.m.cols[t.cols[i]].class)
		t.cursorable[i] = ok
	}
	return nil
}

// Name is the table's name.
func (t *Table[T]) Name() string { return t.m.name }

// Schema is the schema the table belongs to.
func (t *Table[T]) Schema() *Schema { return t.s }

// Select starts a query on the table with the given conditions (ANDed).
func (t *Table[T]) Select(where ...Cond) *Query[T] {
	q := &Query[T]{t: t}
	for _, c := range where {
		q.addWhere(c)
	}
	return q
}
