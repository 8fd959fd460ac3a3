// Package peers compares aquila with the libraries a Go team would otherwise
// pick, on the same work, in one run. It is its own module so that GORM,
// bun, sqlx, dig and samber/do never enter aquila's go.mod.
//
// # Row shape and operations
//
// The work is that of efectn/go-orm-benchmarks: the models table (id serial
// primary key, name, title, fax, web text, age integer, "right" boolean,
// counter bigint; efectn's constants in every row) and its five operations,
// plus a bulk create:
//
//	Insert       insert 1 row, returning its id
//	InsertMulti  insert 100 rows with the library's bulk API
//	Update       set the 7 columns of a row that exists (efectn's raw and
//	             sqlc variants updated id 0, which matches nothing); every
//	             contender checks that exactly one row changed
//	Read         read 1 row by id
//	ReadSlice    read 100 rows (WHERE id > 0 LIMIT 100) into a slice
//	Bulk10k      insert 10 000 rows, all or nothing
//
// # Contenders
//
//	aquila   the sqlc-generated code of bench/internal/benchdb on the pool of
//	         postgres.Open (statements prepared on connect); model.BulkCreate
//	         (COPY in a transaction) for InsertMulti and Bulk10k
//	pgx      hand-written pgx/v5 on one *pgx.Conn (the floor); CopyFrom for
//	         the bulk operations
//	pgxpool  the same code on a *pgxpool.Pool
//	gorm     GORM with PrepareStmt and SkipDefaultTransaction (efectn's
//	         gorm_prep); Create(&slice), CreateInBatches for 10 000 rows
//	bun      bun with its pgdriver; NewInsert().Model(&slice)
//	sqlx     sqlx over pgx's database/sql driver; NamedExec with a slice
//
// Statements that take parameters would exceed PostgreSQL's 65 535
// parameters at 10 000 rows × 7 columns, so GORM and sqlx insert the
// 10 000 rows in two statements of 5 000 inside one transaction; bun inlines
// values and sends one statement; COPY needs neither.
//
// For each operation the models table is dropped and recreated from
// aquila's model metadata, every contender opens its own connections and
// prepares, and each round of the benchmark loop then runs one iteration of
// every contender, in an order that rotates from round to round (and with
// AQUILA_BENCH_ROTATE, which bench/report sets per repetition), timing each
// one: on a machine whose load changes from second to second, every
// contender is slowed alike. Per contender c the benchmark reports c-ns/op
// (median over rounds), c/aquila (median over rounds of c's time over
// aquila's in the same round), and c-B/op and c-allocs/op, measured with
// runtime.MemStats around an untimed batch of c alone.
//
// # Dependency injection
//
// BenchmarkDIRequest builds the service's request scope (request id,
// request logger, queries and the author, book and tag services from
// internal/app) with the Wire-generated injector, with uber-go/dig and with
// samber/do. Neither container can dispose of a child scope (both keep every
// child in their parent for good), so a per-request scope is a new container
// holding the app singletons as values and the request-scoped providers;
// see di.go. The providers dig and do register are those Wire's injector
// calls, listed in graph_gen.go by internal/graphgen from
// bench/internal/wirereq/wire_gen.go: after a change to app.RequestSet, run
// `go generate ./...` at the root and then `go generate` here (a test in
// internal/graphgen fails while graph_gen.go is stale).
//
// Run it with `go test -run '^$' -bench . -benchmem` in this directory; set
// DATABASE_URL to a superuser DSN to use an existing server, otherwise an
// embedded one is started (postgres/pgtest). bench/report runs it as part of
// `make bench`.
package peers
