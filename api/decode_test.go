package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aquila-go/aquila/api"
)

var textSchema = fstest.MapFS{"00001_notes.sql": {Data: []byte(`-- +goose Up
CREATE TABLE notes (id bigserial PRIMARY KEY, title text NOT NULL, tags text[], attrs jsonb);
-- +goose Down
DROP TABLE notes;
`)}}

type note struct {
	Title string          `json:"title"`
	Tags  []string        `json:"tags"`
	Attrs json.RawMessage `json:"attrs"`
	Meta  *struct {
		By string `json:"by"`
	} `json:"meta"`
}

// notesMux stores notes from POST /notes (one JSON object) and POST
// /notes:bulk (NDJSON) and lists them by GET /notes?title=.
func notesMux(t *testing.T, pool *pgxpool.Pool) *api.Mux {
	m, err := api.NewMux(api.Config{})
	if err != nil {
		t.Fatal(err)
	}
	insert := func(ctx context.Context, n note) error {
		var attrs any
		if len(n.Attrs) > 0 {
			attrs = string(n.Attrs)
		}
		_, err := pool.Exec(ctx, `INSERT INTO notes (title, tags, attrs) VALUES ($1, $2, $3)`, n.Title, n.Tags, attrs)
		return api.DBError(err, "note")
	}
	m.Handle("POST /notes", func(w http.ResponseWriter, r *http.Request) error {
		var n note
		if err := api.DecodeJSON(w, r, &n); err != nil {
			return err
		}
		if err := insert(r.Context(), n); err != nil {
			return err
		}
		return api.WriteJSON(w, r, http.StatusCreated, map[string]string{"title": n.Title})
	})
	m.Handle("POST /notes:bulk", func(w http.ResponseWriter, r *http.Request) error {
		i := 0
		for n, err := range api.Records[note](r.Body, true) {
			if err != nil {
				return api.RecordError(int64(i), err, "note")
			}
			if err := insert(r.Context(), n); err != nil {
				return err
			}
			i++
		}
		return api.WriteJSON(w, r, http.StatusCreated, map[string]int{"created": i})
	})
	m.Handle("GET /notes", func(w http.ResponseWriter, r *http.Request) error {
		v, err := api.ValidateParams(r, "title")
		if err != nil {
			return err
		}
		var n int
		if err := pool.QueryRow(r.Context(), `SELECT count(*) FROM notes WHERE title = $1`, v.Get("title")).Scan(&n); err != nil {
			return api.DBError(err, "note")
		}
		return api.WriteJSON(w, r, http.StatusOK, map[string]int{"count": n})
	})
	return m
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// TestTextRejected sends U+0000 and invalid UTF-8 in every place a string
// can hide and checks each is a 400 naming the field, with nothing stored;
// PostgreSQL itself would refuse NUL (a 500 before) and encoding/json would
// store U+FFFD for the invalid bytes.
func TestTextRejected(t *testing.T) {
	pool := pg.Pool(t, textSchema)
	m := notesMux(t, pool)
	for _, tc := range []struct {
		name, body, field string
	}{
		{"NUL escape in a value", `{"title":"a\u0000b"}`, "title"},
		{"invalid UTF-8 in a value", "{\"title\":\"a\xffb\"}", "title"},
		{"truncated UTF-8 sequence", "{\"title\":\"caf\xc3\"}", "title"},
		{"lone high surrogate", `{"title":"a\ud800b"}`, "title"},
		{"lone low surrogate", `{"title":"\udc00"}`, "title"},
		{"in an array element", `{"title":"t","tags":["ok","x\u0000"]}`, "tags[1]"},
		{"in a jsonb value", `{"title":"t","attrs":{"lang":{"name":"\u0000"}}}`, "attrs.lang.name"},
		{"in a jsonb key", `{"title":"t","attrs":{"k\u0000":1}}`, "attrs"},
		{"invalid UTF-8 in a jsonb key", "{\"title\":\"t\",\"attrs\":{\"k\xfe\":1}}", "attrs"},
		{"in a nested struct", `{"title":"t","meta":{"by":"\u0000"}}`, "meta.by"},
		{"after an escaped backslash", `{"title":"\\\u0000"}`, "title"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := send(t, m, "POST", "/notes", tc.body, "Content-Type", "application/json")
			if e := errorOf(body); resp.StatusCode != 400 || e["code"] != "invalid" || fieldOf(e) != tc.field {
				t.Errorf("%s: %d %v, want 400 invalid field %q", tc.body, resp.StatusCode, body, tc.field)
			}
		})
	}
	// NDJSON records: the bad record is named, and (here) nothing after it
	// is read.
	resp, body := send(t, m, "POST", "/notes:bulk", `{"title":"fine"}`+"\n"+`{"title":"ok","attrs":{"a":["\u0000"]}}`+"\n", "Content-Type", "application/x-ndjson")
	if e := errorOf(body); resp.StatusCode != 400 || fieldOf(e) != "records[1].attrs.a[0]" {
		t.Errorf("bulk: %d %v", resp.StatusCode, body)
	}
	// Query parameters, after percent-decoding.
	for _, q := range []struct{ query, field string }{
		{"title=a%00b", "title"},
		{"title=a%FFb", "title"},
		{"title=%ED%A0%80", "title"}, // an encoded surrogate is not UTF-8
		{"ti%00tle=a", ""},
	} {
		resp, body := send(t, m, "GET", "/notes?"+q.query, "")
		if e := errorOf(body); resp.StatusCode != 400 || fieldOf(e) != q.field {
			t.Errorf("?%s: %d %v, want 400 field %q", q.query, resp.StatusCode, body, q.field)
		}
	}
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM notes WHERE title <> 'fine'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d rows stored from rejected input (%v)", n, err)
	}

	// Legitimate text, escapes and U+FFFD itself included, is stored as sent.
	for _, good := range []string{`{"title":"caf\u00e9 \ud83d\ude00 \\u0000 �","attrs":{"k":"v"}}`, "{\"title\":\"ü\"}"} {
		if resp, body := send(t, m, "POST", "/notes", good, "Content-Type", "application/json"); resp.StatusCode != 201 {
			t.Fatalf("%s: %d %v", good, resp.StatusCode, body)
		}
	}
	var title string
	if err := pool.QueryRow(context.Background(), `SELECT title FROM notes ORDER BY id LIMIT 1 OFFSET 1`).Scan(&title); err != nil || title != "café 😀 \\u0000 �" {
		t.Fatalf("stored %q (%v)", title, err)
	}
}

