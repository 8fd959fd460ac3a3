package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aquila-go/aquila/cli/clitest"
	"github.com/aquila-go/aquila/internal/app"
)

// waitOK polls url until it answers 200 or timeout passes.
func waitOK(t *testing.T, url string, timeout time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for time.Since(start) < timeout {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(start)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s did not answer 200 within %s", url, timeout)
	return 0
}

// call sends a JSON request and decodes the JSON answer into a map.
func call(t *testing.T, method, url, contentType, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := apiClient(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s %s: %d, body is not JSON: %q", method, url, resp.StatusCode, raw)
	}
	return resp.StatusCode, m
}

// startServe runs the reference service's serve command in-process against
// dsn (the embedded server when empty) with extra flags, and returns its
// base URL once it is ready; the returned stop cancels it and checks for a
// clean exit.
func startServe(t *testing.T, dsn string, flags ...string) (string, func()) {
	t.Helper()
	srv := clitest.Serve(t, service(testRegistry(t)), append([]string{"-database-url", dsn,
		"-min-idle-conns", "2", "-max-conns", "4", "-shutdown-timeout", "5s", "-shutdown-delay", "0", "-log-level", "warn"}, flags...)...)
	srv.WaitReady(t, 30*time.Second)
	return srv.URL, func() {
		if code := srv.Stop(); code != 0 {
			t.Errorf("serve exited with %d:\n%s", code, srv.Logs())
		}
	}
}

func errCode(m map[string]any) (code, field string) {
	e, _ := m["error"].(map[string]any)
	c, _ := e["code"].(string)
	f, _ := e["field"].(string)
	return c, f
}

func TestServeBooksAndErrors(t *testing.T) {
	base, _ := startServe(t, pg.URL(t, nil))

	st, author := call(t, "POST", base+"/authors", "application/json", `{"name":"Ursula K. Le Guin","email":"ursula@example.com"}`)
	if st != http.StatusCreated {
		t.Fatalf("POST /authors: %d %v", st, author)
	}
	authorID := int64(author["id"].(float64))
	book := fmt.Sprintf(`{"author_id":%d,"isbn":"9780441478125","title":"The Left Hand of Darkness","published_on":"1969-03-01","price_cents":1599,"pages":304,"attributes":{"format":"paperback"}}`, authorID)
	st, created := call(t, "POST", base+"/books", "application/json", book)
	if st != http.StatusCreated {
		t.Fatalf("POST /books: %d %v", st, created)
	}
	id := int64(created["id"].(float64))
	st, got := call(t, "GET", fmt.Sprintf("%s/books/%d", base, id), "", "")
	if st != http.StatusOK {
		t.Fatalf("GET /books/%d: %d %v", id, st, got)
	}
	for k, want := range map[string]any{"title": "The Left Hand of Darkness", "isbn": "9780441478125", "published_on": "1969-03-01", "price_cents": 1599.0, "pages": 304.0} {
		if got[k] != want {
			t.Errorf("GET book: %s = %v, want %v", k, got[k], want)
		}
	}
	if attrs, _ := got["attributes"].(map[string]any); attrs["format"] != "paperback" {
		t.Errorf("attributes = %v", got["attributes"])
	}

	errorCases := []struct {
		name, method, path, ctype, body string
		status                          int
		code, field                     string
	}{
		{"missing book", "GET", "/books/999999", "", "", 404, "not_found", ""},
		{"bad id", "GET", "/books/abc", "", "", 400, "invalid", "id"},
		{"negative id", "GET", "/books/-1", "", "", 400, "invalid", "id"},
		{"duplicate isbn", "POST", "/books", "application/json", book, 409, "conflict", "isbn"},
		{"unknown author", "POST", "/books", "application/json", strings.NewReplacer(fmt.Sprintf(`"author_id":%d`, authorID), `"author_id":424242`, "9780441478125", "9780441478126").Replace(book), 422, "unprocessable", "author_id"},
		{"unknown field", "POST", "/books", "application/json", `{"title":"x","colour":"red"}`, 400, "invalid", "colour"},
		{"wrong type", "POST", "/books", "application/json", `{"pages":"many"}`, 400, "invalid", "pages"},
		{"bad isbn", "POST", "/books", "application/json", strings.Replace(book, "9780441478125", "12345", 1), 400, "invalid", "isbn"},
		{"bad date", "POST", "/books", "application/json", strings.Replace(book, "1969-03-01", "March 1969", 1), 400, "invalid", ""},
		{"two values", "POST", "/books", "application/json", book + book, 400, "invalid", ""},
		{"malformed", "POST", "/books", "application/json", `{"title":`, 400, "invalid", ""},
		{"empty body", "POST", "/books", "application/json", ``, 400, "invalid", ""},
		{"not json", "POST", "/books", "text/plain", book, 415, "media_type", ""},
		{"too large", "POST", "/books", "application/json", `{"title":"` + strings.Repeat("x", app.MaxBodyBytes) + `"}`, 413, "too_large", ""},
		{"duplicate email", "POST", "/authors", "application/json", `{"name":"Other","email":"ursula@example.com"}`, 409, "conflict", "email"},
		{"empty name", "POST", "/authors", "application/json", `{"name":""}`, 400, "invalid", "name"},
	}
	for _, tc := range errorCases {
		st, body := call(t, tc.method, base+tc.path, tc.ctype, tc.body)
		code, field := errCode(body)
		if st != tc.status || code != tc.code || (tc.field != "" && field != tc.field) {
			t.Errorf("%s: got %d %s field=%q (%v), want %d %s field=%q", tc.name, st, code, field, body, tc.status, tc.code, tc.field)
		}
		if e, _ := body["error"].(map[string]any); e["request_id"] == "" || e["request_id"] == nil {
			t.Errorf("%s: error body has no request_id: %v", tc.name, body)
		}
	}
}

func TestServeDrainsInFlightRequests(t *testing.T) {
	dsn := pg.URL(t, nil)
	base, stop := startServe(t, dsn, "-shutdown-delay", "600ms")
	st, author := call(t, "POST", base+"/authors", "application/json", `{"name":"Slow Writer"}`)
	if st != http.StatusCreated {
		t.Fatalf("POST /authors: %d %v", st, author)
	}
	// A request whose body arrives slowly is in flight when shutdown starts;
	// it must complete with 201.
	pr, pw := io.Pipe()
	result := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("POST", base+"/authors", pr)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			result <- -1
			return
		}
		resp.Body.Close()
		result <- resp.StatusCode
	}()
	pw.Write([]byte(`{"name":`))
	time.Sleep(100 * time.Millisecond)
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	time.Sleep(200 * time.Millisecond)
	// Not ready any more, while the listener still takes requests: a load
	// balancer sees the 503 and stops sending traffic before connections
	// are refused.
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatalf("readyz during the shutdown delay: %v (the listener closed before the delay ended)", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readyz during shutdown: %d, want 503", resp.StatusCode)
	}
	if st, _ := call(t, "GET", base+"/authors?limit=1", "", ""); st != http.StatusOK {
		t.Errorf("a new request during the shutdown delay: %d, want 200", st)
	}
	pw.Write([]byte(`"Finished In Time"}`))
	pw.Close()
	if st := <-result; st != http.StatusCreated {
		t.Fatalf("in-flight request got %d, want 201", st)
	}
	<-stopped
}

