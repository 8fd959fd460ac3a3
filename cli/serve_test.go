package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/aquila-go/aquila/cli"
	"github.com/aquila-go/aquila/cli/clitest"
)

// proxy forwards TCP connections from a fixed loopback address to a
// PostgreSQL server's Unix socket; stopping it closes every connection,
// which is what the service sees when the database goes away.
type proxy struct {
	t      *testing.T
	addr   string
	target string // the server's socket path
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
	wg     sync.WaitGroup
}

// newProxy reserves an address for the server of dsn, without listening
// yet; clientDSN is dsn through it.
func newProxy(t *testing.T, dsn string) (p *proxy, clientDSN string) {
	t.Helper()
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	p = &proxy{t: t, addr: clitest.Addr(t), target: fmt.Sprintf("%s/.s.PGSQL.%d", cfg.Host, cfg.Port)}
	u := url.URL{Scheme: "postgres", User: url.UserPassword(cfg.User, cfg.Password), Host: p.addr, Path: "/" + cfg.Database, RawQuery: "sslmode=disable"}
	t.Cleanup(p.stop)
	return p, u.String()
}

func (p *proxy) start() {
	p.t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("unix", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			p.wg.Add(2)
			go func() { defer p.wg.Done(); io.Copy(s, c); s.Close() }()
			go func() { defer p.wg.Done(); io.Copy(c, s); c.Close() }()
		}
	}()
}

// stop closes the listener and every forwarded connection.
func (p *proxy) stop() {
	p.mu.Lock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
	p.mu.Unlock()
	p.wg.Wait()
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// served is a serve command running in-process.
type served struct {
	base   string
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan int
}

// serveFixture runs serve for the fixture service, with a handler that
// answers GET /ping from the database and GET /slow after 600ms.
func serveFixture(t *testing.T, dsn string, flags ...string) *served {
	t.Helper()
	svc := fixture(t)
	svc.Statements = []string{"SELECT 1"} // /ping's, pipelined unless -pipeline=false
	svc.Handler = func(ctx context.Context, d *cli.Deps) (http.Handler, func(), error) {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /ping", func(w http.ResponseWriter, r *http.Request) {
			var n int
			if err := d.Router.Session().Reader().QueryRow(r.Context(), "SELECT 1").Scan(&n); err != nil {
				http.Error(w, err.Error(), http.StatusServiceUnavailable)
				return
			}
			fmt.Fprintln(w, "pong")
		})
		mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(600 * time.Millisecond)
			fmt.Fprintln(w, "done")
		})
		return mux, nil, nil
	}
	addr := clitest.Addr(t)
	ctx, cancel := context.WithCancel(context.Background())
	s := &served{base: "http://" + addr, logs: &syncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	args := append([]string{"serve", "-addr", addr, "-database-url", dsn, "-min-idle-conns", "1", "-max-conns", "4"}, flags...)
	go func() { s.done <- cli.Run(ctx, svc, args, io.Discard, s.logs) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(30 * time.Second):
			t.Error("serve did not return")
		}
	})
	return s
}

