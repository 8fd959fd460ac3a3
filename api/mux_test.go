package api_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/aquila-go/aquila/api"
)

// get sends a request to h and returns the response and its decoded body.
func send(t *testing.T, h http.Handler, method, target, body string, header ...string) (*http.Response, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	resp := rec.Result()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s %s: body is not JSON: %q", method, target, raw)
		}
	}
	return resp, m
}

func errorOf(m map[string]any) map[string]any {
	e, _ := m["error"].(map[string]any)
	return e
}

func fieldOf(e map[string]any) string {
	f, _ := e["field"].(string)
	return f
}

func TestMuxLifecycle(t *testing.T) {
	var logs bytes.Buffer
	reg := prometheus.NewRegistry()
	m, err := api.NewMux(api.Config{Logger: slog.New(slog.NewTextHandler(&logs, nil)), Registerer: reg, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	serverText := `duplicate key value violates unique constraint "items_code_key"`
	m.Handle("GET /ok", func(w http.ResponseWriter, r *http.Request) error {
		if _, ok := r.Context().Deadline(); !ok {
			t.Error("no request deadline")
		}
		api.Logger(r.Context()).Info("inside")
		return api.WriteJSON(w, r, http.StatusOK, map[string]string{"id": api.RequestID(r.Context())})
	})
	m.Handle("GET /down", func(w http.ResponseWriter, r *http.Request) error {
		return &pgconn.ConnectError{Config: &pgconn.Config{}}
	})
	m.Handle("GET /dup", func(w http.ResponseWriter, r *http.Request) error {
		return &pgconn.PgError{Code: "23505", Message: serverText, TableName: "items", ConstraintName: "items_code_key"}
	})
	m.Handle("GET /boom", func(w http.ResponseWriter, r *http.Request) error { return errors.New("secret detail") })

	resp, body := send(t, m, "GET", "/ok", "", "X-Request-Id", "abc-123")
	if resp.StatusCode != 200 || body["id"] != "abc-123" || resp.Header.Get("X-Request-Id") != "abc-123" {
		t.Fatalf("/ok: %d %v %v", resp.StatusCode, body, resp.Header)
	}
	resp, _ = send(t, m, "GET", "/ok", "", "X-Request-Id", "bad id with spaces")
	if id := resp.Header.Get("X-Request-Id"); id == "" || strings.Contains(id, " ") {
		t.Fatalf("malformed request id kept: %q", id)
	}
	if !strings.Contains(logs.String(), "msg=inside request_id=abc-123") {
		t.Errorf("request logger lacks the id:\n%s", logs.String())
	}

	resp, body = send(t, m, "GET", "/down", "")
	if e := errorOf(body); resp.StatusCode != 503 || e["code"] != "unavailable" || resp.Header.Get("Retry-After") == "" || e["request_id"] == "" {
		t.Fatalf("/down: %d %v %v", resp.StatusCode, body, resp.Header)
	}
	resp, body = send(t, m, "GET", "/dup", "", "X-Request-Id", "dup-1")
	if e := errorOf(body); resp.StatusCode != 409 || fieldOf(e) != "code" || e["request_id"] != "dup-1" {
		t.Fatalf("/dup: %d %v", resp.StatusCode, body)
	}
	raw, _ := json.Marshal(body)
	if strings.Contains(string(raw), "duplicate key") {
		t.Errorf("server text reached the client: %s", raw)
	}
	if !strings.Contains(logs.String(), "duplicate key value") || !strings.Contains(logs.String(), "request_id=dup-1") {
		t.Errorf("server text not logged with the request id:\n%s", logs.String())
	}
	resp, body = send(t, m, "GET", "/boom", "")
	if e := errorOf(body); resp.StatusCode != 500 || e["code"] != "internal" || e["message"] != "internal error" {
		t.Fatalf("/boom: %d %v", resp.StatusCode, body)
	}
	if !strings.Contains(logs.String(), "secret detail") {
		t.Error("500's cause not logged")
	}
	if !strings.Contains(logs.String(), `msg=request method=GET path=/boom status=500`) {
		t.Errorf("no access log record:\n%s", logs.String())
	}

	if n := counter(t, reg, "GET /ok", "200"); n != 2 {
		t.Errorf("requests{GET /ok,200} = %v, want 2", n)
	}
	// A second Mux on the same registry shares the metrics.
	if _, err := api.NewMux(api.Config{Registerer: reg}); err != nil {
		t.Fatalf("second Mux on one registry: %v", err)
	}
}

// counter reads aquila_http_requests_total{route, code} from reg.
func counter(t *testing.T, reg *prometheus.Registry, route, code string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "aquila_http_requests_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["route"] == route && labels["code"] == code {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}
