package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aquila-go/aquila/bench/internal/benchdb"
)

// copyRows is the size of the COPY anchor (bench.CopyRows).
const copyRows = 10_000

// setupAnchors initialises the pgbench database and the COPY database and
// writes the COPY data file.
func (x *run) setupAnchors(ctx context.Context) error {
	logf("initialising pgbench (scale %d) and the COPY table", x.plan.scale)
	if err := x.srv.recreateDB(ctx, pgbenchDB); err != nil {
		return err
	}
	pgbench, err := x.srv.tool("pgbench")
	if err != nil {
		return fmt.Errorf("pgbench: %w (install the PostgreSQL client programs)", err)
	}
	env, err := x.srv.libpqEnv(pgbenchDB)
	if err != nil {
		return err
	}
	if _, err := x.r.run(ctx, 10*time.Minute, x.root, env, pgbench, "-i", "-q", "-s", strconv.Itoa(x.plan.scale)); err != nil {
		return err
	}

	for _, db := range []string{copyDB, peersDB, seedDB} {
		if err := x.srv.recreateDB(ctx, db); err != nil {
			return err
		}
	}
	reg, err := benchdb.Registry()
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, x.srv.dsn(copyDB))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for _, s := range reg.CreateStatements() {
		if _, err := conn.Exec(ctx, s); err != nil {
			return err
		}
	}
	m := benchdb.NewModel()
	right := "f"
	if m.Right {
		right = "t"
	}
	line := strings.Join([]string{m.Name, m.Title, m.Fax, m.Web,
		strconv.Itoa(int(m.Age)), right, strconv.FormatInt(m.Counter, 10)}, "\t") + "\n"
	return os.WriteFile(x.copyFile(), []byte(strings.Repeat(line, copyRows)), 0o644)
}

func (x *run) copyFile() string { return filepath.Join(x.tmp, "models.copy") }

// getByID runs pgbench -S at every client count and the Go get-by-id of
// aquila and raw pgx at every client count (one test binary run),
// alternating which goes first.
func (x *run) getByID(ctx context.Context, rep int) error {
	pgbench, err := x.srv.tool("pgbench")
	if err != nil {
		return err
	}
	env, err := x.srv.libpqEnv(pgbenchDB)
	if err != nil {
		return err
	}
	runPgbench := func() error {
		for _, c := range x.plan.clients {
			var tps float64
			// After the first repetition, run as many transactions as take
			// about pgbenchGoal at the rate measured before (pgbench's -T
			// counts whole seconds). On a loaded machine 16 connections can
			// take longer than -T to open, leaving no transaction in the
			// time: run longer then.
			prev, n := x.res.median(pgbenchName(c), "tps")
			for secs := x.plan.pgbenchSecs; ; secs *= 2 {
				args := []string{"-n", "-S", "-M", "prepared", "-c", strconv.Itoa(c), "-j", strconv.Itoa(min(c, x.cores()))}
				if n > 0 && secs == x.plan.pgbenchSecs {
					perClient := max(int(prev*x.plan.pgbenchGoal/float64(c)), 200)
					args = append(args, "-t", strconv.Itoa(perClient))
				} else {
					args = append(args, "-T", strconv.Itoa(secs))
				}
				out, err := x.r.run(ctx, 5*time.Minute, x.root, env, pgbench, args...)
				if err == nil {
					tps, err = pgbenchTPS(out)
				}
				if err == nil || secs >= 4*x.plan.pgbenchSecs {
					if err != nil {
						return err
					}
					break
				}
			}
			x.record(rep, "anchors", fmt.Sprintf("Benchmark%s 1 %.1f ns/op %.1f tps\n", pgbenchName(c), 1e9/tps, tps))
		}
		return nil
	}
	runGo := func() error {
		counts := make([]string, len(x.plan.clients))
		for i, c := range x.plan.clients {
			counts[i] = strconv.Itoa(c)
		}
		_, err := x.goBench(ctx, rep, "anchors", x.bin("bench.test"), filepath.Join(x.root, "bench"),
			[]string{"AQUILA_BENCH_CLIENTS=" + strings.Join(counts, ",")},
			"-test.bench", "^BenchmarkGetByID$", "-test.benchtime", x.plan.getTime)
		return err
	}
	return alternate(rep, runPgbench, runGo)
}

