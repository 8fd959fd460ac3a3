package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Code classifies an Error; each code has one HTTP status (see status).
type Code string

// Error codes.
const (
	CodeInvalid       Code = "invalid"       // malformed or invalid input
	CodeNotFound      Code = "not_found"     // the resource does not exist
	CodeConflict      Code = "conflict"      // a unique value is taken
	CodeUnprocessable Code = "unprocessable" // a reference or rule is violated
	CodeTooLarge      Code = "too_large"     // the body exceeds the limit
	CodeMediaType     Code = "media_type"    // the body is not JSON
	CodeUnavailable   Code = "unavailable"   // the request was cancelled or the service is stopping
	CodeTimeout       Code = "timeout"       // a deadline was exceeded
	CodeInternal      Code = "internal"      // anything else
)

// status is the single code → HTTP status table.
func (c Code) status() int {
	switch c {
	case CodeInvalid:
		return http.StatusBadRequest
	case CodeNotFound:
		return http.StatusNotFound
	case CodeConflict:
		return http.StatusConflict
	case CodeUnprocessable:
		return http.StatusUnprocessableEntity
	case CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case CodeMediaType:
		return http.StatusUnsupportedMediaType
	case CodeUnavailable:
		return http.StatusServiceUnavailable
	case CodeTimeout:
		return http.StatusGatewayTimeout
	default:
		return http.StatusInternalServerError
	}
}

// Error is an error a client can act on: a code, a message, and the field
// (JSON name or query parameter) it is about, if any.
type Error struct {
	Code    Code
	Field   string
	Message string
	Err     error // cause, never shown to clients
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Message
	if e.Field != "" {
		s = string(e.Code) + ": " + e.Field + ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with a formatted message.
func Errorf(code Code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// constraintField maps the catalog's constraint names to the JSON field a
// client should fix.
func constraintField(name string) string {
	switch name {
	case "authors_name_check":
		return "name"
	case "authors_email_key", "authors_email_check":
		return "email"
	case "books_author_id_fkey":
		return "author_id"
	case "books_isbn_key", "books_isbn_check":
		return "isbn"
	case "books_title_check":
		return "title"
	case "books_price_cents_check":
		return "price_cents"
	case "books_pages_check":
		return "pages"
	case "tags_name_key", "tags_name_check":
		return "name"
	case "book_tags_book_id_fkey":
		return "book_id"
	case "book_tags_tag_id_fkey":
		return "tag_id"
	}
	return ""
}

// dbError turns a database error into an *Error when the client caused it,
// and returns other errors unchanged (they become 500s). what names the
// resource, e.g. "book".
func dbError(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return &Error{Code: CodeNotFound, Message: what + " not found", Err: err}
	}
	if errors.Is(err, context.Canceled) {
		return &Error{Code: CodeUnavailable, Message: "request cancelled", Err: err}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Code: CodeTimeout, Message: "request timed out", Err: err}
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	field := constraintField(pe.ConstraintName)
	switch pe.Code {
	case "23505": // unique_violation
		return &Error{Code: CodeConflict, Field: field, Message: field + " already exists", Err: err}
	case "23503": // foreign_key_violation
		if strings.Contains(pe.Detail, "is not present in table") {
			return &Error{Code: CodeUnprocessable, Field: field, Message: "referenced " + field + " does not exist", Err: err}
		}
		return &Error{Code: CodeUnprocessable, Field: field, Message: what + " is still referenced", Err: err}
	case "23514": // check_violation
		return &Error{Code: CodeUnprocessable, Field: field, Message: field + " is out of range", Err: err}
	case "23502": // not_null_violation
		return &Error{Code: CodeInvalid, Field: pe.ColumnName, Message: pe.ColumnName + " is required", Err: err}
	case "57014": // query_canceled (statement timeout or cancel request)
		return &Error{Code: CodeTimeout, Message: "query cancelled", Err: err}
	}
	return err
}
