package model

import "fmt"

// BindRow binds the table named table in reg to the row type T, given a
// field for every column of the table, the way cmd/aquilagen generates
// them from sqlc's row types:
//
//	b, err := model.BindRow(reg, "books", db.BookFields())
//
// It checks that the row type and the metadata agree, and reports the
// first disagreement as an *Error naming the table and the column: a table
// the registry lacks (ErrUnknownTable), a field for a column the table
// lacks (ErrUnknownColumn), a column without a field (ErrMissingField,
// naming the row type and the column's type) or a field whose Go type
// cannot be written to its column (ErrFieldType, naming both types). So a
// schema that moved under generated code fails when the program starts,
// not halfway through a COPY.
//
// The binding writes columns, or, when none are given, every column the
// server does not fill in itself: all but identity and serial columns and
// columns with a default. Name the columns to write a default-valued or
// identity BY DEFAULT column from the row.
func BindRow[T any](reg *Registry, table string, fields []Field[T], columns ...string) (*Binding[T], error) {
	if reg == nil {
		return nil, &Error{Table: table, Err: ErrNotInRegistry}
	}
	t := reg.Table(table)
	if t == nil {
		return nil, &Error{Table: table, Err: ErrUnknownTable}
	}
	byColumn := make(map[string]Field[T], len(fields))
	for _, f := range fields {
		c := t.Column(f.column)
		switch {
		case f.bind == nil:
			return nil, &Error{Table: table, Err: ErrFieldType, Detail: "zero Field"}
		case c == nil:
			return nil, &Error{Table: table, Column: f.column, Err: ErrUnknownColumn,
				Detail: fmt.Sprintf("%s has a field for it (%s)", rowTypeName[T](), f.kind)}
		case f.bind(c.typ.Base()) == nil:
			return nil, &Error{Table: table, Column: f.column, Err: ErrFieldType,
				Detail: fmt.Sprintf("%s field of %s; the column is %s", f.kind, rowTypeName[T](), c.typ)}
		}
		if _, dup := byColumn[f.column]; dup {
			return nil, &Error{Table: table, Column: f.column, Err: ErrDuplicateBinding}
		}
		byColumn[f.column] = f
	}
	for _, c := range t.columns {
		if _, ok := byColumn[c.name]; !ok {
			return nil, &Error{Table: table, Column: c.name, Err: ErrMissingField,
				Detail: fmt.Sprintf("%s has no field for it; the column is %s", rowTypeName[T](), c.typ)}
		}
	}
	if len(columns) == 0 {
		for _, c := range t.columns {
			if c.identity == noIdentity && !c.hasDef && !c.typ.isSerial() {
				columns = append(columns, c.name)
			}
		}
	}
	chosen := make([]Field[T], 0, len(columns))
	for _, n := range columns {
		f, ok := byColumn[n]
		if !ok {
			return nil, &Error{Table: table, Column: n, Err: ErrUnknownColumn}
		}
		chosen = append(chosen, f)
	}
	return BindFields(t, chosen...)
}

// rowTypeName is T's name for error messages, e.g. "db.Book".
func rowTypeName[T any]() string {
	var zero T
	return fmt.Sprintf("%T", zero)
}
