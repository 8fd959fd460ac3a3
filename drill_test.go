package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aquila-go/aquila/cli/clitest"
	"github.com/aquila-go/aquila/postgres/pglocal"
)

// A fault drill runs the reference service on a PostgreSQL server of its
// own under a mixed load (reads by id, list pages, creates) from 8 clients
// over real HTTP, and fails the server three ways: (a) every backend
// terminated, (b) an immediate (crash) restart, (c) a 3 s stop. It checks
// what an on-call engineer relies on: while the database is away the
// service answers 503 and nothing else; no read fails when only the
// backends die; the service recovers within 2 s of the server accepting
// connections again; every create that was acknowledged is there; the pool
// goes back to idle; serve stops without leaving goroutines behind.

// drillResult is one request of the load.
type drillResult struct {
	op         string // "get", "list", "tags" or "create"
	start, end time.Time
	status     int // -1: no HTTP answer
}

// drillLoad is the load of a drill.
type drillLoad struct {
	base   string
	client *http.Client
	author int64
	isbn   atomic.Int64

	mu      sync.Mutex
	results []drillResult
	acked   []int64 // ids of books whose create answered 201
}

func (l *drillLoad) do(op, method, path, body string) (int, map[string]any) {
	req, _ := http.NewRequest(method, l.base+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	status := -1
	var m map[string]any
	resp, err := l.client.Do(req)
	if err == nil {
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		status = resp.StatusCode
		json.Unmarshal(raw, &m)
	}
	l.mu.Lock()
	l.results = append(l.results, drillResult{op: op, start: start, end: time.Now(), status: status})
	l.mu.Unlock()
	return status, m
}

// run sends requests until stop is closed: of every five, two reads by id,
// a list page, a book's tags (a batch of two reads) and a create.
func (l *drillLoad) run(stop <-chan struct{}, ids []int64) {
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		switch i % 5 {
		case 0, 1:
			l.do("get", "GET", fmt.Sprintf("/books/%d", ids[rand.IntN(len(ids))]), "")
		case 2:
			l.do("list", "GET", fmt.Sprintf("/books?author_id=%d&limit=10", l.author), "")
		case 3: // a batch of two reads: the book and its tags
			l.do("tags", "GET", fmt.Sprintf("/books/%d/tags", ids[rand.IntN(len(ids))]), "")
		case 4:
			isbn := fmt.Sprintf("979%010d", l.isbn.Add(1))
			if st, m := l.do("create", "POST", "/books", bookBody(l.author, isbn, "Drill "+isbn)); st == http.StatusCreated {
				l.mu.Lock()
				l.acked = append(l.acked, int64(m["id"].(float64)))
				l.mu.Unlock()
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// newDrillLoad creates an author and books seed books through the API at
// base and returns the load (its results empty, the seed books
// acknowledged) and the seed books' ids.
func newDrillLoad(t *testing.T, base string, books int) (*drillLoad, []int64) {
	t.Helper()
	l := &drillLoad{base: base, client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}, Timeout: 10 * time.Second}}
	t.Cleanup(l.client.CloseIdleConnections)
	st, author := l.do("create", "POST", "/authors", `{"name":"Drill"}`)
	if st != http.StatusCreated {
		t.Fatalf("POST /authors: %d %v", st, author)
	}
	l.author = int64(author["id"].(float64))
	var ids []int64
	for i := range books {
		st, b := l.do("create", "POST", "/books", bookBody(l.author, fmt.Sprintf("978%010d", i), fmt.Sprintf("Seed %d", i)))
		if st != http.StatusCreated {
			t.Fatalf("seed book: %d %v", st, b)
		}
		ids = append(ids, int64(b["id"].(float64)))
	}
	l.mu.Lock()
	l.results, l.acked = nil, append(l.acked, ids...)
	l.mu.Unlock()
	return l, ids
}

// start runs the load from 8 clients until the returned stop is called
// (at the latest when the test ends).
func (l *drillLoad) start(t *testing.T, ids []int64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() { defer wg.Done(); l.run(done, ids) }()
	}
	var once sync.Once
	stop = func() { once.Do(func() { close(done); wg.Wait() }) }
	t.Cleanup(stop)
	return stop
}

// phaseStats summarises the requests that started in [from, to).
type phaseStats struct {
	requests, ok, unavailable, internal, other, noAnswer, failedReads int
	failedBatches                                                     int // failed GET /books/{id}/tags
	recovery                                                          time.Duration
}

func (l *drillLoad) stats(from, to, back time.Time) phaseStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	var s phaseStats
	for _, r := range l.results {
		if r.start.Before(from) || !r.start.Before(to) {
			continue
		}
		s.requests++
		switch {
		case r.status >= 200 && r.status < 300:
			s.ok++
			continue
		case r.status == 503:
			s.unavailable++
		case r.status == 500:
			s.internal++
		case r.status == -1:
			s.noAnswer++
		default:
			s.other++
		}
		switch r.op {
		case "get", "list":
			s.failedReads++
		case "tags":
			s.failedBatches++
		}
		if !r.start.Before(back) && r.end.Sub(back) > s.recovery {
			s.recovery = r.end.Sub(back)
		}
	}
	return s
}

