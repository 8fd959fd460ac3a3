package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aquila-go/aquila/cli"
	"github.com/aquila-go/aquila/openapi/openapitest"
	"github.com/aquila-go/aquila/postgres"
	"github.com/aquila-go/aquila/postgres/pgtest"

	"github.com/aquila-go/aquila/examples/service/internal/db"
	"github.com/aquila-go/aquila/examples/service/internal/shop"
	"github.com/aquila-go/aquila/examples/service/internal/tables"
	"github.com/aquila-go/aquila/examples/service/schema"
)

var pg = pgtest.New()

func TestMain(m *testing.M) { os.Exit(pg.Run(m)) }

// newServer serves the API as serve does — through the generated
// injectors, on a warm router with every statement prepared — over a
// fresh database of its own. Its client validates every request and
// response against the API's OpenAPI document.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	ctx := context.Background()
	router, err := postgres.NewRouter(ctx, postgres.RouterConfig{Primary: postgres.Config{
		DSN: pg.URL(t, schema.FS), MinIdleConns: 1, Prepare: db.Statements(),
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(router.Close)
	reg, err := tables.Registry()
	if err != nil {
		t.Fatal(err)
	}
	h, cleanup, err := initHandler(ctx, &cli.Deps{
		Config:   cli.Config{RequestTimeout: 10 * time.Second},
		Logger:   slog.New(slog.DiscardHandler),
		Router:   router,
		Metrics:  prometheus.NewRegistry(),
		Registry: reg,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cleanup)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	// Every exchange of the tests is checked against the API document.
	doc, err := shop.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	b, err := doc.JSON()
	if err != nil {
		t.Fatal(err)
	}
	srv.Client().Transport = openapitest.Load(t, b).Transport(t, srv.Client().Transport)
	return srv
}

// call sends a request and decodes the JSON answer into a map; it fails
// the test unless the status is want.
func call(t *testing.T, srv *httptest.Server, method, path, contentType, body string, want int) map[string]any {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d %s, want %d", method, path, resp.StatusCode, raw, want)
	}
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	return out
}

const jsonType = "application/json"

// apiError returns the code and field of an error answer.
func apiError(t *testing.T, body map[string]any) (code, field string) {
	t.Helper()
	e, ok := body["error"].(map[string]any)
	if !ok || e["request_id"] == "" {
		t.Fatalf("not an error answer: %v", body)
	}
	field, _ = e["field"].(string)
	return e["code"].(string), field
}

func TestShopAPI(t *testing.T) {
	t.Parallel()
	srv := newServer(t)

	ann := call(t, srv, "POST", "/customers", jsonType, `{"email":"ann@example.com","name":"Ann"}`, http.StatusCreated)
	if ann["id"] != 1.0 || ann["phone"] != nil {
		t.Fatalf("customer = %v", ann)
	}
	call(t, srv, "GET", "/customers/1", "", "", http.StatusOK)

	mug := call(t, srv, "POST", "/products", jsonType, `{"sku":"MUG-1","name":"Mug","price":12.50,"tags":["kitchen"]}`, http.StatusCreated)
	imported := call(t, srv, "POST", "/products:import", "application/x-ndjson",
		`{"sku":"PEN-1","name":"Pen","price":1.25,"tags":["office"]}`+"\n"+`{"sku":"PAD-1","name":"Pad","price":3,"active":false}`+"\n", http.StatusCreated)
	if imported["imported"] != 2.0 {
		t.Fatalf("import = %v", imported)
	}
	office := call(t, srv, "GET", "/products?tag=office", "", "", http.StatusOK)
	items := office["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["sku"] != "PEN-1" || office["next"] != nil {
		t.Fatalf("GET /products?tag=office = %v", office)
	}
	pen := items[0].(map[string]any)

	order := call(t, srv, "POST", "/orders", jsonType,
		`{"customer_id":1,"shipping":{"city":"Springfield"},"items":[{"product_id":"`+mug["id"].(string)+`","quantity":2},{"product_id":"`+pen["id"].(string)+`","quantity":4}]}`,
		http.StatusCreated)
	if order["total"] != 30.0 || order["status"] != "pending" {
		t.Fatalf("order = %v", order)
	}
	call(t, srv, "PUT", "/orders/1/status", jsonType, `{"status":"paid"}`, http.StatusOK)
	shipped := call(t, srv, "PUT", "/orders/1/status", jsonType, `{"status":"shipped"}`, http.StatusOK)
	if shipped["shipped_at"] == nil {
		t.Errorf("shipped order = %v", shipped)
	}
	got := call(t, srv, "GET", "/orders/1", "", "", http.StatusOK)
	if len(got["items"].([]any)) != 2 || got["shipping"].(map[string]any)["city"] != "Springfield" {
		t.Errorf("GET /orders/1 = %v", got)
	}
	orders := call(t, srv, "GET", "/customers/1/orders?limit=1", "", "", http.StatusOK)
	if len(orders["items"].([]any)) != 1 || orders["next"] != "1" {
		t.Errorf("GET /customers/1/orders?limit=1 = %v", orders)
	}
}

func TestShopAPIErrors(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	call(t, srv, "POST", "/customers", jsonType, `{"email":"ann@example.com","name":"Ann"}`, http.StatusCreated)

	for _, tc := range []struct {
		method, path, contentType, body string
		status                          int
		code, field                     string
	}{
		{"POST", "/customers", jsonType, `{"email":"ann@example.com","name":"Ann"}`, http.StatusConflict, "conflict", "email"},
		{"POST", "/customers", jsonType, `{"email":"bob@example.com","name":"Bob","age":3}`, http.StatusBadRequest, "invalid", "age"},
		{"POST", "/customers", "text/plain", `{}`, http.StatusUnsupportedMediaType, "media_type", ""},
		{"GET", "/customers/0", "", "", http.StatusBadRequest, "invalid", "id"},
		{"GET", "/customers/99", "", "", http.StatusNotFound, "not_found", ""},
		{"GET", "/customers?limit=9999", "", "", http.StatusBadRequest, "invalid", "limit"},
		{"GET", "/customers?page=2", "", "", http.StatusBadRequest, "invalid", "page"},
		{"GET", "/products/not-a-uuid", "", "", http.StatusBadRequest, "invalid", "id"},
		{"POST", "/products", jsonType, `{"sku":"MUG-1","name":"Mug","price":1.001}`, http.StatusBadRequest, "invalid", "price"},
		{"POST", "/products:import", "application/x-ndjson", `{"sku":"A-1","name":"a","price":1}` + "\n" + `{"sku":"b","name":"b","price":1}` + "\n",
			http.StatusBadRequest, "invalid", "records[1].sku"},
		{"POST", "/orders", jsonType, `{"customer_id":1,"shipping":{},"items":[{"product_id":"00000000-0000-0000-0000-000000000001","quantity":1}]}`,
			http.StatusUnprocessableEntity, "unprocessable", "items[0].product_id"},
		{"DELETE", "/orders/1", "", "", http.StatusNotFound, "not_found", ""},
		{"GET", "/nowhere", "", "", http.StatusNotFound, "not_found", ""},
	} {
		body := call(t, srv, tc.method, tc.path, tc.contentType, tc.body, tc.status)
		if code, field := apiError(t, body); code != tc.code || field != tc.field {
			t.Errorf("%s %s: code %q field %q, want %q %q", tc.method, tc.path, code, field, tc.code, tc.field)
		}
	}
	// Nothing of the failed import was written.
	if page := call(t, srv, "GET", "/products", "", "", http.StatusOK); len(page["items"].([]any)) != 0 {
		t.Errorf("products after failed writes: %v", page)
	}
}