// get returns the status and body of GET url ("" and -1 when it failed).
func get(url string) (int, string) {
	resp, err := http.Get(url)
	if err != nil {
		return -1, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// waitStatus polls url until it answers status or timeout passes.
func waitStatus(t *testing.T, url string, status int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		st, body := get(url)
		if st == status {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d %s, want %d within %s", url, st, body, status, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServeWaitsForDatabase starts serve while its database is unreachable:
// it stays live (/healthz 200) and not ready (/readyz 503), logs each
// attempt, and once the database is there migrates and becomes ready.
func TestServeWaitsForDatabase(t *testing.T) {
	direct := pg.URL(t, nil)
	p, dsn := newProxy(t, direct)
	s := serveFixture(t, dsn, "-db-wait", "30s", "-shutdown-delay", "0")
	waitStatus(t, s.base+"/healthz", 200, 10*time.Second)
	time.Sleep(time.Second)
	if st, body := get(s.base + "/readyz"); st != 503 || !strings.Contains(body, "starting") {
		t.Fatalf("/readyz while the database is away: %d %s", st, body)
	}
	if n := strings.Count(s.logs.String(), "database unreachable, waiting"); n < 2 {
		t.Fatalf("%d waiting attempts logged, want several:\n%s", n, s.logs.String())
	}
	p.start()
	waitStatus(t, s.base+"/readyz", 200, 10*time.Second)
	if st, body := get(s.base + "/ping"); st != 200 {
		t.Fatalf("/ping: %d %s", st, body)
	}
	var n int
	query1(t, direct, `SELECT count(*) FROM goose_db_version WHERE version_id = 1`, &n)
	if n != 1 {
		t.Fatal("migrations did not run once the database was there")
	}
	if !strings.Contains(s.logs.String(), "database reachable") {
		t.Errorf("no log line when the database came:\n%s", s.logs.String())
	}
}

// TestServeGivesUpOnDatabase: after -db-wait serve exits 1 naming the
// reason; -db-wait 0 fails at the first attempt.
func TestServeGivesUpOnDatabase(t *testing.T) {
	_, dsn := newProxy(t, pg.URL(t, nil)) // never started
	for _, tc := range []struct{ wait, want string }{
		{"700ms", "database unreachable after waiting 700ms"},
		{"0", "not waiting"},
	} {
		start := time.Now()
		s := serveFixture(t, dsn, "-db-wait", tc.wait)
		select {
		case code := <-s.done:
			s.done <- code // for the cleanup
			if code != 1 || !strings.Contains(s.logs.String(), tc.want) || !strings.Contains(s.logs.String(), "connect") {
				t.Errorf("-db-wait %s: exit %d, log:\n%s", tc.wait, code, s.logs.String())
			}
			if tc.wait == "0" && strings.Contains(s.logs.String(), "waiting\"") {
				t.Errorf("-db-wait 0 waited:\n%s", s.logs.String())
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("-db-wait %s: serve still running after %s", tc.wait, time.Since(start))
		}
	}
}

// TestReadyzFollowsDatabase: /readyz answers 503 once the database is
// unreachable, and 200 again when it is back, probing at most once a
// second.
func TestReadyzFollowsDatabase(t *testing.T) {
	p, dsn := newProxy(t, pg.URL(t, nil))
	p.start()
	s := serveFixture(t, dsn, "-shutdown-delay", "0")
	waitStatus(t, s.base+"/readyz", 200, 20*time.Second)
	p.stop()
	waitStatus(t, s.base+"/readyz", 503, 3*time.Second)
	if _, body := get(s.base + "/readyz"); !strings.Contains(body, "database unreachable") {
		t.Errorf("/readyz reason: %s", body)
	}
	if st, _ := get(s.base + "/healthz"); st != 200 {
		t.Errorf("/healthz %d while the database is away", st)
	}
	p.start()
	waitStatus(t, s.base+"/readyz", 200, 3*time.Second)
}

// TestServeShutdownDelay: after the signal /readyz answers 503 at once
// while the listener stays open and new and in-flight requests are
// served; then serve drains and exits 0.
func TestServeShutdownDelay(t *testing.T) {
	s := serveFixture(t, pg.URL(t, nil), "-shutdown-delay", "1500ms")
	waitStatus(t, s.base+"/readyz", 200, 20*time.Second)
	slow := make(chan int, 1)
	go func() { st, _ := get(s.base + "/slow"); slow <- st }()
	time.Sleep(100 * time.Millisecond)
	stopped := time.Now()
	s.cancel()
	time.Sleep(100 * time.Millisecond)
	st, body := get(s.base + "/readyz")
	if st != 503 || !strings.Contains(body, "stopping") {
		t.Errorf("/readyz after the signal: %d %s, want 503 stopping", st, body)
	}
	for i := 0; time.Since(stopped) < time.Second; i++ {
		if st, body := get(s.base + "/ping"); st != 200 {
			t.Fatalf("request %d, %s after the signal: %d %s; want it served during the delay", i, time.Since(stopped).Round(time.Millisecond), st, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if st := <-slow; st != 200 {
		t.Errorf("in-flight request: %d", st)
	}
	select {
	case code := <-s.done:
		s.done <- code
		if code != 0 {
			t.Fatalf("serve exited %d:\n%s", code, s.logs.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	if st, _ := get(s.base + "/healthz"); st != -1 {
		t.Errorf("listener still open after shutdown: %d", st)
	}
	if elapsed := time.Since(stopped); elapsed < 1500*time.Millisecond {
		t.Errorf("serve stopped %s after the signal, before the delay", elapsed)
	}
}
