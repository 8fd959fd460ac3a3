package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aquila-go/aquila/bench/internal/books"
	"github.com/aquila-go/aquila/schema"
)

// Environment of BenchmarkHTTP.
const (
	// HTTPBinEnv names a directory holding the aquila, httpbare and
	// httpload binaries (bench/report builds them); without it the
	// benchmark builds them.
	HTTPBinEnv = "AQUILA_BENCH_HTTP_BIN"
	// HTTPDSNEnv names an empty database for aquila serve to migrate and
	// fill (bench/report creates it); without it a new test database is used.
	HTTPDSNEnv = "AQUILA_BENCH_HTTP_DSN"
	// HTTPRoundEnv is how long the load generator runs per server and
	// round (default 1s).
	HTTPRoundEnv = "AQUILA_BENCH_HTTP_ROUND"
	// HTTPProfileEnv, when set, is a file name prefix: after the rounds,
	// a 5 s CPU profile of each server under the same load is written to
	// PREFIX-aquila.prof, PREFIX-aquila-nopipe.prof and PREFIX-bare.prof.
	HTTPProfileEnv = "AQUILA_BENCH_HTTP_PROFILE"
)

// Sizes of the HTTP benchmark.
const (
	httpClients = 16 // keep-alive connections of the load generator
	httpConns   = 4  // pool size of every server
)

// httpServer is one server under test, a separate process.
type httpServer struct {
	name string
	cmd  *exec.Cmd
	base string // http://addr
}

// BenchmarkHTTP drives GET /books/{id} (random ids over 10 000 books) with
// 16 keep-alive clients from httpload, a separate process, against three
// servers, also separate processes on the same database over TCP:
//
//	aquila         aquila serve, default flags (pipelining on)
//	aquila-nopipe  aquila serve -pipeline=false
//	bare           httpbare: net/http + pgxpool + encoding/json
//
// Every server has a pool of 4 connections; aquila's pipeline keeps its
// own 4 (its default), on which this route's statements run while its
// pool stays idle. Each iteration is a round in which the load generator runs
// against every server for AQUILA_BENCH_HTTP_ROUND, in an order rotated
// per round. It reports each server's median requests/s, p50, p99 and CPU
// time per request (from /proc), and the median per-round ratios of
// aquila's requests/s to bare's; each round's figures are logged.
func BenchmarkHTTP(b *testing.B) {
	bin := httpBinaries(b)
	dsn := os.Getenv(HTTPDSNEnv)
	if dsn == "" {
		dsn = tcpDSN(b, pg.URL(b, schema.FS))
	}
	d := 1 * time.Second
	if s := os.Getenv(HTTPRoundEnv); s != "" {
		var err error
		if d, err = time.ParseDuration(s); err != nil || d <= 0 {
			b.Fatalf("%s: bad duration %q", HTTPRoundEnv, s)
		}
	}
	conns := strconv.Itoa(httpConns)
	aquilaArgs := []string{"serve", "-addr", "127.0.0.1:0", "-database-url", dsn, "-max-conns", conns,
		"-min-idle-conns", conns, "-shutdown-delay", "0", "-pprof"}
	servers := []*httpServer{
		startHTTPServer(b, "aquila", filepath.Join(bin, "aquila"), aquilaArgs...),
	}
	// aquila serve migrated the database: fill it before the others start.
	if err := books.Fill(context.Background(), dsn); err != nil {
		b.Fatal(err)
	}
	servers = append(servers,
		startHTTPServer(b, "aquila-nopipe", filepath.Join(bin, "aquila"), append(aquilaArgs, "-pipeline=false")...),
		startHTTPServer(b, "bare", filepath.Join(bin, "httpbare"), "-dsn", dsn, "-max-conns", conns, "-pprof"))
	load := func(s *httpServer, d time.Duration, seed int) httpResult {
		b.Helper()
		out, err := exec.Command(filepath.Join(bin, "httpload"), "-url", s.base+"/books/", "-ids", strconv.Itoa(pointBooks),
			"-clients", strconv.Itoa(httpClients), "-duration", d.String(), "-seed", strconv.Itoa(seed)).Output()
		if err != nil {
			b.Fatalf("httpload against %s: %v", s.name, err)
		}
		r, err := parseHTTPResult(string(out))
		if err != nil {
			b.Fatal(err)
		}
		if r.errors > 0 {
			b.Fatalf("%s answered %d of %d requests with a status other than 200", s.name, r.errors, r.requests)
		}
		return r
	}
	for _, s := range servers { // warm-up
		load(s, 200*time.Millisecond, 0)
	}
	rps := map[string][]float64{}
	p50 := map[string][]float64{}
	p99 := map[string][]float64{}
	ratios := map[string][]float64{}
	cpu := map[string][]float64{}
	round := 0
	for b.Loop() {
		res := map[string]httpResult{}
		for i := range servers {
			s := servers[(i+round)%len(servers)]
			before := processCPU(s.cmd.Process.Pid)
			r := load(s, d, round+1)
			if before >= 0 {
				if after := processCPU(s.cmd.Process.Pid); after >= 0 && r.requests > 0 {
					cpu[s.name] = append(cpu[s.name], float64((after-before).Microseconds())/float64(r.requests))
				}
			}
			res[s.name] = r
		}
		line := fmt.Sprintf("round %d:", round+1)
		for _, s := range servers {
			r := res[s.name]
			rps[s.name] = append(rps[s.name], r.rps())
			p50[s.name] = append(p50[s.name], r.p50)
			p99[s.name] = append(p99[s.name], r.p99)
			line += fmt.Sprintf(" %s %.0f req/s", s.name, r.rps())
			if s.name != "bare" {
				ratios[s.name] = append(ratios[s.name], r.rps()/res["bare"].rps())
				line += fmt.Sprintf(" (%.2fx)", r.rps()/res["bare"].rps())
			}
		}
		b.Log(line)
		round++
	}
	for _, s := range servers {
		b.ReportMetric(medianFloat(rps[s.name]), s.name+"-req/s")
		b.ReportMetric(medianFloat(p50[s.name]), s.name+"-p50-µs")
		b.ReportMetric(medianFloat(p99[s.name]), s.name+"-p99-µs")
		if len(cpu[s.name]) > 0 {
			b.ReportMetric(medianFloat(cpu[s.name]), s.name+"-cpu-µs/req")
		}
		if s.name != "bare" {
			b.ReportMetric(medianFloat(ratios[s.name]), s.name+"/bare")
		}
	}
	if prefix := os.Getenv(HTTPProfileEnv); prefix != "" {
		for _, s := range servers {
			profileHTTP(b, s, prefix+"-"+s.name+".prof", func() { load(s, 5*time.Second, 0) })
		}
	}
}

