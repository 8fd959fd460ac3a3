// Package bench holds aquila's benchmarks against a real PostgreSQL (the
// embedded test server of postgres/pgtest, or DATABASE_URL). It has no
// non-test code.
//
// Bulk writes (bulk_test.go) compare, for 100 and 10 000 rows of the
// reference catalog's books shape, model.BulkCreate with a hand-written
// pgx.CopyFrom, the sqlc :copyfrom query, one INSERT per row in a
// transaction and one multi-row INSERT per 1 000 rows; each reports rows/s
// and allocations per row. BenchmarkCreateTableSQL times the DDL
// generation of an 8-column table.
//
//	go test -run x -bench . -benchmem ./bench/
//
// Timings on a shared 2-core machine are noisy: compare contenders within
// one run (they run back to back on the same database) and look at ratios.
package bench
