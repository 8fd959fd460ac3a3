package postgres

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// Config configures Open.
type Config struct {
	// DSN is a PostgreSQL URL or keyword/value string. Pool settings in it
	// (pool_max_conns, …) apply unless overridden below.
	DSN string

	// MaxConns caps the pool; 0 keeps the DSN's value or pgx's default.
	MaxConns int32
	// MinIdleConns connections are opened (and prepared) before Open
	// returns and kept open afterwards; 0 keeps the DSN's value.
	MinIdleConns int32

	// ExecMode is pgx's query exec mode: cache_statement (default),
	// cache_describe, describe_exec, exec or simple_protocol. Use exec behind
	// PgBouncer in transaction pooling mode. Empty keeps the DSN's
	// default_query_exec_mode.
	ExecMode string

	// Prepare lists SQL statements to prepare on every new connection. It is
	// ignored unless the exec mode is cache_statement.
	Prepare []string

	// Tracer, when set, traces every query of every connection.
	Tracer pgx.QueryTracer

	// PingTimeout bounds the start-up ping; default 10s.
	PingTimeout time.Duration

	// Logger receives start-up messages; nil discards them.
	Logger *slog.Logger
}

// parseExecMode maps the names used in pgx's default_query_exec_mode
// connection parameter to a pgx.QueryExecMode.
func parseExecMode(s string) (pgx.QueryExecMode, error) {
	switch s {
	case "cache_statement":
		return pgx.QueryExecModeCacheStatement, nil
	case "cache_describe":
		return pgx.QueryExecModeCacheDescribe, nil
	case "describe_exec":
		return pgx.QueryExecModeDescribeExec, nil
	case "exec":
		return pgx.QueryExecModeExec, nil
	case "simple_protocol":
		return pgx.QueryExecModeSimpleProtocol, nil
	default:
		return 0, fmt.Errorf("%w: %q (want cache_statement, cache_describe, describe_exec, exec or simple_protocol)", ErrExecMode, s)
	}
}
