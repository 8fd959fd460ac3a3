// Command report runs aquila's benchmark suite and writes bench/RESULTS.md.
//
//	go run ./bench/report            # full run (make bench)
//	go run ./bench/report -quick     # everyday run, under 3 minutes (make bench-quick)
//	go run ./bench/report regress -rev HEAD~1   # make bench-regress
//
// Run it from the repository root. With DATABASE_URL unset it starts an
// embedded PostgreSQL (postgres/pglocal) in a temporary directory with the
// settings printed in the report, identical for every contender; with
// DATABASE_URL set (a superuser DSN) it uses that server and reports the
// settings it reads from it. It creates its own databases there.
//
// One run builds the test binaries of bench/ and bench/peers once, then
// repeats every phase -reps times, so that contenders measured in one
// repetition share the machine's state (interleaving):
//
//   - seed: the Python seed's DI and model rows (bench/seed_*_test.go,
//     BenchmarkCreateTableSQL);
//   - peers: efectn's five operations plus a 10 000-row bulk create for
//     aquila, raw pgx, GORM, bun and sqlx, and the request-scope lifecycle
//     with Wire, dig and samber/do (bench/peers), in an order rotated per
//     repetition;
//   - anchors: `pgbench -S -M prepared` against aquila's and raw pgx's
//     get-by-id at 1, 2, 4, 8 and 16 clients on the same table; `psql \copy`
//     of 10 000 rows against model.BulkCreate; the first query after start-up
//     with the pool's warm-up and prepare-on-connect on and off.
//
// It then takes the median of every figure over the repetitions and the
// median of the per-repetition ratios, and writes RESULTS.md with the
// machine, the server settings, the exact commands, the tables beside the
// seed's figures and the performance targets, SVG charts of the ratios
// (bench/charts) and the raw `go test` output (bench/results), which
// benchstat reads. Nothing in the report is typed in except the seed's
// Python figures and the targets, both cited as such.
//
// The regress subcommand runs the microbenchmarks (the seed's CPU-bound
// rows) on the working tree and on a git revision checked out with `git
// worktree`, alternating between the two, compares them with benchstat
// (pinned in tools/go.mod) and exits with status 1 when a benchmark got
// slower by more than 10 % with statistical significance.
package main
