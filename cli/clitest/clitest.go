// Package clitest runs a service's serve command inside a test, as
// net/http/httptest runs a handler: on a loopback port, with its logs kept
// for the failure message, and stopped — drained, cleaned up — when the
// test ends.
//
//	func TestOrders(t *testing.T) {
//		srv := clitest.Serve(t, service(), "-database-url", pg.URL(t, nil))
//		srv.WaitReady(t, 30*time.Second)
//		resp, err := http.Get(srv.URL + "/orders")
//		...
//	}
package clitest

import (
	"context"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aquila-go/aquila/cli"
)

// Addr returns a loopback address that nothing listens on at the moment of
// the call, for a server the test starts itself (a process, a proxy).
func Addr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// Server is a serve command running in the test's process.
type Server struct {
	// URL is the server's base URL, http://127.0.0.1:port.
	URL string

	t      testing.TB
	cancel context.CancelFunc
	done   chan int
	logs   logBuffer
	once   sync.Once
	code   int
}

// Serve runs the serve command of svc with args in the test's process, on
// Addr unless args give -addr, and returns at once: the server may still
// be starting (WaitReady waits for it). At the end of the test the
// command's context is cancelled, as SIGTERM would, and the test fails if
// it does not exit 0.
func Serve(t testing.TB, svc cli.Service, args ...string) *Server {
	t.Helper()
	addr := ""
	for i, a := range args {
		if !strings.HasPrefix(a, "-") {
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case name != "addr":
		case hasValue:
			addr = value
		case i+1 < len(args):
			addr = args[i+1]
		}
	}
	if addr == "" {
		addr = Addr(t)
		args = append([]string{"-addr", addr}, args...)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{URL: "http://" + addr, t: t, cancel: cancel, done: make(chan int, 1)}
	go func() { s.done <- cli.Run(ctx, svc, append([]string{"serve"}, args...), &s.logs, &s.logs) }()
	t.Cleanup(func() {
		if code := s.Stop(); code != 0 {
			t.Errorf("serve exited with status %d:\n%s", code, s.Logs())
		}
	})
	return s
}

// WaitReady polls /readyz until it answers 200, and fails the test after
// timeout or when serve exits first.
func (s *Server) WaitReady(t testing.TB, timeout time.Duration) {
	t.Helper()
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for {
		resp, err := client.Get(s.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case code := <-s.done:
			s.done <- code
			t.Fatalf("serve exited with status %d before it was ready:\n%s", code, s.Logs())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/readyz did not answer 200 within %s:\n%s", s.URL, timeout, s.Logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop cancels the command, as SIGTERM would, waits for it to drain and
// clean up, and returns its exit status. Later calls return the same.
func (s *Server) Stop() int {
	s.once.Do(func() {
		s.cancel()
		s.code = <-s.done
	})
	return s.code
}

// Logs returns what the command has written so far (its logs and output).
func (s *Server) Logs() string { return s.logs.String() }

// logBuffer collects writes from the server's goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(slices.Clone(b.buf))
}
