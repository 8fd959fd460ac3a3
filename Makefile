# Benchmarks (see bench/doc.go and bench/report/doc.go). Every target starts
# an embedded PostgreSQL when DATABASE_URL is unset.

GO ?= go
REV ?= HEAD~1

.PHONY: bench bench-quick bench-regress

# Everything, 10 repetitions: writes bench/RESULTS.md, bench/charts/*.svg
# and bench/results/*.txt.
bench:
	$(GO) run ./bench/report

# The same, shorter (5 repetitions; under 3 minutes on a 2-core machine).
bench-quick:
	$(GO) run ./bench/report -quick

# Microbenchmarks of the working tree against REV (default HEAD~1, checked
# out with git worktree), compared with benchstat from tools/go.mod; fails
# on a statistically significant slowdown over 10 %.
bench-regress:
	$(GO) run ./bench/report regress -rev '$(REV)'