// TestDecodeJSONStrict keeps the strictness of DecodeJSON: unknown fields,
// trailing data, wrong media type and size.
func TestDecodeJSONStrict(t *testing.T) {
	m, err := api.NewMux(api.Config{})
	if err != nil {
		t.Fatal(err)
	}
	m.Handle("POST /n", func(w http.ResponseWriter, r *http.Request) error {
		var n note
		if err := api.DecodeJSON(w, r, &n); err != nil {
			return err
		}
		return api.WriteJSON(w, r, http.StatusOK, n)
	})
	for _, tc := range []struct {
		name, ct, body string
		status         int
		code, field    string
	}{
		{"unknown field", "application/json", `{"colour":"red"}`, 400, "invalid", "colour"},
		{"type", "application/json", `{"title":1}`, 400, "invalid", "title"},
		{"trailing", "application/json", `{"title":"a"} {}`, 400, "invalid", ""},
		{"malformed", "application/json", `{"title":`, 400, "invalid", ""},
		{"empty", "application/json", ``, 400, "invalid", ""},
		{"media type", "text/plain", `{}`, 415, "media_type", ""},
		{"too large", "application/json", `{"title":"` + strings.Repeat("x", api.MaxBodyBytes) + `"}`, 413, "too_large", ""},
		{"ok", "application/json; charset=utf-8", `{"title":"a"}`, 200, "", ""},
	} {
		resp, body := send(t, m, "POST", "/n", tc.body, "Content-Type", tc.ct)
		e := errorOf(body)
		if resp.StatusCode != tc.status || tc.code != "" && (e["code"] != tc.code || fieldOf(e) != tc.field) {
			t.Errorf("%s: %d %v, want %d %s %q", tc.name, resp.StatusCode, body, tc.status, tc.code, tc.field)
		}
	}
}
