package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// plan sizes a run: benchtimes, pgbench scale and durations, iterations.
type plan struct {
	microTime   string  // seed microbenchmarks
	dbTime      string  // peers (database operations and DI)
	getTime     string  // get-by-id at each client count
	pgbenchSecs int     // pgbench -T of the first repetition
	pgbenchGoal float64 // seconds of the later ones (pgbench -t from the rate)
	scale       int     // pgbench -i -s
	clients     []int
	psqlCopies  int    // psql \copy runs per repetition (their median counts)
	copyIters   string // BulkCreate iterations per repetition
	startIters  string // start-up iterations per repetition

	pgbenchPipeSecs int    // pgbench -T of each GetBook run
	pointRound      string // how long each point-read contender runs per round
	pointRounds     string // point-read rounds per repetition (-test.benchtime)
	httpRound       string // how long the load generator runs per server and round
	httpRounds      string // HTTP rounds per repetition (-test.benchtime)
}

func newPlan(quick bool) plan {
	if quick {
		return plan{microTime: "30ms", dbTime: "50ms", getTime: "150ms", pgbenchSecs: 1, pgbenchGoal: 0.4,
			scale: 1, clients: []int{1, 2, 4, 8, 16}, psqlCopies: 1, copyIters: "3x", startIters: "3x",
			pgbenchPipeSecs: 1, pointRound: "100ms", pointRounds: "1x", httpRound: "500ms", httpRounds: "1x"}
	}
	return plan{microTime: "500ms", dbTime: "1s", getTime: "2s", pgbenchSecs: 3, pgbenchGoal: 3,
		scale: 10, clients: []int{1, 2, 4, 8, 16}, psqlCopies: 5, copyIters: "20x", startIters: "20x",
		pgbenchPipeSecs: 2, pointRound: "300ms", pointRounds: "2x", httpRound: "1s", httpRounds: "2x"}
}

// Databases the report creates on the server.
const (
	pgbenchDB = "aquila_bench_pgbench"
	copyDB    = "aquila_bench_copy"
	peersDB   = "aquila_bench_peers"
	seedDB    = "aquila_bench_seed"
)

// run is the state of one report run.
type run struct {
	opts    options
	plan    plan
	root    string
	tmp     string
	r       *runner
	srv     *server
	res     *results
	raw     map[string]*strings.Builder // phase → raw output
	testEnv []string
	// rootInjector: the root package has BenchmarkRequestInjector (found
	// by build; the seed phase runs it every repetition).
	rootInjector bool
	httpProf     map[string]string // pprof top of each aquila server under the HTTP load
	started      time.Time
	phases       map[string]time.Duration // wall time per phase, all repetitions
}

func runReport(ctx context.Context, o options) error {
	root, err := findRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "aquila-report-*")
	if err != nil {
		return err
	}
	if !o.keepDir {
		defer os.RemoveAll(tmp)
	} else {
		fmt.Fprintln(os.Stderr, "report: keeping", tmp)
	}
	x := &run{opts: o, plan: newPlan(o.quick), root: root, tmp: tmp, r: newRunner(root, os.Stderr),
		res: newResults(), raw: map[string]*strings.Builder{}, started: time.Now(), phases: map[string]time.Duration{}}
	mach := readMachine(ctx)
	loadBefore := loadAverage()
	cpuBefore := sampleCPU()
	commit, dirty := gitDescribe(ctx)

	logf("starting the database")
	srv, err := startServer(ctx, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	x.srv = srv
	if srv.embedded {
		mach.fsyncMedian, mach.fsyncWorst, mach.fsyncErr = fsyncLatency(srv.dir, 50)
	}
	defer func() {
		if err := srv.stop(); err != nil {
			fmt.Fprintln(os.Stderr, "report: stop server:", err)
		}
	}()
	info, err := srv.info(ctx)
	if err != nil {
		return err
	}
	t0 := time.Now()
	if err := x.build(ctx); err != nil {
		return err
	}
	x.phases["build test binaries"] = time.Since(t0)
	t0 = time.Now()
	if err := x.setupAnchors(ctx); err != nil {
		return err
	}
	x.phases["pgbench -i, COPY table"] = time.Since(t0)
	t0 = time.Now()
	if err := x.setupPipeline(ctx); err != nil {
		return err
	}
	x.phases["point-read and HTTP databases, HTTP programs"] = time.Since(t0)
	defer func() {
		if !srv.embedded {
			for _, db := range []string{pgbenchDB, copyDB, peersDB, seedDB, pointDB, httpDB} {
				srv.dropDB(context.Background(), db)
			}
		}
	}()
	x.testEnv = []string{
		"DATABASE_URL=" + srv.admin.String(),
		"AQUILA_BENCH_PGBENCH_DSN=" + srv.dsn(pgbenchDB),
		"AQUILA_BENCH_COPY_DSN=" + srv.dsn(copyDB),
		"AQUILA_BENCH_PEERS_DSN=" + srv.dsn(peersDB),
		"AQUILA_BENCH_SEED_DSN=" + srv.dsn(seedDB),
	}

	for rep := range o.reps {
		logf("repetition %d of %d", rep+1, o.reps)
		for _, phase := range []struct {
			name string
			run  func(context.Context, int) error
		}{
			{"seed", x.seed}, {"peers", x.peers}, {"get-by-id", x.getByID},
			{"COPY", x.copyAnchor}, {"start-up", x.startup}, {"pipeline", x.pipelinePhase}, {"http", x.httpPhase},
		} {
			t0 := time.Now()
			if err := phase.run(ctx, rep); err != nil {
				return err
			}
			x.phases[phase.name] += time.Since(t0)
		}
	}
	t0 = time.Now()
	profile := x.profileIfMissed(ctx)
	if profile != "" {
		x.phases["CPU profile"] = time.Since(t0)
	}
	t0 = time.Now()
	x.httpProf = x.httpProfiles(ctx)
	x.phases["HTTP CPU profiles"] = time.Since(t0)

	rep := report{
		run: x, machine: mach, server: info, commit: commit, dirty: dirty,
		loadBefore: loadBefore, loadAfter: loadAverage(), profile: profile,
		share:   shareBetween(cpuBefore, sampleCPU(), time.Since(x.started)),
		elapsed: time.Since(x.started),
	}
	return rep.write()
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "report: "+format+"\n", args...)
}

