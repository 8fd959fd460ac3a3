package cli_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aquila-go/aquila/cli"
)

// serving is serve running in-process on a port of its choosing.
type serving struct {
	base string
	stop func() (int, string) // cancels serve and returns its exit code and logs
}

// startServe runs serve on 127.0.0.1:0 and takes the address from its
// "listening" log line.
func startServe(t *testing.T, svc cli.Service, args ...string) serving {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := cli.Run(ctx, svc, append([]string{"serve", "-addr", "127.0.0.1:0", "-min-idle-conns", "1", "-max-conns", "2"}, args...), io.Discard, pw)
		pw.Close()
		done <- code
	}()
	addr := make(chan string, 1)
	logs := make(chan string, 1)
	go func() {
		var all strings.Builder
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			all.WriteString(sc.Text() + "\n")
			if _, a, ok := strings.Cut(sc.Text(), "msg=listening addr="); ok {
				addr <- a
			}
		}
		logs <- all.String()
	}()
	var once sync.Once
	var code int
	var out string
	stop := func() (int, string) {
		once.Do(func() { cancel(); code = <-done; out = <-logs })
		return code, out
	}
	t.Cleanup(func() { stop() })
	select {
	case a := <-addr:
		return serving{base: "http://" + a, stop: stop}
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("serve did not log its address within 30s")
		return serving{}
	}
}

// TestServeLifecycle runs serve with a handler that waits until released:
// /healthz answers at once, /readyz and the API 503 until the handler is
// built; the handler gets the config, a router on the migrated database and
// the registry /metrics serves; on cancel its cleanup runs while the pool
// is still open, and serve exits 0.
func TestServeLifecycle(t *testing.T) {
	svc := fixture(t)
	dsn := pg.URL(t, nil)
	release := make(chan struct{})
	var (
		mu     sync.Mutex
		events []string
	)
	event := func(s string) { mu.Lock(); events = append(events, s); mu.Unlock() }
	svc.Handler = func(ctx context.Context, d *cli.Deps) (http.Handler, func(), error) {
		<-release
		if d.Config.DatabaseURL != dsn || d.Router == nil || d.Metrics == nil || d.Registry != svc.Registry || d.Logger == nil {
			return nil, nil, errors.New("incomplete Deps")
		}
		hits := prometheus.NewCounter(prometheus.CounterOpts{Name: "shop_hits_total", Help: "Hits."})
		if err := d.Metrics.Register(hits); err != nil {
			return nil, nil, err
		}
		mux := http.NewServeMux()
		mux.HandleFunc("GET /customers/count", func(w http.ResponseWriter, r *http.Request) {
			hits.Inc()
			var n int
			if err := d.Router.Primary().QueryRow(r.Context(), "SELECT count(*) FROM customers").Scan(&n); err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			fmt.Fprintf(w, "customers: %d", n)
		})
		return mux, func() {
			var one int
			err := d.Router.Primary().QueryRow(context.Background(), "SELECT 1").Scan(&one)
			event("handler cleanup, pool open: " + map[bool]string{true: "yes", false: "no"}[err == nil])
		}, nil
	}
	s := startServe(t, svc, "-database-url", dsn, "-pprof")
	waitStatus(t, s.base+"/healthz", 200, 30*time.Second)
	if st, _ := get(s.base + "/readyz"); st != 503 {
		t.Errorf("/readyz while starting: %d, want 503", st)
	}
	if st, _ := get(s.base + "/customers/count"); st != 503 {
		t.Errorf("API while starting: %d, want 503", st)
	}
	close(release)
	waitStatus(t, s.base+"/readyz", 200, 30*time.Second)
	if st, body := get(s.base + "/customers/count"); st != 200 || body != "customers: 0" {
		t.Errorf("GET /customers/count: %d %q (the migrations must have run)", st, body)
	}
	st, metrics := get(s.base + "/metrics")
	for _, m := range []string{"shop_hits_total 1", "aquila_db_pool_total_conns", `aquila_db_query_duration_seconds_count{statement="other"}`, "go_goroutines"} {
		if st != 200 || !strings.Contains(metrics, m) {
			t.Errorf("/metrics (%d) has no %s", st, m)
		}
	}
	if st, _ := get(s.base + "/debug/pprof/cmdline"); st != 200 {
		t.Errorf("-pprof: /debug/pprof/cmdline %d", st)
	}
	code, logs := s.stop()
	if code != 0 {
		t.Fatalf("serve exited %d\n%s", code, logs)
	}
	if len(events) != 1 || events[0] != "handler cleanup, pool open: yes" {
		t.Errorf("cleanup events %q, want the handler's cleanup once, before the pool closed", events)
	}
	if !strings.Contains(logs, "database pools closed") {
		t.Errorf("no pool close in the logs:\n%s", logs)
	}
}

func TestServeHandlerErrorFails(t *testing.T) {
	svc := fixture(t)
	svc.Handler = func(context.Context, *cli.Deps) (http.Handler, func(), error) {
		return nil, nil, errors.New("no cursor key")
	}
	code, _, errb := run(svc, "serve", "-addr", "127.0.0.1:0", "-database-url", pg.URL(t, nil), "-min-idle-conns", "1")
	if code != 1 || !strings.Contains(errb, "shop: start: handler: no cursor key") || !strings.Contains(errb, "database pools closed") {
		t.Fatalf("exit %d, want 1 naming the handler's error after closing the pool\n%s", code, errb)
	}
}

func TestServeWithoutHandler(t *testing.T) {
	svc := fixture(t)
	s := startServe(t, svc, "-database-url", pg.URL(t, nil))
	waitStatus(t, s.base+"/readyz", 200, 30*time.Second)
	if st, _ := get(s.base + "/anything"); st != 404 {
		t.Errorf("GET /anything: %d, want 404", st)
	}
	if st, _ := get(s.base + "/debug/pprof/cmdline"); st != 404 {
		t.Errorf("pprof without -pprof: %d, want 404", st)
	}
	if code, logs := s.stop(); code != 0 {
		t.Fatalf("serve exited %d\n%s", code, logs)
	}
}
