package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/aquila-go/aquila/internal/app"
	"github.com/aquila-go/aquila/postgres/pgcluster"
)

// api is a small client for the catalog API under test.
type api struct {
	t    *testing.T
	base string
}

func (a api) do(method, path, body string) (int, map[string]any) {
	a.t.Helper()
	ct := ""
	if body != "" {
		ct = "application/json"
	}
	return call(a.t, method, a.base+path, ct, body)
}

// want checks status and, for errors, the code and field.
func (a api) want(method, path, body string, status int, code, field string) map[string]any {
	a.t.Helper()
	st, m := a.do(method, path, body)
	if st != status {
		a.t.Fatalf("%s %s: status %d, want %d: %v", method, path, st, status, m)
	}
	if code != "" {
		c, f := errCode(m)
		if c != code || f != field {
			a.t.Fatalf("%s %s: error %s field %q, want %s field %q: %v", method, path, c, f, code, field, m)
		}
		if e, _ := m["error"].(map[string]any); e["request_id"] == nil || e["request_id"] == "" {
			a.t.Fatalf("%s %s: no request_id in %v", method, path, m)
		}
	}
	return m
}

// noContent sends a request that answers 204 (or an error).
func (a api) noContent(method, path string, status int, code string) {
	a.t.Helper()
	req, _ := http.NewRequest(method, a.base+path, nil)
	resp, err := apiClient(a.t).Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status || (code != "" && !strings.Contains(string(body), `"code":"`+code+`"`)) {
		a.t.Fatalf("%s %s: %d %s, want %d %s", method, path, resp.StatusCode, body, status, code)
	}
}

func id(m map[string]any) int64 { return int64(m["id"].(float64)) }

func items(t *testing.T, m map[string]any) []any {
	t.Helper()
	it, ok := m["items"].([]any)
	if !ok {
		t.Fatalf("no items in %v", m)
	}
	if _, ok := m["next"]; !ok {
		t.Fatalf("no next in %v", m)
	}
	return it
}

func bookBody(author int64, isbn, title string) string {
	return fmt.Sprintf(`{"author_id":%d,"isbn":"%s","title":"%s","published_on":"2001-02-03","price_cents":999,"pages":100}`, author, isbn, title)
}

func TestAPIEveryEndpoint(t *testing.T) {
	dsn := pg.URL(t, nil)
	base, _ := startServe(t, dsn)
	apiEveryEndpoint(t, base)
}

