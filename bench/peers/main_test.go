package peers_test

import (
	"os"
	"strconv"
	"testing"

	"github.com/aquila-go/aquila/postgres/pgtest"
)

// pg hands out databases: DATABASE_URL's server, or an embedded one started
// on first use (benchmarks only; this package has no tests).
var pg = pgtest.New()

func TestMain(m *testing.M) { os.Exit(pg.Run(m)) }

// rotation is AQUILA_BENCH_ROTATE: bench/report sets it to the repetition
// number so that no contender always runs first in a round.
func rotation() int {
	n, _ := strconv.Atoi(os.Getenv("AQUILA_BENCH_ROTATE"))
	return max(n, 0)
}

// rotate returns s starting at element n mod len(s).
func rotate[T any](s []T, n int) []T {
	n %= len(s)
	return append(s[n:len(s):len(s)], s[:n]...)
}
