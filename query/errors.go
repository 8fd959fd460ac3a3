package query

import (
	"errors"
	"strconv"
	"strings"

	"github.com/aquila-go/aquila/model"
)

// Builder errors: a query that does not fit the metadata. They come inside
// an *Error naming the table and column; test for them with errors.Is.
// ErrUnknownTable and ErrUnknownColumn are model's own, so that one test
// serves the metadata and the queries built on it.
var (
	ErrUnknownTable    = model.ErrUnknownTable
	ErrUnknownColumn   = model.ErrUnknownColumn
	ErrOperator        = errors.New("operator not valid for the column type")
	ErrNilValue        = errors.New("nil value (use IsNull)")
	ErrNotSortable     = errors.New("column type cannot be ordered")
	ErrNegative        = errors.New("negative limit or offset")
	ErrFields          = errors.New("fields function does not match the columns")
	ErrNoKey           = errors.New("keyset pagination needs the table's Key columns")
	ErrNullableKey     = errors.New("keyset pagination over a nullable column")
	ErrNotCursorable   = errors.New("column's field type cannot be put in a cursor")
	ErrCursorAndOffset = errors.New("cursor and offset together")
	ErrNoLimit         = errors.New("page needs a limit")
	ErrCursorKey       = errors.New("cursor key shorter than 32 bytes")
	ErrNoCursorKey     = errors.New("no cursor key configured")
	ErrConfig          = errors.New("invalid endpoint configuration")
)

// Request errors: a URL parameter that the endpoint does not accept. They
// come inside a *ParamError naming the parameter; an HTTP layer answers
// them with 400 and ParamError's message.
var (
	ErrUnknownParam  = errors.New("unknown parameter")
	ErrUnknownOp     = errors.New("unknown or disallowed operator")
	ErrRepeatedParam = errors.New("parameter given more than once")
	ErrValue         = errors.New("invalid value")
	ErrLimit         = errors.New("limit out of range")
	ErrSort          = errors.New("invalid order")
	ErrCursor        = errors.New("malformed, tampered or mismatched cursor")
)

// Error is a builder error: Err is a sentinel above, Table and Column say
// where.
type Error struct {
	Table  string
	Column string
	Err    error
}

func (e *Error) Error() string {
	var where []string
	if e.Table != "" {
		where = append(where, "table "+strconv.Quote(e.Table))
	}
	if e.Column != "" {
		where = append(where, "column "+strconv.Quote(e.Column))
	}
	if len(where) == 0 {
		return "query: " + e.Err.Error()
	}
	return "query: " + strings.Join(where, " ") + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// ParamError is a rejected request parameter. Its message names the
// parameter (quoted and cut to 64 bytes, since it is client input), says
// what was wrong in words of this package, never echoing the value, and
// teaches: what the client most likely meant and what is allowed. It is
// safe to return to the client; Message is the same without the prefix,
// and Allowed and Suggest are there for an HTTP layer to render as data.
type ParamError struct {
	Param  string
	Err    error
	Detail string // e.g. "want 1..100"
	// Allowed is what the endpoint accepts in Param's place, as a client
	// writes it: the parameter names (ErrUnknownParam), the filter's
	// operators (ErrUnknownOp) or the order columns (ErrSort).
	Allowed []string
	// Suggest is what the client most likely meant, always a spelling the
	// endpoint accepts: a parameter name ("title[icontains]" for
	// "title.contains", "order" for "sort") or, for an order, the whole
	// parameter ("order=-price_cents" for "order=price_cents:desc").
	// Empty when nothing is close.
	Suggest string
}

func (e *ParamError) Error() string {
	p := e.Param
	if len(p) > 64 {
		p = p[:64]
	}
	return "query: parameter " + strconv.Quote(p) + ": " + e.Message()
}

// Message is the client's explanation: the error, its detail, the
// suggestion and the allowed names, e.g.
//
//	unknown parameter; did you mean "order"? allowed: author_id, title, order, limit, after
func (e *ParamError) Message() string {
	var b strings.Builder
	b.WriteString(e.Err.Error())
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	if e.Suggest != "" {
		b.WriteString("; did you mean ")
		b.WriteString(strconv.Quote(e.Suggest))
		b.WriteString("?")
	}
	if len(e.Allowed) > 0 {
		if e.Suggest != "" {
			b.WriteString(" allowed: ")
		} else {
			b.WriteString("; allowed: ")
		}
		b.WriteString(strings.Join(e.Allowed, ", "))
	}
	return b.String()
}

func (e *ParamError) Unwrap() error { return e.Err }