func apiEveryEndpoint(t *testing.T, base string) {
	c := api{t, base}

	// Authors.
	ann := c.want("POST", "/authors", `{"name":"Ann","email":"ann@example.com","bio":"b"}`, 201, "", "")
	bob := c.want("POST", "/authors", `{"name":"Bob"}`, 201, "", "")
	if got := c.want("GET", fmt.Sprintf("/authors/%d", id(ann)), "", 200, "", ""); got["email"] != "ann@example.com" || got["bio"] != "b" {
		t.Fatalf("GET author: %v", got)
	}
	patched := c.want("PATCH", fmt.Sprintf("/authors/%d", id(ann)), `{"email":null,"name":"Ann B."}`, 200, "", "")
	if patched["email"] != nil || patched["name"] != "Ann B." || patched["bio"] != "b" {
		t.Fatalf("PATCH author: %v", patched)
	}
	page1 := c.want("GET", "/authors?limit=1", "", 200, "", "")
	if len(items(t, page1)) != 1 || page1["next"] == nil {
		t.Fatalf("authors page 1: %v", page1)
	}
	page2 := c.want("GET", "/authors?limit=1&after="+page1["next"].(string), "", 200, "", "")
	if it := items(t, page2); len(it) != 1 || id(it[0].(map[string]any)) != id(bob) {
		t.Fatalf("authors page 2: %v", page2)
	}

	// Books.
	b1 := c.want("POST", "/books", bookBody(id(ann), "9780000000011", "One"), 201, "", "")
	b2 := c.want("POST", "/books", bookBody(id(ann), "9780000000012", "Two"), 201, "", "")
	c.want("GET", fmt.Sprintf("/books/%d", id(b1)), "", 200, "", "")
	pb := c.want("PATCH", fmt.Sprintf("/books/%d", id(b1)), `{"title":"One, revised","attributes":{"lang":"en"}}`, 200, "", "")
	if pb["title"] != "One, revised" || pb["isbn"] != "9780000000011" {
		t.Fatalf("PATCH book: %v", pb)
	}
	pb = c.want("PATCH", fmt.Sprintf("/books/%d", id(b1)), `{"attributes":null}`, 200, "", "")
	if pb["attributes"] != nil || pb["title"] != "One, revised" {
		t.Fatalf("PATCH book attributes=null: %v", pb)
	}
	list := c.want("GET", "/books?limit=1", "", 200, "", "")
	if len(items(t, list)) != 1 || list["next"] == nil {
		t.Fatalf("books page 1: %v", list)
	}
	list = c.want("GET", "/books?limit=5&after="+urlQuery(list["next"].(string)), "", 200, "", "")
	if len(items(t, list)) != 1 || list["next"] != nil {
		t.Fatalf("books page 2: %v", list)
	}
	ab := c.want("GET", fmt.Sprintf("/authors/%d/books", id(ann)), "", 200, "", "")
	if len(items(t, ab)) != 2 {
		t.Fatalf("author's books: %v", ab)
	}
	if len(items(t, c.want("GET", fmt.Sprintf("/authors/%d/books", id(bob)), "", 200, "", ""))) != 0 {
		t.Fatal("bob has books")
	}

	// Tags.
	goTag := c.want("POST", "/tags", `{"name":"go"}`, 201, "", "")
	c.want("POST", "/tags", `{"name":"databases"}`, 201, "", "")
	if len(items(t, c.want("GET", "/tags", "", 200, "", ""))) != 2 {
		t.Fatal("tags list")
	}
	tagPath := fmt.Sprintf("/books/%d/tags/%d", id(b2), id(goTag))
	c.noContent("PUT", tagPath, 204, "")
	c.noContent("PUT", tagPath, 204, "") // idempotent
	bt := c.want("GET", fmt.Sprintf("/books/%d/tags", id(b2)), "", 200, "", "")
	if it := items(t, bt); len(it) != 1 || it[0].(map[string]any)["name"] != "go" {
		t.Fatalf("book tags: %v", bt)
	}
	// Dynamic list filters (GET /books through the query builder).
	b3 := c.want("POST", "/books", fmt.Sprintf(`{"author_id":%d,"isbn":"9780000000013","title":"Three Go Tales","published_on":"2023-05-06","price_cents":2500,"pages":300}`, id(bob)), 201, "", "")
	filtered := func(q string) []any { return items(t, c.want("GET", "/books?"+q, "", 200, "", "")) }
	if got := filtered(fmt.Sprintf("author_id=%d", id(bob))); len(got) != 1 || id(got[0].(map[string]any)) != id(b3) {
		t.Fatalf("author_id filter: %v", got)
	}
	if got := filtered("tag=go"); len(got) != 1 || id(got[0].(map[string]any)) != id(b2) {
		t.Fatalf("tag filter: %v", got)
	}
	if got := filtered("published_after=2020-01-01"); len(got) != 1 || id(got[0].(map[string]any)) != id(b3) {
		t.Fatalf("published_after filter: %v", got)
	}
	if got := filtered("title[icontains]=go%20tales"); len(got) != 1 {
		t.Fatalf("title icontains filter: %v", got)
	}
	if got := filtered("order=-published_on&limit=3"); len(got) != 3 || id(got[0].(map[string]any)) != id(b3) {
		t.Fatalf("order=-published_on: %v", got)
	}
	if got := filtered(fmt.Sprintf("author_id[in]=%d,%d&price_cents[le]=1000", id(ann), id(bob))); len(got) != 2 {
		t.Fatalf("author_id[in] + price_cents[le]: %v", got)
	}
	c.noContent("DELETE", fmt.Sprintf("/books/%d", id(b3)), 204, "")

	c.noContent("DELETE", tagPath, 204, "")
	c.noContent("DELETE", tagPath, 404, "not_found")

	// Deletes.
	c.noContent("DELETE", fmt.Sprintf("/authors/%d", id(ann)), 422, "unprocessable") // still has books
	c.noContent("DELETE", fmt.Sprintf("/books/%d", id(b1)), 204, "")
	c.noContent("DELETE", fmt.Sprintf("/books/%d", id(b1)), 404, "not_found")
	c.noContent("DELETE", fmt.Sprintf("/authors/%d", id(bob)), 204, "")
	c.want("GET", fmt.Sprintf("/authors/%d", id(bob)), "", 404, "not_found", "")

	// Metrics after traffic.
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`aquila_http_requests_total{code="201",route="POST /books"} 3`,
		`aquila_http_request_duration_seconds_bucket{code="200",route="GET /books/{id}"`,
		"aquila_db_pool_total_conns", "aquila_db_pool_acquires_total",
		`aquila_db_query_duration_seconds_count{statement="GetBook"}`,
	} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func urlQuery(s string) string {
	return strings.NewReplacer("{", "%7B", "}", "%7D", `"`, "%22", ":", "%3A", ",", "%2C").Replace(s)
}

