package cli

import (
	"log/slog"
	"time"
)

// Config is what serve reads from its flags and their environment
// fallbacks. The service's handler constructor receives it in Deps, so a
// provider can read the HTTP settings (RequestTimeout, CursorKey, ...).
type Config struct {
	// Addr is the HTTP listen address.
	Addr string
	// DatabaseURL is the PostgreSQL DSN; empty starts the embedded server.
	DatabaseURL string
	// MigrateURL, when set, is where migrations run (a direct connection
	// when DatabaseURL points at PgBouncer in transaction pooling mode).
	MigrateURL string
	// ReplicaURLs are streaming replicas that take the reads.
	ReplicaURLs []string
	// MaxReplicaLag is the replay lag above which a replica gets no reads.
	MaxReplicaLag time.Duration
	// DataDir is where the embedded server keeps its data.
	DataDir string
	// MaxConns and MinIdleConns size the pool (0 = pgx's defaults).
	MaxConns, MinIdleConns int32
	// ExecMode is pgx's query exec mode ("" = cache_statement).
	ExecMode string
	// Pipeline pipelines the statements run outside transactions
	// (postgres.Pipeline) on PipelineConns connections of the primary and
	// of each replica (0 = postgres.DefaultPipelineConns). It stays off in
	// the exec modes meant for PgBouncer transaction pooling.
	Pipeline      bool
	PipelineConns int
	// DBWait is how long serve waits for an unreachable database at start,
	// retrying with capped exponential backoff (0 = fail at once).
	DBWait time.Duration
	// ShutdownDelay is how long serve keeps serving after SIGTERM with
	// /readyz answering 503, so that load balancers stop sending traffic
	// before the listener closes.
	ShutdownDelay time.Duration
	// ShutdownTimeout bounds the drain of in-flight requests.
	ShutdownTimeout time.Duration
	// LogLevel is the minimum level logged; at debug, slow-query logs
	// include argument values.
	LogLevel slog.Level
	// SlowQuery is the duration above which a query is logged (default 200ms).
	SlowQuery time.Duration
	// RequestTimeout bounds each API request's work (0 = none); the
	// service's handler applies it.
	RequestTimeout time.Duration
	// CursorKey signs list cursors (for query.SchemaConfig.CursorKeys): the
	// bytes of -cursor-key's hex, at least query.MinCursorKeySize long, or
	// nil when it is not set.
	CursorKey []byte
	// NoReadCache switches the per-request read cache off.
	NoReadCache bool
	// Pprof mounts net/http/pprof under /debug/pprof/.
	Pprof bool
}
