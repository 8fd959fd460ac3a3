// Package bench holds aquila's benchmarks. They run against a real
// PostgreSQL: the embedded test server of postgres/pgtest, or DATABASE_URL.
// The package has no non-test code; each _test.go file covers one area,
// and bench/report turns a run of all of them into RESULTS.md.
//
// # The seed's tables (seed_*_test.go)
//
// The rows of the Python seed's optimisation roadmap, reproduced in Go:
// dependency injection through the Wire-generated request injector
// (bench/internal/wirereq, generated from internal/app's RequestSet),
// constructing and decoding models (sqlc code of bench/internal/benchdb on
// efectn's models table: a real 1 000-row ReadSlice, and the client-side
// decode of its rows alone), building dynamic filters with package query,
// and (in bulk_test.go) DDL generation for 8 columns.
//
// # Physical anchors (anchor_*_test.go)
//
// BenchmarkGetByID runs the statement of `pgbench -S` through aquila and
// raw pgx at 1 to 16 clients, BenchmarkCopyAnchor writes 10 000 rows with
// model.BulkCreate, and BenchmarkStartup times the first query of a new
// pool with warm-up and prepare-on-connect on and off. bench/report runs
// pgbench and psql \copy against the same server for comparison; the first
// two skip unless it sets their AQUILA_BENCH_*_DSN.
//
// # Bulk writes (bulk_test.go)
//
// The bulk benchmarks compare, for 100 and 10 000 rows of the reference
// catalog's books shape, model.BulkCreate (typed binding and values
// function) with a hand-written pgx.CopyFrom, the sqlc :copyfrom query, one
// INSERT per row in a transaction and one multi-row INSERT per 1 000 rows,
// on the catalog's books table (foreign key, unique and check constraints,
// four indexes) and on books_bare (same columns, primary key only), over
// TCP on 127.0.0.1 and over the server's Unix socket. A last contender
// sends the rows' binary COPY stream encoded beforehand: the time the
// protocol and the server take whatever the client, the floor for any
// COPY. BenchmarkBulk reports each contender's time, rows/s and
// allocations per row; BenchmarkBulkPaired runs them in rotating order
// within each iteration and reports medians and ratios to BulkCreate, the
// figures to quote on a shared machine. BenchmarkCreateTableSQL times the
// DDL of an 8-column table, as a new string and into a reused buffer.
//
// # Peers
//
// bench/peers (its own module) compares aquila with raw pgx, GORM, bun and
// sqlx on efectn/go-orm-benchmarks' operations, and Wire with dig and
// samber/do on the request scope.
//
//	make bench-quick                     # everything, RESULTS.md, < 3 min
//	make bench                           # the same, longer
//	make bench-regress REV=HEAD~1        # microbenchmarks vs a revision
//	go test -run x -bench . -benchmem ./bench/
//	go test -run x -bench BulkPaired -benchtime 10x ./bench/
//
// Timings on a shared 2-core machine are noisy: compare contenders within
// one run and look at ratios.
package bench