func TestAPIErrorMapping(t *testing.T) {
	dsn := pg.URL(t, nil)
	base, _ := startServe(t, dsn)
	apiErrorMapping(t, base, dsn)
}

// apiErrorMapping checks every error mapping; dsn is a direct connection
// to the service's database.
func apiErrorMapping(t *testing.T, base, dsn string) {
	c := api{t, base}
	author := c.want("POST", "/authors", `{"name":"Err"}`, 201, "", "")
	book := c.want("POST", "/books", bookBody(id(author), "9780000000021", "E"), 201, "", "")

	c.want("GET", "/books/424242", "", 404, "not_found", "")
	c.want("GET", "/nowhere", "", 404, "not_found", "")
	c.want("GET", "/books/x", "", 400, "invalid", "id")
	c.want("GET", "/books?limit=0", "", 400, "invalid", "limit")
	c.want("GET", "/books?colour=red", "", 400, "invalid", "colour")
	c.want("GET", "/books?after=garbage", "", 400, "invalid", "after")
	c.want("GET", "/books?order=isbn", "", 400, "invalid", "order")
	c.want("GET", "/books?pages[like]=1", "", 400, "invalid", "pages[like]")
	c.want("GET", "/books?published_after=tomorrow", "", 400, "invalid", "published_after")
	c.want("GET", "/books?limit=501", "", 400, "invalid", "limit")
	c.want("GET", "/books?author_id=1';DROP%20TABLE%20books;--", "", 400, "invalid", "")
	c.want("GET", "/books?author_id=1'%3BDROP%20TABLE%20books%3B--", "", 400, "invalid", "author_id")
	c.want("GET", "/authors?after=1;x", "", 400, "invalid", "")
	// A rejected parameter teaches: what was meant and what is allowed.
	for _, tt := range []struct{ path, field, says string }{
		{"/books?title.contains=go", "title.contains", `did you mean "title[icontains]"? allowed: author_id, isbn, title,`},
		{"/books?sort=-price_cents", "sort", `did you mean "order"?`},
		{"/books?price_cents.gt=100", "price_cents.gt", `did you mean "price_cents[gt]"?`},
		{"/books?title[contains]=go", "title[contains]", `did you mean "title[icontains]"? allowed: icontains, iprefix`},
		{"/books?order=price_cents:desc", "order", `did you mean "order=-price_cents"? allowed: published_on, title, price_cents, pages, id`},
		{"/authors?per_page=5", "per_page", `did you mean "limit"? allowed: after, limit`},
	} {
		m := c.want("GET", tt.path, "", 400, "invalid", tt.field)
		e := m["error"].(map[string]any)
		if msg, _ := e["message"].(string); !strings.Contains(msg, tt.says) {
			t.Errorf("GET %s: message %q does not say %q", tt.path, msg, tt.says)
		}
		// The same as data: suggest and allowed.
		if s, _ := e["suggest"].(string); !strings.Contains(tt.says, `"`+s+`"`) || s == "" {
			t.Errorf("GET %s: suggest %q, message says %q", tt.path, e["suggest"], tt.says)
		}
		if a, _ := e["allowed"].([]any); len(a) < 2 {
			t.Errorf("GET %s: allowed %v", tt.path, e["allowed"])
		}
	}
	c.want("POST", "/books", bookBody(id(author), "9780000000021", "dup"), 409, "conflict", "isbn")
	c.want("POST", "/books", bookBody(999999, "9780000000022", "fk"), 422, "unprocessable", "author_id")
	c.want("PATCH", fmt.Sprintf("/books/%d", id(book)), `{"title":null}`, 400, "invalid", "title")
	c.want("PATCH", fmt.Sprintf("/books/%d", id(book)), `{"author_id":999999}`, 422, "unprocessable", "author_id")
	c.want("PATCH", "/books/424242", `{"title":"x"}`, 404, "not_found", "")
	c.want("POST", "/books", `{"published_on":"yesterday"}`, 400, "invalid", "published_on")
	c.want("POST", "/books", `{"pages":1e99}`, 400, "invalid", "pages")
	c.want("POST", "/tags", `{"name":"Not Valid"}`, 400, "invalid", "name")
	c.want("POST", "/tags", `{"name":"ok"}`, 201, "", "")
	c.want("POST", "/tags", `{"name":"ok"}`, 409, "conflict", "name")
	c.noContent("PUT", fmt.Sprintf("/books/%d/tags/424242", id(book)), 404, "not_found")
	c.want("GET", "/books/424242/tags", "", 404, "not_found", "")
	c.want("GET", "/authors/424242/books", "", 404, "not_found", "")

	st, m := call(t, "POST", base+"/books", "text/csv", "a,b")
	if code, _ := errCode(m); st != 415 || code != "media_type" {
		t.Fatalf("415: %d %v", st, m)
	}
	st, m = call(t, "POST", base+"/authors", "application/json", `{"name":"`+strings.Repeat("x", app.MaxBodyBytes)+`"}`)
	if code, _ := errCode(m); st != 413 || code != "too_large" {
		t.Fatalf("413: %d %v", st, m)
	}

	// An unexpected database error is a 500 with a request id and no detail.
	exec1(t, dsn, `ALTER TABLE "book_tags" RENAME TO "book_tags_gone"`)
	st, m = c.do("GET", fmt.Sprintf("/books/%d/tags", id(book)), "")
	if code, _ := errCode(m); st != 500 || code != "internal" || strings.Contains(fmt.Sprint(m), "book_tags") {
		t.Fatalf("500: %d %v", st, m)
	}
}

