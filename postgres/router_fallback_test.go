package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// TestTriage pins which errors from a replica send a read to the primary
// and which take the replica out of rotation. The real-server paths are
// covered by TestRouter (a replica stopped under load); this covers the
// rest of the table.
func TestTriage(t *testing.T) {
	ctx := context.Background()
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	pg := func(code string) error { return fmt.Errorf("query: %w", &pgconn.PgError{Code: code}) }
	for _, tc := range []struct {
		name                string
		ctx                 context.Context
		err                 error
		retry, down, writes bool
	}{
		{"nil", ctx, nil, false, false, false},
		{"no rows", ctx, pgx.ErrNoRows, false, false, false},
		{"unique violation", ctx, pg("23505"), false, false, false},
		{"syntax error", ctx, pg("42601"), false, false, false},
		{"read-only transaction", ctx, pg("25006"), true, false, true},
		{"recovery conflict", ctx, pg("40001"), true, false, false},
		{"statement timeout", ctx, pg("57014"), false, false, false},
		{"admin shutdown", ctx, pg("57P01"), true, true, false},
		{"starting up", ctx, pg("57P03"), true, true, false},
		{"connection failure", ctx, pg("08006"), true, true, false},
		{"too many connections", ctx, pg("53300"), true, true, false},
		{"unexpected EOF", ctx, fmt.Errorf("receive: %w", io.ErrUnexpectedEOF), true, true, false},
		{"EOF", ctx, io.EOF, true, true, false},
		{"conn closed", ctx, fmt.Errorf("x: %w", pgconn.ErrConnClosed), true, true, false},
		{"refused", ctx, &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, true, true, false},
		{"reset", ctx, fmt.Errorf("read: %w", syscall.ECONNRESET), true, true, false},
		{"context canceled", ctx, context.Canceled, false, false, false},
		{"deadline", ctx, fmt.Errorf("q: %w", context.DeadlineExceeded), false, false, false},
		{"caller gone", canceled, io.ErrUnexpectedEOF, false, false, false},
		{"scan error", ctx, errors.New("can't scan into dest[0]"), false, false, false},
	} {
		retry, down, writes := triage(tc.ctx, tc.err)
		if retry != tc.retry || down != tc.down || writes != tc.writes {
			t.Errorf("%s: triage = retry %v, down %v, wrote %v; want %v, %v, %v",
				tc.name, retry, down, writes, tc.retry, tc.down, tc.writes)
		}
	}
}
