package api_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/aquila-go/aquila/api"
)

func TestRecordError(t *testing.T) {
	unique := &pgconn.PgError{Code: "23505", ConstraintName: "books_isbn_key", TableName: "books"}
	for _, tc := range []struct {
		name  string
		err   error
		code  api.Code
		field string
	}{
		{"field", api.Errorf(api.CodeInvalid, "title", "is required"), api.CodeInvalid, "records[7].title"},
		{"nested field", api.Errorf(api.CodeInvalid, "attributes.lang", "must be a string"), api.CodeInvalid, "records[7].attributes.lang"},
		{"no field", api.Errorf(api.CodeInvalid, "", "malformed JSON at byte 3"), api.CodeInvalid, "records[7]"},
		{"database", unique, api.CodeConflict, "records[7].isbn"},
		{"not found", pgx.ErrNoRows, api.CodeNotFound, "records[7]"},
		{"timeout", context.DeadlineExceeded, api.CodeTimeout, ""},
		{"too large", api.Errorf(api.CodeTooLarge, "", "body exceeds 10 bytes"), api.CodeTooLarge, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := api.RecordError(7, tc.err, "book")
			var e *api.Error
			if !errors.As(err, &e) || e.Code != tc.code || e.Field != tc.field {
				t.Fatalf("RecordError = %v (%+v), want code %s field %q", err, e, tc.code, tc.field)
			}
			if !errors.Is(err, tc.err) {
				t.Errorf("%v does not wrap %v", err, tc.err)
			}
		})
	}
	// An error no client can fix stays a 500.
	boom := errors.New("boom")
	if err := api.RecordError(7, boom, "book"); err != boom {
		t.Errorf("RecordError(boom) = %v, want it unchanged", err)
	}
}

// TestRecordsYieldErrors: every error of a stream is an *Error, so that
// RecordError can name its record, a malformed line included.
func TestRecordsYieldErrors(t *testing.T) {
	type rec struct {
		A int `json:"a"`
	}
	for body, field := range map[string]string{
		"{\"a\":1}\n{oops\n":         "records[1]",
		"{\"a\":1}\n{\"a\":\"x\"}\n": "records[1].a",
		"{\"a\":1}\n{\"b\":2}\n":     "records[1].b",
	} {
		i := int64(-1)
		var got error
		for _, err := range api.Records[rec](strings.NewReader(body), true) {
			i++
			if err != nil {
				got = api.RecordError(i, err, "rec")
			}
		}
		var e *api.Error
		if !errors.As(got, &e) || e.Code != api.CodeInvalid || e.Field != field {
			t.Errorf("%q: %v, want invalid on %s", body, got, field)
		}
	}
}