// alternate runs a then b in even repetitions and b then a in odd ones, so
// that neither always runs on the machine the other left behind.
func alternate(rep int, a, b func() error) error {
	if rep%2 == 1 {
		a, b = b, a
	}
	if err := a(); err != nil {
		return err
	}
	return b()
}

func pgbenchName(clients int) string { return fmt.Sprintf("Pgbench/clients=%d", clients) }

func (x *run) cores() int { return runtime.NumCPU() }

// pgbenchTPS reads "tps = 12345.6 (without initial connection time)".
func pgbenchTPS(out string) (float64, error) {
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "tps = "); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				tps, err := strconv.ParseFloat(f[0], 64)
				if err == nil && tps > 0 {
					return tps, nil
				}
			}
		}
	}
	return 0, fmt.Errorf("pgbench printed no tps:\n%s", out)
}

// copyAnchor times psql \copy of the data file (the median of a few runs,
// each into the emptied table) and BenchmarkCopyAnchor, alternating which
// goes first.
func (x *run) copyAnchor(ctx context.Context, rep int) error {
	psql, err := x.srv.tool("psql")
	if err != nil {
		return fmt.Errorf("psql: %w", err)
	}
	env, err := x.srv.libpqEnv(copyDB)
	if err != nil {
		return err
	}
	cols := strings.Join(benchdb.InsertColumns(), ", ")
	cols = strings.Replace(cols, "right", `"right"`, 1)
	runPsql := func() error {
		var times []float64
		for range x.plan.psqlCopies {
			out, err := x.r.run(ctx, 5*time.Minute, x.root, env, psql, "-X", "-q", "-v", "ON_ERROR_STOP=1",
				"-c", `TRUNCATE "models"`, "-c", `\timing on`,
				"-c", fmt.Sprintf(`\copy "models" (%s) FROM '%s'`, cols, x.copyFile()))
			if err != nil {
				return err
			}
			ms, err := psqlTime(out)
			if err != nil {
				return err
			}
			times = append(times, ms)
		}
		ms := median(times)
		x.record(rep, "anchors", fmt.Sprintf("BenchmarkPsqlCopy 1 %.0f ns/op %.0f rows/s\n", ms*1e6, copyRows/(ms/1e3)))
		return nil
	}
	runGo := func() error {
		_, err := x.goBench(ctx, rep, "anchors", x.bin("bench.test"), filepath.Join(x.root, "bench"), nil,
			"-test.bench", "^BenchmarkCopyAnchor$", "-test.benchtime", x.plan.copyIters)
		return err
	}
	return alternate(rep, runPsql, runGo)
}

// psqlTime reads psql's "Time: 12.345 ms" (\timing).
func psqlTime(out string) (float64, error) {
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "Time: "); ok {
			f := strings.Fields(rest)
			if len(f) >= 2 && f[1] == "ms" {
				return strconv.ParseFloat(f[0], 64)
			}
		}
	}
	return 0, fmt.Errorf("psql printed no timing:\n%s", out)
}

// profileIfMissed profiles aquila's get-by-id at its best client count
// when its peak throughput misses a target, and returns pprof's top list.
func (x *run) profileIfMissed(ctx context.Context) string {
	g := x.getByIDSummary()
	if g.metPgbench && g.metPgx {
		return ""
	}
	logf("get-by-id below target: CPU profile of aquila at %d clients", g.aquilaBestClients)
	prof := filepath.Join(x.tmp, "cpu.out")
	_, err := x.r.run(ctx, 10*time.Minute, filepath.Join(x.root, "bench"),
		append(x.testEnv, "AQUILA_BENCH_CLIENTS="+strconv.Itoa(g.aquilaBestClients), "AQUILA_BENCH_ONLY=aquila"),
		x.bin("bench.test"), "-test.run", "^$", "-test.bench", "^BenchmarkGetByID$",
		"-test.benchtime", x.plan.getTime, "-test.cpuprofile", prof)
	if err != nil {
		return "profile failed: " + err.Error()
	}
	out, err := x.r.run(ctx, 5*time.Minute, x.root, nil, "go", "tool", "pprof", "-top", "-nodecount=25", x.bin("bench.test"), prof)
	if err != nil {
		return "pprof failed: " + err.Error()
	}
	return out
}
