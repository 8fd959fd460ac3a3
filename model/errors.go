package model

import (
	"errors"
	"strconv"
	"strings"
)

// Metadata errors. NewRegistry and Bind return them inside an *Error that
// names the table and column; test for them with errors.Is.
var (
	ErrEmptyName         = errors.New("empty name")
	ErrNameTooLong       = errors.New("name longer than 63 bytes")
	ErrDuplicateTable    = errors.New("duplicate table")
	ErrDuplicateColumn   = errors.New("duplicate column")
	ErrDuplicateName     = errors.New("duplicate constraint or index name")
	ErrNoColumns         = errors.New("no columns")
	ErrInvalidType       = errors.New("invalid type")
	ErrInvalidIdentity   = errors.New("invalid identity")
	ErrInvalidAction     = errors.New("invalid referential action")
	ErrInvalidMethod     = errors.New("invalid index method")
	ErrEmptyExpression   = errors.New("empty SQL expression")
	ErrMultiplePrimary   = errors.New("more than one primary key")
	ErrNoPrimaryKey      = errors.New("no single-column primary key")
	ErrUnknownTable      = errors.New("unknown table")
	ErrUnknownColumn     = errors.New("unknown column")
	ErrTypeMismatch      = errors.New("foreign key type mismatch")
	ErrColumnCount       = errors.New("foreign key column count mismatch")
	ErrNotUnique         = errors.New("foreign key target is not a primary key or unique")
	ErrGeneratedColumn   = errors.New("column is generated always")
	ErrInvalidDefault    = errors.New("invalid default value")
	ErrInvalidConflict   = errors.New("invalid conflict target")
	ErrNotInRegistry     = errors.New("table is not in a registry")
	ErrNilValues         = errors.New("nil values function")
	ErrDuplicateBinding  = errors.New("column bound twice")
	ErrValuesCount       = errors.New("values function returned the wrong number of values")
	ErrFieldType         = errors.New("field does not match the column type")
	ErrMissingField      = errors.New("row type has no field for the column")
	ErrInvalidChunkSize  = errors.New("invalid chunk size")
	ErrDrift             = errors.New("schema drift")
	ErrInvalidRename     = errors.New("invalid rename")
	ErrDestructive       = errors.New("destructive change")
	ErrUnsupportedChange = errors.New("unsupported change")
	errNilTable          = errors.New("nil table")
	errUnsupportedSource = errors.New("unsupported connection")
)

// Error is a metadata error: Err is one of the sentinels above and Table and
// Column say where (Column is empty for a table-level problem).
type Error struct {
	Table  string
	Column string
	Err    error
	Detail string // extra context, e.g. the foreign key target
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("model: ")
	if e.Table != "" || e.Column == "" {
		b.WriteString("table ")
		b.WriteString(strconv.Quote(e.Table))
	}
	if e.Column != "" {
		if e.Table != "" {
			b.WriteString(" ")
		}
		b.WriteString("column ")
		b.WriteString(strconv.Quote(e.Column))
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// RowError is a failure of one input row: a validation hook that returned
// an error, a streaming source that yielded one, or a row the server
// rejected during COPY (when the server names the line). Row is the 0-based
// index of the row in the input.
type RowError struct {
	Row int64
	Err error
}

func (e *RowError) Error() string {
	return "row " + strconv.FormatInt(e.Row, 10) + ": " + e.Err.Error()
}

func (e *RowError) Unwrap() error { return e.Err }
