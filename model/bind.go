package model

import (
	"context"
	"slices"
)

// Binding ties a table to a Go row type T: the columns a bulk operation
// writes and a values function that appends one row's values for them, in
// the same order. It is immutable; WithValidate and WithAfterCommit return
// a copy with a hook set.
type Binding[T any] struct {
	table       *TableDef
	columns     []string
	colList     string                        // columns quoted, comma-separated
	values      func(row *T, dst []any) []any // Bind
	fields      []encoder[T]                  // BindFields
	validate    func(row *T) error
	afterCommit func(ctx context.Context, rows int64)
}

// Bind binds table (from a Registry) to the row type T. columns are the
// columns bulk operations write, usually all but the identity key and
// columns with a server default; values must append exactly one value per
// column, in that order, to dst and return it:
//
//	books, err := model.Bind(reg.Table("books"),
//		[]string{"author_id", "isbn", "title"},
//		func(b *db.Book, dst []any) []any { return append(dst, b.AuthorID, b.Isbn, b.Title) })
//
// The values function is called once per row with a reused dst, so a row
// costs no reflection and no slice allocation; only the boxing of values
// that do not fit in an interface word allocates, as with pgx.CopyFrom,
// and pgx encodes each value through its type map. BindFields avoids both.
func Bind[T any](table *TableDef, columns []string, values func(row *T, dst []any) []any) (*Binding[T], error) {
	if err := checkBinding(table, columns); err != nil {
		return nil, err
	}
	if values == nil {
		return nil, &Error{Table: table.name, Err: ErrNilValues}
	}
	return &Binding[T]{table: table, columns: slices.Clone(columns), colList: identList(columns), values: values}, nil
}

// identList quotes names and joins them with ", ", as the column list of
// the statements a binding sends.
func identList(names []string) string {
	l := appendIdentList(nil, names)
	return string(l[1 : len(l)-1])
}

func checkBinding(table *TableDef, columns []string) error {
	if table == nil {
		return &Error{Err: errNilTable}
	}
	if table.reg == nil {
		return &Error{Table: table.name, Err: ErrNotInRegistry}
	}
	if len(columns) == 0 {
		return &Error{Table: table.name, Err: ErrNoColumns}
	}
	seen := make(map[string]bool, len(columns))
	for _, n := range columns {
		c := table.Column(n)
		switch {
		case c == nil:
			return &Error{Table: table.name, Column: n, Err: ErrUnknownColumn}
		case c.identity == identityAlways:
			return &Error{Table: table.name, Column: n, Err: ErrGeneratedColumn}
		case seen[n]:
			return &Error{Table: table.name, Column: n, Err: ErrDuplicateBinding}
		}
		seen[n] = true
	}
	return nil
}

// Table is the bound table.
func (b *Binding[T]) Table() *TableDef { return b.table }

// Columns are the bound columns, in the order of the values function.
func (b *Binding[T]) Columns() []string { return slices.Clone(b.columns) }

// WithValidate returns a copy of b whose bulk operations call fn on every
// row before it is sent. For a slice, every row is validated before
// anything is sent; for a stream, each row is validated as it arrives. A
// non-nil error stops the operation, rolls it back and is returned inside
// a *RowError with the row's index.
func (b *Binding[T]) WithValidate(fn func(row *T) error) *Binding[T] {
	c := *b
	c.validate = fn
	return &c
}

// WithAfterCommit returns a copy of b whose bulk operations call fn with
// the number of rows written once their transaction has committed. On a
// pgx.Tx the operation runs in a savepoint and fn is called when the
// savepoint is released: the outer transaction may still roll back.
func (b *Binding[T]) WithAfterCommit(fn func(ctx context.Context, rows int64)) *Binding[T] {
	c := *b
	c.afterCommit = fn
	return &c
}