// processCPU returns the CPU time (user and system) the process pid has
// used so far, from /proc (Linux), or -1 where it cannot be read. Divided
// by the requests served, it is a server's cost per request, which the
// other load on a shared machine moves much less than its requests/s.
func processCPU(pid int) time.Duration {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -1
	}
	_, rest, ok := strings.Cut(string(stat), ") ")
	f := strings.Fields(rest)
	if !ok || len(f) < 13 {
		return -1
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	const ticks = 100 // USER_HZ: clock ticks per second of /proc's times
	return time.Duration(utime+stime) * time.Second / ticks
}

// profileHTTP writes a CPU profile of s taken while run loads it.
func profileHTTP(b *testing.B, s *httpServer, file string, run func()) {
	b.Helper()
	done := make(chan error, 1)
	go func() {
		resp, err := http.Get(s.base + "/debug/pprof/profile?seconds=5")
		if err != nil {
			done <- err
			return
		}
		defer resp.Body.Close()
		f, err := os.Create(file)
		if err != nil {
			done <- err
			return
		}
		_, err = io.Copy(f, resp.Body)
		done <- errors.Join(err, f.Close())
	}()
	run()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}

// httpResult is one httpload run.
type httpResult struct {
	requests, errors int
	seconds          float64
	p50, p99         float64 // µs
}

func (r httpResult) rps() float64 { return float64(r.requests) / r.seconds }

// parseHTTPResult reads httpload's line.
func parseHTTPResult(out string) (httpResult, error) {
	var r httpResult
	_, err := fmt.Sscanf(strings.TrimSpace(out), "requests=%d seconds=%g errors=%d p50_us=%g p99_us=%g",
		&r.requests, &r.seconds, &r.errors, &r.p50, &r.p99)
	if err != nil || r.seconds <= 0 {
		return r, fmt.Errorf("httpload printed %q", out)
	}
	return r, nil
}

// httpBinaries returns the directory of the aquila, httpbare and httpload
// binaries, building them when HTTPBinEnv is unset.
func httpBinaries(b *testing.B) string {
	b.Helper()
	if dir := os.Getenv(HTTPBinEnv); dir != "" {
		return dir
	}
	dir := b.TempDir()
	for name, pkg := range map[string]string{
		"aquila": "github.com/aquila-go/aquila", "httpbare": "./internal/httpbare", "httpload": "./internal/httpload",
	} {
		out, err := exec.Command("go", "build", "-o", filepath.Join(dir, name), pkg).CombinedOutput()
		if err != nil {
			b.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	return dir
}

// startHTTPServer starts a server process that logs "listening
// addr=HOST:PORT", waits until GET /books/1 answers and stops it (SIGTERM)
// when the benchmark ends.
func startHTTPServer(b *testing.B, name, bin string, args ...string) *httpServer {
	b.Helper()
	cmd := exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	s := &httpServer{name: name, cmd: cmd}
	b.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			if _, rest, ok := strings.Cut(line, "listening"); ok {
				if _, a, ok := strings.Cut(rest, "addr="); ok {
					select {
					case addr <- strings.Fields(a)[0]:
					default:
					}
				}
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	select {
	case a := <-addr:
		s.base = "http://" + a
	case <-time.After(60 * time.Second):
		b.Fatalf("%s did not report its address", name)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(s.base + "/books/1")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusNotFound {
				return s
			}
		}
		if time.Now().After(deadline) {
			b.Fatalf("%s is not answering GET /books/1", name)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
