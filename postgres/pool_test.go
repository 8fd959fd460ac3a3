package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aquila-go/aquila/internal/library"
	"github.com/aquila-go/aquila/internal/library/db"
	"github.com/aquila-go/aquila/postgres"
)

func TestOpenWarmsAndPreparesEveryStatement(t *testing.T) {
	ctx := context.Background()
	dsn := pg.URL(t, library.FS)
	stmts := db.Statements()
	pool, err := postgres.Open(ctx, postgres.Config{DSN: dsn, MinIdleConns: 3, MaxConns: 4, Prepare: stmts})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()

	if got := pool.Stat().TotalConns(); got < 3 {
		t.Fatalf("pool has %d connections after Open, want at least MinIdleConns=3", got)
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	const countSQLC = `SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '-- name: %'`
	var n int
	if err := conn.QueryRow(ctx, countSQLC).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(stmts) {
		t.Fatalf("connection has %d sqlc statements prepared, want %d", n, len(stmts))
	}
	// The first real query must use the prepared statement: pgx's statement
	// cache would otherwise prepare a second, stmtcache_ named copy.
	q := db.New(conn)
	if _, err := q.GetBook(ctx, 1); err == nil {
		t.Fatal("GetBook(1) on an empty database found a row")
	}
	if err := conn.QueryRow(ctx, countSQLC).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(stmts) {
		t.Fatalf("after the first query the connection has %d prepared statements, want %d (an extra prepare happened)", n, len(stmts))
	}
}

func TestOpenExecModeSkipsPrepare(t *testing.T) {
	ctx := context.Background()
	dsn := pg.URL(t, library.FS)
	pool, err := postgres.Open(ctx, postgres.Config{DSN: dsn, MinIdleConns: 1, ExecMode: "exec", Prepare: db.Statements()})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_prepared_statements`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("exec mode: %d prepared statements, want 0 (PgBouncer transaction pooling cannot keep them)", n)
	}
	if _, err := db.New(pool).CountAuthors(ctx); err != nil {
		t.Fatalf("query in exec mode: %v", err)
	}
}

func TestOpenUnmigratedFailsWithStatementName(t *testing.T) {
	dsn := pg.URL(t, nil)
	_, err := postgres.Open(context.Background(), postgres.Config{DSN: dsn, Prepare: db.Statements()})
	if err == nil {
		t.Fatal("Open on an unmigrated database succeeded")
	}
	if !strings.Contains(err.Error(), "-- name: ") {
		t.Fatalf("error does not name the statement: %v", err)
	}
}

func TestOpenErrorsHideThePassword(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, dsn := range []string{
		"postgres://u:hunter2secret@127.0.0.1:1/db?sslmode=disable&connect_timeout=2", // nothing listens
		"postgres://u:hunter2secret@127.0.0.1:notaport/db",                            // unparseable
		"host=127.0.0.1 port=1 user=u password=hunter2secret connect_timeout=2",
	} {
		_, err := postgres.Open(ctx, postgres.Config{DSN: dsn, PingTimeout: 3 * time.Second})
		if err == nil {
			t.Fatalf("Open(%s) succeeded", postgres.Redact(dsn))
		}
		if strings.Contains(err.Error(), "hunter2secret") {
			t.Fatalf("error leaks the password: %v", err)
		}
	}
	_, err := postgres.Open(ctx, postgres.Config{DSN: "postgres://u:p@h/db", ExecMode: "turbo"})
	if !errors.Is(err, postgres.ErrExecMode) {
		t.Fatalf("bad exec mode: got %v, want ErrExecMode", err)
	}
}