// buildAquila builds the command once per test.
func buildAquila(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "aquila")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestServeProcessEmbedded runs the real binary as a user would, with no
// DATABASE_URL: first start (initdb), round trip, SIGTERM, second start
// (reuse), and checks that no postgres process is left.
func TestServeProcessEmbedded(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the aquila binary twice")
	}
	bin := buildAquila(t)
	dataDir, err := os.MkdirTemp("", "aquila-serve-test-*")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dataDir) })

	run := func(first bool) {
		addr := clitest.Addr(t)
		cmd := exec.Command(bin, "serve", "-addr", addr, "-shutdown-delay", "100ms")
		cmd.Env = append(os.Environ(), "AQUILA_DATA_DIR="+dataDir, "DATABASE_URL=")
		var logs bytes.Buffer
		cmd.Stdout, cmd.Stderr = &logs, &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() {
			if cmd.ProcessState == nil {
				cmd.Process.Kill()
				cmd.Wait()
			}
		}()
		base := "http://" + addr
		healthy := waitOK(t, base+"/healthz", 30*time.Second)
		ready := waitOK(t, base+"/readyz", 30*time.Second)
		t.Logf("first=%v: /healthz after %v, /readyz after %v", first, healthy, ready)
		if !first && ready > 5*time.Second {
			t.Errorf("second start took %v to be ready, want < 5s", ready)
		}
		st, a := call(t, "POST", base+"/authors", "application/json", `{"name":"Process Test"}`)
		if st != http.StatusCreated {
			t.Fatalf("POST /authors: %d %v\n%s", st, a, logs.String())
		}
		isbn := "978000000000" + map[bool]string{true: "1", false: "2"}[first]
		st, b := call(t, "POST", base+"/books", "application/json",
			fmt.Sprintf(`{"author_id":%d,"isbn":"%s","title":"T","published_on":"2020-01-02","price_cents":1,"pages":1}`, int64(a["id"].(float64)), isbn))
		if st != http.StatusCreated {
			t.Fatalf("POST /books: %d %v", st, b)
		}
		st, g := call(t, "GET", fmt.Sprintf("%s/books/%d", base, int64(b["id"].(float64))), "", "")
		if st != http.StatusOK || g["isbn"] != isbn {
			t.Fatalf("GET /books: %d %v", st, g)
		}
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Fatalf("aquila serve after SIGTERM: %v\n%s", err, logs.String())
		}
		if out, _ := exec.Command("pgrep", "-f", dataDir).Output(); len(out) > 0 {
			t.Fatalf("postgres processes left after SIGTERM: %s", out)
		}
	}
	run(true)
	run(false)
}

