// Package cli is the command line of a service built on aquila: one call
// from the service's main gives it
//
//	serve                         run the HTTP service: embedded PostgreSQL unless DATABASE_URL
//	                              is set, migrations, a warm pool, /healthz, /readyz, /metrics,
//	                              graceful drain on SIGINT/SIGTERM
//	migrate up|down|status|version
//	migrate create NAME           write the next numbered goose migration file
//	migrate diff NAME             write the next migration from the model metadata (-check: is one due?)
//	migrate lint [FILE...]        flag migrations that lock busy tables or lose data (-rules explains)
//	ddl [-drop]                   print the DDL the model metadata generates
//	check                         compare the metadata with the live schema (exit 1 on drift)
//	load -table T FILE            bulk-load NDJSON or CSV into any table through binary COPY
//	openapi [-o FILE|-check FILE] write or check the API's OpenAPI 3.1 document
//	version
//
// A service describes itself in a Service — its model registry, its
// embedded migrations, the statements to prepare on every connection and
// the constructor of its HTTP handler — and its main is
//
//	func main() {
//		reg, err := model.NewRegistry(store.Tables()...)
//		if err != nil {
//			fmt.Fprintln(os.Stderr, "shop:", err)
//			os.Exit(1)
//		}
//		os.Exit(cli.Main(cli.Service{
//			Name:          "shop",
//			Registry:      reg,
//			Migrations:    schema.FS,      // //go:embed *.sql
//			MigrationsDir: "schema",       // where migrate create writes
//			Statements:    db.Statements(), // generated next to sqlc's output
//			Handler:       initHandler,    // the Wire injector below
//			OpenAPI:       app.OpenAPI,    // optional: GET /openapi.json and the openapi command
//		}))
//	}
//
// # The handler and Wire
//
// serve builds everything that is not the service's own: it starts the
// embedded server (or uses -database-url), applies the migrations (on
// -migrate-url when set), opens the primary pool — MinIdleConns
// connections, each with every Statements prepared — and the replica
// router, and creates the Prometheus registry. It hands them to
// Service.Handler in a *Deps and serves what it returns. The signature
// matches a Wire injector with a cleanup, so the service's wire.go is
//
//	func initHandler(ctx context.Context, d *cli.Deps) (http.Handler, func(), error) {
//		panic(wire.Build(
//			wire.FieldsOf(new(*cli.Deps), "Config", "Logger", "Router", "Metrics"),
//			app.HandlerSet))
//	}
//
// and its providers take cli.Config, *slog.Logger, *postgres.Router and
// *prometheus.Registry like any other dependency.
//
// # OpenAPI
//
// With Service.OpenAPI — a function that builds the API's document without
// a database, typically api.Mux.OpenAPI of the routes the handler registers
// with api.Mux.Route (see package openapi) — serve answers GET
// /openapi.json with it, built once at start, and the openapi command
// writes it (-o FILE) or fails when a committed copy differs (-check FILE),
// so that the document can be committed, diffed and kept current in CI.
//
// # Lifecycle
//
// serve listens before anything else, so /healthz answers 200 at once;
// /readyz answers 503 until the database answers (serve waits up to
// -db-wait for it), migrations have run, the pool is warm and the handler
// is built, then 200 while the database stays reachable. Every other path
// answers 503 until then. On SIGINT or SIGTERM (the context of Run)
// /readyz turns 503 and requests are still served for -shutdown-delay, so
// that a load balancer stops sending them; then the server stops
// accepting, in-flight requests get -shutdown-timeout to finish, and the
// cleanups run in reverse order: the handler's, the pools, the embedded
// server. /metrics serves the registry in Deps.Metrics (Go
// runtime, process, pool statistics and query durations by sqlc statement
// name); -pprof mounts net/http/pprof under /debug/pprof/.
//
// # Testing
//
// Run is the whole command without the process: a test calls it with its
// own arguments and buffers. Package clitest runs serve inside a test on a
// free loopback port, as net/http/httptest runs a handler, and stops it
// when the test ends.
//
// # Migrations from the metadata
//
// migrate diff keeps the migrations following the model metadata. It
// creates a scratch database on the configured server (the role needs
// CREATEDB) or on the embedded one, applies the migrations of -dir there,
// plans the change to Service.Registry with model.PlanMigration, writes it
// as the next goose version(s) and verifies it on the scratch database: Up
// must leave no drift and Down must restore the schema it started from. The
// scratch database is dropped afterwards; the target database is never
// read. -rename TABLE=NEW and -rename TABLE.COLUMN=NEW declare renames
// (they are never guessed), -allow-destructive permits drops and narrowing
// type changes, and -check writes nothing but exits 1, naming the
// differences, when a migration is due — CI runs it so that the metadata
// and the migrations cannot disagree. diff then lints what it wrote.
//
// migrate lint checks the migrations of -dir with package migratelint:
// each finding is printed as "file:line rule: message" and any finding
// makes it exit 1; -queries names the sqlc query files that the renaming
// rules check, -rules prints every rule with why it matters and what to
// write instead, and a "-- aquila:lint-ignore RULE reason" comment
// silences one statement.
//
// # Flags and environment
//
// Every flag falls back to an environment variable named in its help
// text: DATABASE_URL for -database-url, and EnvPrefix (default AQUILA)
// plus the flag's name, qualified by its command where the name alone
// would be unclear, for the others (AQUILA_ADDR, AQUILA_MAX_CONNS,
// AQUILA_LOAD_TABLE, AQUILA_MIGRATE_DIFF_CHECK, ...). A flag on the command line wins; a malformed
// variable is an error that names it. Run exits 0 on success, 1 on a
// failure and 2 on a command-line mistake.
//
// # Loading data
//
// load writes a table of the registry from NDJSON (one JSON object per
// line) or CSV (a header naming the columns; an empty field is NULL),
// without a Go row type: each value is parsed by its column's model type
// and sent with binary COPY, in chunks inside one transaction, reading the
// file as the rows are sent. JSON and jsonb columns take the JSON value as
// it is (a JSON string stays a string); integers, floats and numerics
// accept a JSON number or a string holding one; dates, timestamps, UUIDs
// and bytea (\x hex or base64) are strings; arrays are JSON arrays or
// PostgreSQL array literals. A bad value stops the load with a *loadError
// naming the line, the column and its type, and nothing is written.
package cli
