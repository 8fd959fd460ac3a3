package postgres_test

import (
	"context"
	"testing"

	"github.com/aquila-go/aquila/internal/library"
	"github.com/aquila-go/aquila/postgres"
)

// TestOpenWarmsOnlyReads: the warm-up runs statements in a read-only
// transaction, so a SELECT that locks or writes (FOR UPDATE, nextval) must
// be prepared but not run there; Open must still succeed and the statements
// must work afterwards.
func TestOpenWarmsOnlyReads(t *testing.T) {
	ctx := context.Background()
	stmts := []string{
		"-- name: LockBook :one\nSELECT \"id\" FROM \"books\" WHERE \"id\" = $1 FOR UPDATE",
		"-- name: NextID :one\nSELECT nextval(pg_get_serial_sequence('books', 'id'))",
		"-- name: GetTitle :one\nSELECT \"title\" FROM \"books\" WHERE \"id\" = $1",
	}
	pool, err := postgres.Open(ctx, postgres.Config{DSN: pg.URL(t, library.FS), MinIdleConns: 2, Prepare: stmts})
	if err != nil {
		t.Fatalf("Open with a locking and a writing SELECT: %v", err)
	}
	defer pool.Close()
	var n int64
	if err := pool.QueryRow(ctx, stmts[1]).Scan(&n); err != nil || n < 1 {
		t.Fatalf("nextval after Open: %d, %v", n, err)
	}
}
