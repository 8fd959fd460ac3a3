// Package bench holds aquila's benchmarks. They run against a real
// PostgreSQL: the embedded test server of postgres/pgtest, or DATABASE_URL.
// The package has no non-test code; each _test.go file covers one area
// (bulk_test.go the model package's bulk writes and DDL generation, the
// anchor_ and seed_ files the reference measurements), and bench/report
// turns a run into RESULTS.md.
//
// The bulk benchmarks compare, for 100 and 10 000 rows of the reference
// catalog's books shape, model.BulkCreate (typed binding and values
// function) with a hand-written pgx.CopyFrom, the sqlc :copyfrom query, one
// INSERT per row in a transaction and one multi-row INSERT per 1 000 rows,
// on the catalog's books table (foreign key, unique and check constraints,
// four indexes) and on books_bare (same columns, primary key only).
// BenchmarkBulk reports each contender's time, rows/s and allocations per
// row; BenchmarkBulkPaired runs them in rotating order within each iteration
// and reports medians and ratios to BulkCreate, the figures to quote on a
// shared machine. BenchmarkCreateTableSQL times the DDL of an 8-column table.
//
//	go test -run x -bench . -benchmem ./bench/
//	go test -run x -bench BulkPaired -benchtime 10x ./bench/
//
// Timings on a shared 2-core machine are noisy: compare contenders within
// one run and look at ratios.
package bench
