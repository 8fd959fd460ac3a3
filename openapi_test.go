package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/aquila-go/aquila/internal/app"
	"github.com/aquila-go/aquila/openapi/openapitest"
	"github.com/aquila-go/aquila/query"
)

// openapiFile is the committed API document, written by
// `go run . openapi -o docs/openapi.json`.
const openapiFile = "docs/openapi.json"

// documentValidator loads the committed document once per test binary.
var documentValidator = struct {
	once sync.Once
	v    *openapitest.Validator
}{}

// apiClient is the HTTP client of the API tests: every request it sends
// and every response it gets is checked against the committed document
// (a mismatch fails t). The routes serve answers itself (/readyz,
// /healthz, /metrics, /openapi.json) are not part of the API document.
func apiClient(t testing.TB) *http.Client {
	documentValidator.once.Do(func() {
		b, err := os.ReadFile(openapiFile)
		if err != nil {
			t.Fatal(err)
		}
		documentValidator.v = openapitest.Load(t, b)
	})
	if documentValidator.v == nil {
		t.Fatal("the API document did not load")
	}
	return &http.Client{Transport: outsideAPI{documentValidator.v.Transport(t, nil)}}
}

// outsideAPI sends the routes serve answers itself, and paths the API
// does not have, around the validating transport.
type outsideAPI struct{ validating http.RoundTripper }

func (o outsideAPI) RoundTrip(r *http.Request) (*http.Response, error) {
	switch r.URL.Path {
	case "/readyz", "/healthz", "/metrics", "/openapi.json":
		return http.DefaultTransport.RoundTrip(r)
	}
	return o.validating.RoundTrip(r)
}

// TestOpenAPIDocumentIsCurrent is the drift test: the committed document
// must be the one the API builds and serves.
func TestOpenAPIDocumentIsCurrent(t *testing.T) {
	committed, err := os.ReadFile(openapiFile)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := app.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	if err := sameDocument(committed, doc.JSON); err != nil {
		t.Fatal(err)
	}
	openapitest.Load(t, committed) // and it is valid OpenAPI 3.1

	base, _ := startServe(t, pg.URL(t, nil))
	resp, err := http.Get(base + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	served, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" || !bytes.Equal(served, committed) {
		t.Fatalf("GET /openapi.json: %d %s, %d bytes: not the committed document", resp.StatusCode, resp.Header.Get("Content-Type"), len(served))
	}
}

// TestOpenAPIDriftIsCaught adds a filter to GET /books without touching
// the document: the drift check must fail and name the new parameters.
func TestOpenAPIDriftIsCaught(t *testing.T) {
	committed, err := os.ReadFile(openapiFile)
	if err != nil {
		t.Fatal(err)
	}
	cfg := app.BooksEndpoint()
	cfg.Filters = append(cfg.Filters, query.Filter{Param: "isbn_prefix", Column: "isbn", Ops: []query.Op{query.OpHasPrefix}})
	doc, err := app.Document(cfg)
	if err != nil {
		t.Fatal(err)
	}
	err = sameDocument(committed, doc.JSON)
	if err == nil || !strings.Contains(err.Error(), `the API has "name": "isbn_prefix"`) {
		t.Fatalf("a new filter passed the drift check: %v", err)
	}
	// A new sort column and another limit are drift too.
	for name, change := range map[string]func(*query.EndpointConfig){
		"sort":  func(c *query.EndpointConfig) { c.Sort = c.Sort[:len(c.Sort)-1] },
		"limit": func(c *query.EndpointConfig) { c.MaxLimit = 1000 },
		"op":    func(c *query.EndpointConfig) { c.Filters[0].Ops = c.Filters[0].Ops[:1] },
	} {
		cfg := app.BooksEndpoint()
		change(&cfg)
		doc, err := app.Document(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if sameDocument(committed, doc.JSON) == nil {
			t.Errorf("%s changed and the document did not", name)
		}
	}
}

// sameDocument compares the committed document with the generated one and
// says where they first differ and how to fix it.
func sameDocument(committed []byte, generate func() ([]byte, error)) error {
	gen, err := generate()
	if err != nil {
		return err
	}
	if bytes.Equal(committed, gen) {
		return nil
	}
	c, g := strings.Split(string(committed), "\n"), strings.Split(string(gen), "\n")
	i := 0
	for i < len(c) && i < len(g) && c[i] == g[i] {
		i++
	}
	at := func(lines []string) string {
		if i < len(lines) {
			return strings.TrimSpace(lines[i])
		}
		return "(end)"
	}
	return fmt.Errorf("%s is stale: line %d is %s, the API has %s; rewrite it with: go run . openapi -o %s",
		openapiFile, i+1, at(c), at(g), openapiFile)
}

// TestOpenAPIClientCatchesMismatch proves that the validating client fails
// a test when an exchange breaks the document: a server that answers a
// book without its fields, and one that accepts a limit above the maximum.
func TestOpenAPIClientCatchesMismatch(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/books" {
			io.WriteString(w, `{"items":[],"next":null}`)
			return
		}
		io.WriteString(w, `{"id":"one"}`)
	}))
	defer srv.Close()
	for _, tt := range []struct{ path, says string }{
		{"/books/1", "response 200 breaks the document"},
		{"/books?limit=9999", "answered 200 but breaks the document"},
	} {
		ft := &fakeT{TB: t}
		resp, err := apiClient(ft).Get(srv.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if len(ft.errs) == 0 || !strings.Contains(ft.errs[0], tt.says) {
			t.Errorf("GET %s: reported %q, want %q", tt.path, ft.errs, tt.says)
		}
	}
	// A good exchange reports nothing.
	ft := &fakeT{TB: t}
	resp, err := apiClient(ft).Get(srv.URL + "/books?limit=5")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(ft.errs) != 0 {
		t.Fatalf("a good exchange: %v", ft.errs)
	}
}

// fakeT records Errorf instead of failing.
type fakeT struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (f *fakeT) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}
