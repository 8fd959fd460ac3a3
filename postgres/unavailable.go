package postgres

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// Unavailable reports whether err says the database could not be reached
// or dropped the connection, rather than that the statement failed: the
// same statement may succeed once the server (or another one) is back.
//
// That is: a failed connect (refused, reset, DNS, TLS, authentication
// timeouts: *pgconn.ConnectError), a connection that closed or broke
// (pgconn.ErrConnClosed, io.EOF, io.ErrUnexpectedEOF, any net.Error, which
// includes syscall errors such as ECONNRESET and EPIPE), an error pgconn
// marks safe to retry, and server errors of class 08 (connection
// exception), 53300 (too many connections) and class 57 (operator
// intervention: the backend was terminated, the server is shutting down,
// crashed or is starting up) except 57014 (query canceled, which is the
// statement's own timeout). A cancelled or expired context is not
// unavailability: the caller gave up.
func Unavailable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		code := pgErr.Code
		return strings.HasPrefix(code, "08") || code == "53300" ||
			strings.HasPrefix(code, "57") && code != "57014"
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error // also every syscall.Errno and net.ErrClosed
	return errors.As(err, &connectErr) ||
		errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.As(err, &netErr) ||
		pgconn.SafeToRetry(err)
}