func TestServeWithoutBinariesFailsWithOneLine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the aquila binary")
	}
	bin := buildAquila(t)
	dataDir := t.TempDir()
	cmd := exec.Command(bin, "serve", "-addr", clitest.Addr(t))
	cmd.Env = []string{"PATH=", "HOME=" + dataDir, "AQUILA_DATA_DIR=" + dataDir, "AQUILA_PG_BINDIR=/nonexistent"}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 {
		t.Fatalf("want a non-zero exit, got %v", err)
	}
	var last string
	for _, l := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		if strings.HasPrefix(l, "aquila:") {
			last = l
		}
	}
	if last == "" || !strings.Contains(last, "apt-get install postgresql") || !strings.Contains(last, "DATABASE_URL") {
		t.Fatalf("want one 'aquila:' line naming the fix, got:\n%s", stderr.String())
	}
}

// TestServeDataDirUnderPrivateParent runs serve as root with its data dir
// below a 0700 directory the postgres user cannot enter: it must fall back
// to a directory of its own and start anyway.
func TestServeDataDirUnderPrivateParent(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root runs the server as another user")
	}
	private, err := os.MkdirTemp("", "aquila-private-*")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(private) })
	if err := os.Chmod(private, 0o700); err != nil {
		t.Fatal(err)
	}
	dataDir := filepath.Join(private, ".aquila")
	sum := sha256.Sum256([]byte(dataDir))
	alt := filepath.Join(os.TempDir(), "aquila-data-"+hex.EncodeToString(sum[:6]))
	t.Cleanup(func() { os.RemoveAll(alt) })

	base, stop := startServe(t, "", "-data-dir", dataDir)
	st, a := call(t, "POST", base+"/authors", "application/json", `{"name":"Private"}`)
	if st != http.StatusCreated {
		t.Fatalf("POST /authors: %d %v", st, a)
	}
	stop()
	if _, err := os.Stat(filepath.Join(alt, "data", "PG_VERSION")); err != nil {
		t.Fatalf("no cluster in the fallback dir %s: %v", alt, err)
	}
}