func (s phaseStats) String() string {
	return fmt.Sprintf("%d requests: %d ok, %d × 503, %d × 500, %d other, %d unanswered, %d failed reads (+%d failed batch reads); recovered %s after the server accepted connections",
		s.requests, s.ok, s.unavailable, s.internal, s.other, s.noAnswer, s.failedReads, s.failedBatches, s.recovery.Round(time.Millisecond))
}

func TestFaultDrills(t *testing.T) {
	if testing.Short() {
		t.Skip("fault drills restart a PostgreSQL server")
	}
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "aquila-drill-*")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	cfg := pglocal.Config{Dir: dir, Settings: map[string]string{"fsync": "off", "full_page_writes": "off"}}
	srv, err := pglocal.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Port = srv.Port() // restarts keep the address
	current := srv
	t.Cleanup(func() { current.Stop(context.Background()) })
	exec1(t, srv.DSN("postgres"), `CREATE DATABASE drill`)
	dsn := srv.DSN("drill")

	goroutines := runtime.NumGoroutine()
	served := clitest.Serve(t, service(testRegistry(t)), "-database-url", dsn,
		"-min-idle-conns", "4", "-max-conns", "8", "-request-timeout", "5s", "-shutdown-delay", "0", "-log-level", "warn")
	base := served.URL
	served.WaitReady(t, 30*time.Second)

	l, ids := newDrillLoad(t, base, 20)
	stopLoad := l.start(t, ids)

	restart := func() time.Time {
		s, err := pglocal.Start(ctx, cfg)
		if err != nil {
			t.Fatalf("restart: %v", err)
		}
		current = s
		return time.Now()
	}
	type phase struct {
		name  string
		fault func() time.Time // returns when the server accepts connections again
	}
	phases := []phase{
		{"(a) every backend terminated", func() time.Time {
			conn, err := pgx.Connect(ctx, current.DSN("postgres"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			var n int
			if err := conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = 'drill'`).Scan(&n); err != nil || n == 0 {
				t.Fatalf("terminated %d backends: %v", n, err)
			}
			return time.Now()
		}},
		{"(b) crash restart", func() time.Time {
			if err := current.Crash(ctx, syscall.SIGQUIT); err != nil {
				t.Fatal(err)
			}
			return restart()
		}},
		{"(c) stopped for 3 s", func() time.Time {
			if err := current.Stop(ctx); err != nil {
				t.Fatal(err)
			}
			time.Sleep(1500 * time.Millisecond)
			if resp, err := l.client.Get(base + "/readyz"); err != nil || resp.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("/readyz while the server was stopped: %v %v, want 503", resp, err)
			} else {
				resp.Body.Close()
			}
			time.Sleep(1500 * time.Millisecond)
			return restart()
		}},
	}
	time.Sleep(time.Second)
	var all []phaseStats
	for _, p := range phases {
		from := time.Now()
		back := p.fault()
		time.Sleep(2500 * time.Millisecond)
		s := l.stats(from, time.Now(), back)
		all = append(all, s)
		t.Logf("%s: %s", p.name, s)
		if s.internal != 0 || s.other != 0 || s.noAnswer != 0 {
			t.Errorf("%s: answers other than 2xx and 503", p.name)
		}
		if s.recovery > 2*time.Second {
			t.Errorf("%s: recovered only %s after the server accepted connections", p.name, s.recovery)
		}
	}
	// A batch whose connection broke after its first result reached a
	// callback is not retried (its callbacks cannot safely run twice), so
	// GET /books/{id}/tags may rarely fail in (a): counted, not asserted.
	if all[0].failedReads != 0 {
		t.Errorf("(a): %d reads failed while only the backends were terminated", all[0].failedReads)
	}
	if all[2].unavailable == 0 {
		t.Errorf("(c): no 503 while the server was stopped for 3 s: the drill did not reach the service")
	}
	stopLoad()

	// Every acknowledged create is there.
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	var present int
	err = conn.QueryRow(ctx, `SELECT count(*) FROM books WHERE id = ANY($1)`, l.acked).Scan(&present)
	conn.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("creates: %d acknowledged, %d present", len(l.acked), present)
	if present != len(l.acked) {
		t.Errorf("%d acknowledged creates, %d present", len(l.acked), present)
	}

	// The pool goes back to idle.
	deadline := time.Now().Add(3 * time.Second)
	for {
		resp, err := l.client.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(raw), "\naquila_db_pool_acquired_conns 0\n") {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("pool not idle after the load stopped")
			break
		}
		time.Sleep(50 * time.Millisecond)
	}

	// serve stops cleanly and leaves no goroutine behind.
	if code := served.Stop(); code != 0 {
		t.Errorf("serve exited %d:\n%s", code, served.Logs())
	}
	l.client.CloseIdleConnections()
	deadline = time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > goroutines {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Errorf("%d goroutines after serve stopped, %d before:\n%s", runtime.NumGoroutine(), goroutines, buf[:runtime.Stack(buf, true)])
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
}
