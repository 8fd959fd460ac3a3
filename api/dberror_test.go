package api_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/aquila-go/aquila/api"
)

var dbErrorSchema = fstest.MapFS{"00001_t.sql": {Data: []byte(`-- +goose Up
CREATE TABLE owners (id bigint PRIMARY KEY);
CREATE TABLE items (
	id bigint PRIMARY KEY,
	owner_id bigint REFERENCES owners (id),
	code varchar(5) UNIQUE,
	qty int CHECK (qty >= 0),
	name text NOT NULL DEFAULT 'x',
	attrs jsonb,
	day date
);
INSERT INTO owners VALUES (1);
INSERT INTO items (id, owner_id, code, qty) VALUES (1, 1, 'taken', 1);
-- +goose Down
DROP TABLE items; DROP TABLE owners;
`)}}

// TestDBErrorClasses produces each class of error on a real server and
// checks its code, status, field, that the message is aquila's own (none
// of the server's text) and that the cause stays reachable.
func TestDBErrorClasses(t *testing.T) {
	ctx := context.Background()
	pool := pg.Pool(t, dbErrorSchema)
	exec := func(sql string, args ...any) func() error {
		return func() error { _, err := pool.Exec(ctx, sql, args...); return err }
	}
	refused := func() error {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().(*net.TCPAddr)
		ln.Close()
		_, err = pgx.Connect(ctx, fmt.Sprintf("postgres://u@127.0.0.1:%d/db?connect_timeout=2", addr.Port))
		return err
	}
	terminated := func() error {
		conn, err := pgx.Connect(ctx, pg.URL(t, dbErrorSchema))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := pool.Exec(ctx, `SELECT pg_terminate_backend($1)`, conn.PgConn().PID()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
		_, err = conn.Exec(ctx, `SELECT 1`)
		return err
	}
	for _, tc := range []struct {
		name   string
		err    func() error
		code   api.Code
		status int
		field  string
	}{
		// Connection level: 503.
		{"connection refused", refused, api.CodeUnavailable, 503, ""},
		{"backend terminated (57P01)", terminated, api.CodeUnavailable, 503, ""},
		{"cannot connect now (57P03)", func() error { return &pgconn.PgError{Code: "57P03"} }, api.CodeUnavailable, 503, ""},
		{"connection failure (08006)", func() error { return &pgconn.PgError{Code: "08006"} }, api.CodeUnavailable, 503, ""},
		{"too many connections (53300)", func() error { return &pgconn.PgError{Code: "53300"} }, api.CodeUnavailable, 503, ""},
		{"serialization failure (40001)", func() error { return &pgconn.PgError{Code: "40001"} }, api.CodeUnavailable, 503, ""},
		// Class 22: 400, naming the column where PostgreSQL or COPY names it.
		{"22001 too long", exec(`INSERT INTO items (id, code) VALUES (2, $1)`, "toolong"), api.CodeInvalid, 400, ""},
		{"22003 out of range", exec(`INSERT INTO items (id, qty) VALUES (2, $1::bigint)`, int64(1)<<40), api.CodeInvalid, 400, ""},
		{"22021 NUL in text", exec(`INSERT INTO items (id, name) VALUES (2, $1)`, "a\x00b"), api.CodeInvalid, 400, ""},
		{"22021 invalid UTF-8", exec(`INSERT INTO items (id, name) VALUES (2, $1)`, "a\xffb"), api.CodeInvalid, 400, ""},
		{"22P05 NUL in jsonb", exec(`INSERT INTO items (id, attrs) VALUES (2, $1)`, `{"k":"\u0000"}`), api.CodeInvalid, 400, ""},
		{"22007 date format", exec(`INSERT INTO items (id, day) VALUES (2, $1::text::date)`, "soon"), api.CodeInvalid, 400, ""},
		{"22008 date overflow", exec(`INSERT INTO items (id, day) VALUES (2, $1::text::date)`, "2020-13-45"), api.CodeInvalid, 400, ""},
		{"22021 in COPY names the column", func() error {
			_, err := pool.CopyFrom(ctx, pgx.Identifier{"items"}, []string{"id", "name"}, pgx.CopyFromRows([][]any{{int64(5), "ok"}, {int64(6), "a\x00b"}}))
			return err
		}, api.CodeInvalid, 400, "name"},
		// Class 23: as before, the field from the constraint.
		{"23505 unique", exec(`INSERT INTO items (id, code) VALUES (2, 'taken')`), api.CodeConflict, 409, "code"},
		{"23503 foreign key", exec(`INSERT INTO items (id, owner_id) VALUES (2, 9)`), api.CodeUnprocessable, 422, "owner_id"},
		{"23503 still referenced", exec(`DELETE FROM owners`), api.CodeUnprocessable, 422, ""},
		{"23514 check", exec(`INSERT INTO items (id, qty) VALUES (2, -1)`), api.CodeUnprocessable, 422, "qty"},
		{"23502 not null", exec(`INSERT INTO items (id, name) VALUES (2, NULL)`), api.CodeInvalid, 400, "name"},
		// Others.
		{"no rows", func() error { var n int; return pool.QueryRow(ctx, `SELECT 1 WHERE false`).Scan(&n) }, api.CodeNotFound, 404, ""},
		{"57014 statement timeout", func() error {
			tx, err := pool.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(ctx)
			tx.Exec(ctx, `SET LOCAL statement_timeout = 10`)
			_, err = tx.Exec(ctx, `SELECT pg_sleep(1)`)
			return err
		}, api.CodeTimeout, 504, ""},
		{"deadline", func() error { return fmt.Errorf("get: %w", context.DeadlineExceeded) }, api.CodeTimeout, 504, ""},
		{"cancelled", func() error { return fmt.Errorf("get: %w", context.Canceled) }, api.CodeUnavailable, 503, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cause := tc.err()
			if cause == nil {
				t.Fatal("no error produced")
			}
			var e *api.Error
			if !errors.As(api.DBError(cause, "item"), &e) {
				t.Fatalf("%v: not mapped to *api.Error", cause)
			}
			if e.Code != tc.code || e.Code.Status() != tc.status || e.Field != tc.field {
				t.Errorf("%v: got %s/%d field %q, want %s/%d field %q", cause, e.Code, e.Code.Status(), e.Field, tc.code, tc.status, tc.field)
			}
			if !errors.Is(e, cause) {
				t.Errorf("%v: cause not reachable through Unwrap", cause)
			}
			var pe *pgconn.PgError
			if errors.As(cause, &pe) && pe.Message != "" && strings.Contains(e.Message, pe.Message) {
				t.Errorf("message %q carries the server's text %q", e.Message, pe.Message)
			}
		})
	}
	other := errors.New("disk on fire")
	if got := api.DBError(other, "item"); got != other {
		t.Errorf("an unexpected error must stay unmapped (→ 500), got %v", got)
	}
}

// TestStatusTable pins the code → status table.
func TestStatusTable(t *testing.T) {
	for code, status := range map[api.Code]int{
		api.CodeInvalid: 400, api.CodeNotFound: 404, api.CodeConflict: 409, api.CodeUnprocessable: 422,
		api.CodeTooLarge: 413, api.CodeMediaType: 415, api.CodeUnavailable: 503, api.CodeTimeout: 504,
		api.CodeInternal: 500, api.Code("other"): 500,
	} {
		if got := code.Status(); got != status {
			t.Errorf("%s → %d, want %d", code, got, status)
		}
	}
}