// findRoot returns the repository root: the working directory, which must
// hold aquila's go.mod.
func findRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(filepath.Join(wd, "go.mod"))
	if err != nil || !strings.Contains(string(b), "module github.com/aquila-go/aquila\n") {
		return "", errors.New("run from the repository root (go run ./bench/report)")
	}
	return wd, nil
}

func (x *run) bin(name string) string { return filepath.Join(x.tmp, name) }

// build compiles the test binaries once.
func (x *run) build(ctx context.Context) error {
	logf("building test binaries")
	if _, err := x.r.run(ctx, 10*time.Minute, x.root, nil, "go", "test", "-c", "-o", x.bin("bench.test"), "./bench"); err != nil {
		return err
	}
	peers := filepath.Join(x.root, "bench", "peers")
	if _, err := x.r.run(ctx, 10*time.Minute, peers, nil, "go", "test", "-c", "-o", x.bin("peers.test"), "."); err != nil {
		return err
	}
	x.rootInjector = hasRootInjectorBench(x.root)
	if x.rootInjector {
		if _, err := x.r.run(ctx, 10*time.Minute, x.root, nil, "go", "test", "-c", "-o", x.bin("root.test"), "."); err != nil {
			return err
		}
	}
	return nil
}

// hasRootInjectorBench reports whether the root package has
// BenchmarkRequestInjector, a benchmark of the unexported newRequest.
func hasRootInjectorBench(root string) bool {
	files, _ := filepath.Glob(filepath.Join(root, "*_test.go"))
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil && strings.Contains(string(b), "func BenchmarkRequestInjector(") {
			return true
		}
	}
	return false
}

// goBench runs a test binary's benchmarks and records them as repetition
// rep of phase.
func (x *run) goBench(ctx context.Context, rep int, phase, bin, dir string, env []string, args ...string) (string, error) {
	args = append([]string{"-test.run", "^$", "-test.benchmem"}, args...)
	out, err := x.r.run(ctx, 15*time.Minute, dir, append(x.testEnv, env...), bin, args...)
	if err != nil {
		return out, err
	}
	x.record(rep, phase, out)
	return out, nil
}

// record parses out into the results and appends it to the raw output of
// phase.
func (x *run) record(rep int, phase, out string) {
	x.res.add(rep, parseBench(out))
	b := x.raw[phase]
	if b == nil {
		b = &strings.Builder{}
		x.raw[phase] = b
	}
	fmt.Fprintf(b, "# repetition %d\n%s", rep+1, out)
}

func (x *run) seed(ctx context.Context, rep int) error {
	_, err := x.goBench(ctx, rep, "seed", x.bin("bench.test"), filepath.Join(x.root, "bench"), nil,
		"-test.bench", "^Benchmark(Seed|CreateTableSQL$)", "-test.benchtime", x.plan.microTime)
	if err != nil {
		return err
	}
	if x.rootInjector {
		_, err = x.goBench(ctx, rep, "seed", x.bin("root.test"), x.root, nil,
			"-test.bench", "^BenchmarkRequestInjector$", "-test.benchtime", x.plan.microTime)
	}
	return err
}

func (x *run) peers(ctx context.Context, rep int) error {
	_, err := x.goBench(ctx, rep, "peers", x.bin("peers.test"), filepath.Join(x.root, "bench", "peers"),
		[]string{"AQUILA_BENCH_ROTATE=" + strconv.Itoa(rep)},
		"-test.bench", ".", "-test.benchtime", x.plan.dbTime)
	return err
}

func (x *run) startup(ctx context.Context, rep int) error {
	_, err := x.goBench(ctx, rep, "anchors", x.bin("bench.test"), filepath.Join(x.root, "bench"), nil,
		"-test.bench", "^BenchmarkStartup$", "-test.benchtime", x.plan.startIters)
	return err
}
