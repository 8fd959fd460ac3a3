package api

import (
	"fmt"
	"net/http"
)

// Code classifies an Error; each code has one HTTP status (see Code.Status).
type Code string

// Error codes.
const (
	CodeInvalid       Code = "invalid"       // malformed or invalid input
	CodeNotFound      Code = "not_found"     // the resource does not exist
	CodeConflict      Code = "conflict"      // a unique value is taken
	CodeUnprocessable Code = "unprocessable" // a reference or rule is violated
	CodeTooLarge      Code = "too_large"     // the body exceeds the limit
	CodeMediaType     Code = "media_type"    // the body is not of an accepted media type
	CodeUnavailable   Code = "unavailable"   // the database is unreachable, the request was cancelled or the service is stopping
	CodeTimeout       Code = "timeout"       // a deadline was exceeded
	CodeInternal      Code = "internal"      // anything else
)

// Status is the single code → HTTP status table.
func (c Code) Status() int {
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
// (JSON name, JSON path or query parameter) it is about, if any. Err is the
// cause; it is logged, never shown to clients.
type Error struct {
	Code    Code
	Field   string
	Message string
	// Allowed and Suggest, for a rejected parameter, are what is allowed
	// in its place and what the client most likely meant (from a
	// *query.ParamError); the answer carries them as data.
	Allowed []string
	Suggest string
	Err     error
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

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with a formatted message.
func Errorf(code Code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}
