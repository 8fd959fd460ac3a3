package postgres

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// notSent is an error pgconn's SafeToRetry accepts: nothing reached the
// server.
type notSent struct{}

func (notSent) Error() string     { return "write failed before sending" }
func (notSent) SafeToRetry() bool { return true }

func TestCanRetry(t *testing.T) {
	done, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name        string
		ctx         context.Context
		err         error
		read, write bool
	}{
		{"nothing sent", context.Background(), notSent{}, true, true},
		{"server closed the connection (EOF)", context.Background(), io.ErrUnexpectedEOF, true, false},
		{"backend terminated (57P01)", context.Background(), &pgconn.PgError{Code: "57P01"}, true, false},
		{"server crashed (57P02)", context.Background(), &pgconn.PgError{Code: "57P02"}, true, false},
		{"connection closed", context.Background(), pgconn.ErrConnClosed, true, false},
		{"statement timeout (57014)", context.Background(), &pgconn.PgError{Code: "57014"}, false, false},
		{"constraint", context.Background(), &pgconn.PgError{Code: "23505"}, false, false},
		{"caller gave up", done, io.ErrUnexpectedEOF, false, false},
		{"context error", context.Background(), context.DeadlineExceeded, false, false},
		{"other", context.Background(), errors.New("x"), false, false},
	} {
		if got := canRetry(tc.ctx, tc.err, true); got != tc.read {
			t.Errorf("%s: read retried = %v, want %v", tc.name, got, tc.read)
		}
		if got := canRetry(tc.ctx, tc.err, false); got != tc.write {
			t.Errorf("%s: write retried = %v, want %v", tc.name, got, tc.write)
		}
	}
	// A Reader's statement that writes is not a read.
	if retryable(context.Background(), io.ErrUnexpectedEOF, true, "INSERT INTO t VALUES (1) RETURNING id") {
		t.Error("a write sent through a Reader would run twice")
	}
	if !retryable(context.Background(), io.ErrUnexpectedEOF, true, "SELECT 1") {
		t.Error("a read through a Reader is not retried")
	}
}
