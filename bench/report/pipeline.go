package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/aquila-go/aquila/bench/internal/books"
	"github.com/aquila-go/aquila/postgres"
	"github.com/aquila-go/aquila/schema"
)

// Databases of the pipelining and HTTP phases.
const (
	pointDB = "aquila_bench_point" // reference schema with books.Count books
	httpDB  = "aquila_bench_http"  // migrated by aquila serve, filled by BenchmarkHTTP
)

// pgbenchPipeline is how many GetBook statements one pipelined pgbench
// transaction sends (\startpipeline … \endpipeline).
const pgbenchPipeline = 8

// pointCallers are BenchmarkPointRead's caller counts, and pgbench's
// client counts on the same statement.
func pointCallers() []int { return []int{1, 16, 64} }

// Performance targets of pipelined execution, typed in.
const (
	targetPipeVsPgx     = 2.0  // pipeline calls/s / raw pgxpool's, at 16 and 64 callers
	targetPipeOneCaller = 1.05 // pipeline latency / raw pgx's at 1 caller
	targetSlowP99MS     = 5.0  // p99 of point reads with a 200 ms statement in flight
	targetHTTPPipe      = 1.0  // aquila serve / bare server requests/s, pipelining on
	targetHTTPNoPipe    = 0.9  // … pipelining off
	targetDINs          = 150  // 3-service request scope, ns
	targetDIAllocs      = 2    // … allocations
)

func (x *run) scriptFile(pipelined bool) string {
	if pipelined {
		return filepath.Join(x.tmp, "getbook-pipeline.sql")
	}
	return filepath.Join(x.tmp, "getbook.sql")
}

// setupPipeline creates the point-read database (the reference schema,
// migrated, with books) and the empty HTTP database, writes the pgbench
// scripts of GetBook and builds the HTTP benchmark's programs.
func (x *run) setupPipeline(ctx context.Context) error {
	logf("creating the point-read and HTTP databases, building aquila, httpbare and httpload")
	for _, db := range []string{pointDB, httpDB} {
		if err := x.srv.recreateDB(ctx, db); err != nil {
			return err
		}
	}
	m, err := postgres.NewMigrator(x.srv.tcpDSN(pointDB), schema.FS)
	if err != nil {
		return err
	}
	_, err = m.Up(ctx)
	m.Close()
	if err != nil {
		return err
	}
	if err := books.Fill(ctx, x.srv.tcpDSN(pointDB)); err != nil {
		return err
	}
	for _, pipelined := range []bool{false, true} {
		n := 0
		if pipelined {
			n = pgbenchPipeline
		}
		if err := os.WriteFile(x.scriptFile(pipelined), []byte(books.PgbenchScript(n)), 0o644); err != nil {
			return err
		}
	}
	for name, pkg := range map[string]string{"aquila": ".", "httpbare": "./bench/internal/httpbare", "httpload": "./bench/internal/httpload"} {
		if _, err := x.r.run(ctx, 10*time.Minute, x.root, nil, "go", "build", "-o", filepath.Join(x.bin("http"), name), pkg); err != nil {
			return err
		}
	}
	return nil
}

// pipelinePhase runs pgbench with GetBook, one statement per transaction
// and pipelined, at every caller count, and BenchmarkPointRead and
// BenchmarkPointReadSlow, all over TCP, alternating which goes first.
func (x *run) pipelinePhase(ctx context.Context, rep int) error {
	pgbench, err := x.srv.tool("pgbench")
	if err != nil {
		return err
	}
	dsn := x.srv.tcpDSN(pointDB)
	env, err := x.srv.libpqEnvDSN(dsn, pointDB)
	if err != nil {
		return err
	}
	runPgbench := func() error {
		for _, c := range pointCallers() {
			for _, pipelined := range []bool{false, true} {
				// On a loaded machine 64 connections can take longer than -T
				// to open, leaving no transaction in the time: run longer then.
				var tps float64
				for secs := x.plan.pgbenchPipeSecs; ; secs *= 2 {
					out, err := x.r.run(ctx, 5*time.Minute, x.root, env, pgbench, "-n", "-M", "prepared", "-f", x.scriptFile(pipelined),
						"-c", strconv.Itoa(c), "-j", strconv.Itoa(min(c, x.cores())), "-T", strconv.Itoa(secs))
					if err == nil {
						tps, err = pgbenchTPS(out)
					}
					if err == nil {
						break
					}
					if secs >= 4*x.plan.pgbenchPipeSecs {
						return err
					}
				}
				per := 1.0
				if pipelined {
					per = pgbenchPipeline
				}
				x.record(rep, "pipeline", fmt.Sprintf("Benchmark%s 1 %.1f ns/op %.1f selects/s\n",
					pgbenchGetBookName(pipelined, c), 1e9/(tps*per), tps*per))
			}
		}
		return nil
	}
	runGo := func() error {
		_, err := x.goBench(ctx, rep, "pipeline", x.bin("bench.test"), filepath.Join(x.root, "bench"),
			[]string{"AQUILA_BENCH_POINT_DSN=" + dsn, "AQUILA_BENCH_ROUND=" + x.plan.pointRound},
			"-test.bench", "^BenchmarkPointRead(Slow)?$", "-test.benchtime", x.plan.pointRounds)
		return err
	}
	return alternate(rep, runPgbench, runGo)
}

func pgbenchGetBookName(pipelined bool, clients int) string {
	kind := "plain"
	if pipelined {
		kind = "pipelined"
	}
	return fmt.Sprintf("PgbenchGetBook/%s/clients=%d", kind, clients)
}

func pointReadName(callers int) string { return "PointRead/callers=" + itoa(callers) }

// httpPhase runs BenchmarkHTTP: the three servers and the load generator
// are separate processes, started anew in each repetition.
func (x *run) httpPhase(ctx context.Context, rep int) error {
	_, err := x.goBench(ctx, rep, "http", x.bin("bench.test"), filepath.Join(x.root, "bench"), x.httpEnv(),
		"-test.bench", "^BenchmarkHTTP$", "-test.benchtime", x.plan.httpRounds)
	return err
}

func (x *run) httpEnv() []string {
	return []string{"AQUILA_BENCH_HTTP_BIN=" + x.bin("http"), "AQUILA_BENCH_HTTP_DSN=" + x.srv.tcpDSN(httpDB),
		"AQUILA_BENCH_HTTP_ROUND=" + x.plan.httpRound}
}

// httpProfiles profiles both aquila servers under the HTTP load once, after
// the repetitions, and returns pprof's top lists by server.
func (x *run) httpProfiles(ctx context.Context) map[string]string {
	prefix := filepath.Join(x.tmp, "http")
	_, err := x.r.run(ctx, 10*time.Minute, filepath.Join(x.root, "bench"), append(x.httpEnv(), "AQUILA_BENCH_HTTP_PROFILE="+prefix),
		x.bin("bench.test"), "-test.run", "^$", "-test.bench", "^BenchmarkHTTP$", "-test.benchtime", "1x")
	out := map[string]string{}
	for _, s := range []string{"aquila", "aquila-nopipe"} {
		if err != nil {
			out[s] = "profile failed: " + err.Error()
			continue
		}
		top, err := x.r.run(ctx, 5*time.Minute, x.root, nil, "go", "tool", "pprof", "-top", "-cum", "-nodecount=40",
			filepath.Join(x.bin("http"), "aquila"), prefix+"-"+s+".prof")
		if err != nil {
			top = "pprof failed: " + err.Error()
		}
		out[s] = top
	}
	return out
}