func TestAPITimeoutIs504(t *testing.T) {
	base, _ := startServe(t, pg.URL(t, nil), "-request-timeout", "1ns")
	api{t, base}.want("GET", "/books/1", "", 504, "timeout", "")
}

func TestAPIBulk(t *testing.T) {
	dsn := pg.URL(t, nil)
	base, _ := startServe(t, dsn)
	apiBulk(t, base, dsn)
}

// apiBulk checks POST /books:bulk; dsn is a direct connection to the
// service's database.
func apiBulk(t *testing.T, base, dsn string) {
	c := api{t, base}
	author := id(c.want("POST", "/authors", `{"name":"Bulk"}`, 201, "", ""))
	rec := func(i int) string { return bookBody(author, fmt.Sprintf("97810000%05d", i), fmt.Sprintf("Bulk %d", i)) }
	bulk := func(ct, body string) (int, map[string]any) { return call(t, "POST", base+"/books:bulk", ct, body) }

	var nd strings.Builder
	for i := range 1000 {
		nd.WriteString(rec(i) + "\n")
	}
	if st, m := bulk("application/x-ndjson", nd.String()); st != 201 || m["created"] != 1000.0 {
		t.Fatalf("NDJSON bulk: %d %v", st, m)
	}
	arr := "[" + rec(2000) + "," + rec(2001) + "]"
	if st, m := bulk("application/json", arr); st != 201 || m["created"] != 2.0 {
		t.Fatalf("array bulk: %d %v", st, m)
	}
	if n := count(t, dsn, "books"); n != 1002 {
		t.Fatalf("%d books after bulk, want 1002", n)
	}

	// A bad record in the middle: nothing written, the record named.
	bad := []struct {
		name, ct, body string
		status         int
		code, field    string
	}{
		{"invalid field", "application/x-ndjson", rec(3000) + "\n" + strings.Replace(rec(3001), "97810000", "9", 1) + "\n" + rec(3002), 400, "invalid", "records[1].isbn"},
		{"unknown field", "application/x-ndjson", rec(3000) + "\n" + `{"isbn":"1","colour":"red"}` + "\n", 400, "invalid", "records[1].colour"},
		{"malformed", "application/x-ndjson", rec(3000) + "\n{\"isbn\":\n", 400, "invalid", "records[1]"},
		{"duplicate isbn in the database", "application/x-ndjson", rec(3000) + "\n" + rec(5) + "\n" + rec(3002), 409, "conflict", "records[1].isbn"},
		{"unknown author", "application/json", "[" + rec(3000) + "," + rec(3001) + "," + strings.Replace(rec(3002), fmt.Sprintf(`"author_id":%d`, author), `"author_id":999999`, 1) + "]", 422, "unprocessable", "records[2].author_id"},
		{"not an array", "application/json", rec(3000), 400, "invalid", "records[0]"},
		{"wrong media type", "text/plain", rec(3000), 415, "media_type", ""},
	}
	for _, b := range bad {
		st, m := bulk(b.ct, b.body)
		code, field := errCode(m)
		if st != b.status || code != b.code || field != b.field {
			t.Errorf("%s: %d %s %q (%v), want %d %s %q", b.name, st, code, field, m, b.status, b.code, b.field)
		}
	}
	if n := count(t, dsn, "books"); n != 1002 {
		t.Fatalf("%d books after failed bulks, want 1002 (something was written)", n)
	}
}

// TestAPIThroughPgBouncer runs the API suites with the service behind a
// real PgBouncer in transaction pooling mode (exec mode "exec", no named
// prepared statements), migrating on a direct connection.
func TestAPIThroughPgBouncer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL and PgBouncer")
	}
	cl := pgcluster.MustStart(t, pgcluster.Config{PgBouncer: true})
	admin, err := pgx.Connect(context.Background(), cl.Primary().DSN("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	for _, suite := range []struct {
		name string
		run  func(t *testing.T, base, direct string)
	}{
		{"every_endpoint", func(t *testing.T, base, _ string) { apiEveryEndpoint(t, base) }},
		{"error_mapping", apiErrorMapping},
		{"bulk", apiBulk},
	} {
		t.Run(suite.name, func(t *testing.T) {
			if _, err := admin.Exec(context.Background(), `CREATE DATABASE `+pgx.Identifier{suite.name}.Sanitize()); err != nil {
				t.Fatal(err)
			}
			direct := cl.Primary().DSN(suite.name)
			base, _ := startServe(t, cl.Bouncer().DSN(suite.name), "-exec-mode", "exec", "-migrate-url", direct)
			suite.run(t, base, direct)
		})
	}
}
