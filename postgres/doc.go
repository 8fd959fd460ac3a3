// Package postgres opens aquila's connection pool and runs its migrations.
//
// Open builds a pgxpool.Pool from a DSN, pings it so that a wrong address or
// password fails at start with the server's own reason, and warms it: it opens
// MinIdleConns connections before returning and prepares every statement in
// Config.Prepare on each new connection (pgxpool's AfterConnect). With the
// statements prepared under their own SQL text as name, pgx finds them in the
// connection's prepared-statement map on the first call, so the first request
// after start-up pays no Parse/Describe round trip. Prepare-on-connect is only
// used in pgx's default exec mode (cache_statement); the modes meant for
// PgBouncer transaction pooling (exec, cache_describe, simple_protocol) never
// create named statements.
//
// NewMigrator wraps a goose Provider over an fs.FS of goose SQL files. It
// always uses its own direct connection (never a pooled one: goose's session
// lock holds a single connection) and a PostgreSQL session advisory lock, so
// two processes that migrate at once apply each version exactly once.
//
// Passwords never leave this package: errors carry pgx's redacted messages and
// Redact removes the password from a DSN before it is logged.
//
// A typical start-up:
//
//	m, err := postgres.NewMigrator(dsn, schema.FS)
//	if err != nil { ... }
//	defer m.Close()
//	if _, err := m.Up(ctx); err != nil { ... }
//
//	pool, err := postgres.Open(ctx, postgres.Config{
//		DSN:          dsn,
//		MinIdleConns: 4,
//		Prepare:      db.Statements(),
//	})
//	if err != nil { ... }
//	defer pool.Close()
package postgres
