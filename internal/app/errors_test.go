package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// TestErrorTable pins the code → status table and the mapping of the
// database errors that do not come from a client's input (the others are
// exercised end to end in the root package's API tests).
func TestErrorTable(t *testing.T) {
	for _, tc := range []struct {
		err    error
		code   Code
		status int
	}{
		{pgx.ErrNoRows, CodeNotFound, 404},
		{fmt.Errorf("get: %w", context.Canceled), CodeUnavailable, 503},
		{fmt.Errorf("get: %w", context.DeadlineExceeded), CodeTimeout, 504},
		{&pgconn.PgError{Code: "57014"}, CodeTimeout, 504},
		{&pgconn.PgError{Code: "23505", ConstraintName: "books_isbn_key"}, CodeConflict, 409},
		{&pgconn.PgError{Code: "23503", ConstraintName: "books_author_id_fkey", Detail: `Key (author_id)=(9) is not present in table "authors".`}, CodeUnprocessable, 422},
		{&pgconn.PgError{Code: "23514", ConstraintName: "books_pages_check"}, CodeUnprocessable, 422},
		{&pgconn.PgError{Code: "23502", ColumnName: "title"}, CodeInvalid, 400},
	} {
		var e *Error
		if !errors.As(dbError(tc.err, "book"), &e) {
			t.Fatalf("%v: not mapped to *Error", tc.err)
		}
		if e.Code != tc.code || e.Code.status() != tc.status {
			t.Errorf("%v: got %s/%d, want %s/%d", tc.err, e.Code, e.Code.status(), tc.code, tc.status)
		}
		if !errors.Is(e, tc.err) && !errors.Is(e, context.Canceled) && !errors.Is(e, context.DeadlineExceeded) {
			var pe *pgconn.PgError
			if !errors.As(e, &pe) {
				t.Errorf("%v: cause not reachable through Unwrap", tc.err)
			}
		}
	}
	other := errors.New("disk on fire")
	if got := dbError(other, "book"); got != other {
		t.Errorf("an unexpected error must stay unmapped (→ 500), got %v", got)
	}
	if CodeInternal.status() != http.StatusInternalServerError || CodeTooLarge.status() != 413 || CodeMediaType.status() != 415 {
		t.Error("status table changed")
	}
}
