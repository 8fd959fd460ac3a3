package api

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/aquila-go/aquila/postgres"
)

// DBError turns an error from the database into an *Error by its class,
// and returns any other error unchanged (it becomes a 500). what names the
// resource for messages, e.g. "book". The messages are aquila's own: the
// server's text stays in Err, which is logged with the request id and
// never sent.
//
//	pgx.ErrNoRows                         404 not_found
//	connection-level (postgres.Unavailable) 503 unavailable (Retry-After)
//	40001, 40P01 (serialization, deadlock)  503 unavailable (Retry-After)
//	context.Canceled                      503 unavailable
//	context.DeadlineExceeded, 57014        504 timeout
//	class 22 (data exception)             400 invalid, naming the column
//	23505 unique, 23P01 exclusion         409 conflict
//	23503 foreign key, 23514 check        422 unprocessable
//	23502 not null                        400 invalid
//
// The field of a class 22 or 23 error is the column PostgreSQL names, or
// the column of a constraint named by PostgreSQL's default convention
// (table_column_key, table_column_fkey, table_column_check), or the column
// of a COPY row; sqlc's JSON tags are the column names, so it is usually
// the JSON field the client sent.
func DBError(err error, what string) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return &Error{Code: CodeNotFound, Message: what + " not found", Err: err}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Code: CodeTimeout, Message: "request timed out", Err: err}
	}
	if errors.Is(err, context.Canceled) {
		return &Error{Code: CodeUnavailable, Message: "request cancelled", Err: err}
	}
	if postgres.Unavailable(err) {
		return &Error{Code: CodeUnavailable, Message: "database unavailable, retry later", Err: err}
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	field := Column(pe)
	switch {
	case pe.Code == "57014": // query_canceled (statement timeout or cancel request)
		return &Error{Code: CodeTimeout, Message: "query cancelled", Err: err}
	case pe.Code == "40001" || pe.Code == "40P01":
		return &Error{Code: CodeUnavailable, Message: "concurrent update, retry", Err: err}
	case strings.HasPrefix(pe.Code, "22"):
		return &Error{Code: CodeInvalid, Field: field, Message: dataMessage(pe.Code, field), Err: err}
	case pe.Code == "23505", pe.Code == "23P01": // unique_violation, exclusion_violation
		if field == "" {
			return &Error{Code: CodeConflict, Message: what + " already exists", Err: err}
		}
		return &Error{Code: CodeConflict, Field: field, Message: field + " already exists", Err: err}
	case pe.Code == "23503": // foreign_key_violation
		if strings.Contains(pe.Detail, "is not present in table") {
			return &Error{Code: CodeUnprocessable, Field: field, Message: "referenced " + orValue(field) + " does not exist", Err: err}
		}
		return &Error{Code: CodeUnprocessable, Message: what + " is still referenced", Err: err}
	case pe.Code == "23514": // check_violation
		return &Error{Code: CodeUnprocessable, Field: field, Message: orValue(field) + " is out of range", Err: err}
	case pe.Code == "23502": // not_null_violation
		return &Error{Code: CodeInvalid, Field: field, Message: orValue(field) + " is required", Err: err}
	case strings.HasPrefix(pe.Code, "23"):
		return &Error{Code: CodeUnprocessable, Field: field, Message: "violates " + orValue(field) + " integrity", Err: err}
	}
	return err
}

func orValue(field string) string {
	if field == "" {
		return "a value"
	}
	return field
}

// dataMessage describes a class 22 (data exception) error in the client's
// terms, without the server's text (which may quote the value).
func dataMessage(code, field string) string {
	var s string
	switch code {
	case "22001": // string_data_right_truncation
		s = "is too long"
	case "22003": // numeric_value_out_of_range
		s = "is out of range"
	case "22007", "22008", "22009", "2200D", "22015": // datetime format, field overflow, time zone, interval
		s = "is not a valid date or time"
	case "22021": // character_not_in_repertoire (invalid byte sequence, NUL)
		s = "contains bytes that are not valid UTF-8 text"
	case "22P05": // untranslatable_character (\u0000 in jsonb)
		s = "contains a character that cannot be stored (U+0000)"
	case "22004", "22002": // null_value_not_allowed, null_value_no_indicator_parameter
		s = "must not be null"
	case "22012": // division_by_zero
		s = "leads to a division by zero"
	case "22025", "22019", "2200C": // escape sequences
		s = "contains an invalid escape sequence"
	case "22P02", "22P03", "22P04", "22023", "2201E", "2201F", "2201G":
		s = "has an invalid value"
	default:
		s = "is not a valid value"
	}
	if field == "" {
		return "a value " + s
	}
	return s
}

// Column is the column a PostgreSQL error is about: its column_name, the
// column of a constraint named by PostgreSQL's default convention
// (<table>_<column>_key, _fkey, _check, _excl), or the column of a COPY row
// (its context "COPY t, line N, column c"); "" when none is known.
func Column(pe *pgconn.PgError) string {
	if pe.ColumnName != "" {
		return pe.ColumnName
	}
	if pe.ConstraintName != "" && pe.TableName != "" {
		name, ok := strings.CutPrefix(pe.ConstraintName, pe.TableName+"_")
		if ok {
			for _, suffix := range []string{"_fkey", "_key", "_check", "_excl"} {
				if col, ok := strings.CutSuffix(name, suffix); ok && col != "" {
					return col
				}
			}
		}
	}
	if strings.HasPrefix(pe.Where, "COPY ") {
		if _, rest, ok := strings.Cut(pe.Where, ", column "); ok {
			col, _, _ := strings.Cut(rest, ":")
			return strings.TrimSpace(col)
		}
	}
	return ""
}
