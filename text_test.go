package main

import (
	"fmt"
	"strings"
	"testing"
)

// TestAPIRejectsBadText sends U+0000 and invalid UTF-8 to every kind of
// text field of the catalog — a body, a PATCH, a jsonb key and value, a
// bulk record, a query parameter — and checks each is a 400 naming the
// field with nothing stored. Before, PostgreSQL's refusal of NUL was a 500
// (a bulk record's a 400 carrying the server's message) and invalid UTF-8
// was stored as U+FFFD.
func TestAPIRejectsBadText(t *testing.T) {
	dsn := pg.URL(t, nil)
	base, _ := startServe(t, dsn)
	c := api{t, base}
	author := id(c.want("POST", "/authors", `{"name":"Text"}`, 201, "", ""))
	book := id(c.want("POST", "/books", bookBody(author, "9780000000031", "Clean"), 201, "", ""))
	withTitle := func(title string) string {
		return fmt.Sprintf(`{"author_id":%d,"isbn":"9780000000032","title":"%s","published_on":"2001-02-03","price_cents":1,"pages":1}`, author, title)
	}
	withAttrs := func(attrs string) string {
		return strings.Replace(withTitle("ok"), `"pages":1}`, `"pages":1,"attributes":`+attrs+`}`, 1)
	}
	c.want("POST", "/authors", `{"name":"a\u0000b"}`, 400, "invalid", "name")
	c.want("POST", "/authors", "{\"name\":\"Ann\",\"bio\":\"\xff\"}", 400, "invalid", "bio")
	c.want("POST", "/books", withTitle(`x\u0000`), 400, "invalid", "title")
	c.want("POST", "/books", withTitle("caf\xc3"), 400, "invalid", "title")
	c.want("POST", "/books", withAttrs(`{"lang":"\u0000"}`), 400, "invalid", "attributes.lang")
	c.want("POST", "/books", withAttrs(`{"k\u0000":1}`), 400, "invalid", "attributes")
	c.want("PATCH", fmt.Sprintf("/books/%d", book), `{"title":"\u0000"}`, 400, "invalid", "title")
	c.want("PATCH", fmt.Sprintf("/books/%d", book), `{"attributes":{"a":["\ud800"]}}`, 400, "invalid", "attributes.a[0]")
	c.want("PATCH", fmt.Sprintf("/authors/%d", author), `{"bio":"\u0000"}`, 400, "invalid", "bio")
	c.want("GET", "/books?title[icontains]=%00", "", 400, "invalid", "title[icontains]")
	c.want("GET", "/books?isbn=%FF", "", 400, "invalid", "isbn")
	c.want("GET", "/tags?after=%00", "", 400, "invalid", "after")
	st, m := call(t, "POST", base+"/books:bulk", "application/x-ndjson", withTitle("fine")+"\n"+strings.Replace(withTitle(`x\u0000`), "032", "033", 1)+"\n")
	if code, field := errCode(m); st != 400 || code != "invalid" || field != "records[1].title" || strings.Contains(fmt.Sprint(m), "0x00") {
		t.Errorf("bulk: %d %v", st, m)
	}
	if n := count(t, dsn, "books"); n != 1 {
		t.Errorf("%d books stored, want only the clean one", n)
	}
	if n := count(t, dsn, "authors"); n != 1 {
		t.Errorf("%d authors stored, want only the first", n)
	}
	got := c.want("GET", fmt.Sprintf("/books/%d", book), "", 200, "", "")
	if got["title"] != "Clean" {
		t.Errorf("PATCH changed the title to %q", got["title"])
	}
}
