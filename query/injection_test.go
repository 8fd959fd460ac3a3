package query_test

import (
	"context"
	"errors"
	"net/url"
	"testing"

	"github.com/aquila-go/aquila/internal/library"
	"github.com/aquila-go/aquila/query"
)

// injectionPayloads are classic SQL-injection strings plus the characters
// that matter to this package (LIKE wildcards, placeholders, quotes of
// both kinds, comment markers, dollar quotes, backslashes).
func injectionPayloads() []string {
	return []string{
		`'; DROP TABLE books; --`,
		`' OR '1'='1`,
		`" OR 1=1 --`,
		`1 OR 1=1`,
		`1; DELETE FROM "books"`,
		`Robert'); DROP TABLE students;--`,
		`title" = "title`,
		`) OR (1=1`,
		`$1`, `$2::text`, `$$ OR 1=1 $$`,
		`/* comment */`, `*/ OR /*`,
		`\'; SELECT pg_sleep(10); --`,
		`E'\x27'`,
		`%`, `_`, `%_%`, `\`,
		`id`, `"id"`, `books.id`, `author_id,title`, `-id`, `id DESC; --`,
		`1e308`, `-0`, `9223372036854775808`,
		`2020-01-01'; --`,
		"\u0000", "\xff\xfe", "\u202e",
	}
}

// TestInjectionNeverChangesSQL puts every payload in every parameter
// position of the books endpoint and of the builder. A payload is either
// rejected with a typed error or accepted as a value: then the SQL text is
// exactly the text of the same parameter with a harmless value, and the
// payload travels only as an argument.
func TestInjectionNeverChangesSQL(t *testing.T) {
	t.Parallel()
	c := newFixture(t)
	build := func(v url.Values) (string, []any, error) {
		q, err := c.endpoint.Parse(v)
		if err != nil {
			return "", nil, err
		}
		return q.SQL()
	}
	baseline := func(param, benign string) string {
		sql, _, err := build(url.Values{param: {benign}})
		if err != nil {
			t.Fatalf("baseline %s=%s: %v", param, benign, err)
		}
		return sql
	}
	// Value positions, with a benign value of the parameter's type.
	values := map[string]string{
		"author_id": "1", "author_id[in]": "1", "published_after": "2020-01-01",
		"published_before": "2020-01-01", "tag": "go", "tag[in]": "go", "title": "x",
		"title[eq]": "x", "title[prefix]": "x", "price_cents[between]": "1,2", "attributes": "true",
		"limit": "5",
	}
	accepted := 0
	for param, benign := range values {
		want := baseline(param, benign)
		for _, p := range injectionPayloads() {
			sql, args, err := build(url.Values{param: {p}})
			if err != nil {
				var pe *query.ParamError
				if !errors.As(err, &pe) || pe.Param != param {
					t.Errorf("%s=%q: untyped rejection %v", param, p, err)
				}
				continue
			}
			accepted++
			if sql != want {
				t.Errorf("%s=%q changed the SQL:\n got %s\nwant %s", param, p, sql, want)
			}
			checkSQLVocabulary(t, sql, args)
		}
	}
	if accepted < 50 {
		t.Fatalf("only %d payloads were accepted as values; the test proves too little", accepted)
	}

	// Name positions: a payload as a parameter name, an operator, an
	// order, a cursor — always a typed rejection.
	for _, p := range injectionPayloads() {
		cases := []struct {
			v     url.Values
			param string
			err   error
		}{
			{url.Values{p: {"1"}}, p, nil},
			{url.Values{"author_id[" + p + "]": {"1"}}, "author_id[" + p + "]", nil},
			{url.Values{"order": {p}}, "order", query.ErrSort},
			{url.Values{"order": {"title," + p}}, "order", query.ErrSort},
			{url.Values{"after": {p}}, "after", query.ErrCursor},
		}
		for _, tt := range cases {
			if tt.param == "order" && (p == "id" || p == "-id") {
				continue // valid orders, not payloads
			}
			_, _, err := build(tt.v)
			var pe *query.ParamError
			if !errors.As(err, &pe) || pe.Param != tt.param || (tt.err != nil && !errors.Is(err, tt.err)) {
				t.Errorf("%v: err = %v, want *ParamError{Param: %q}", tt.v, err, tt.param)
			}
		}
		// The builder: payloads as column, order column and table names.
		for _, q := range []func() error{
			func() error { _, _, err := c.books.Select(query.Eq(p, 1)).SQL(); return err },
			func() error { _, _, err := c.books.Select().OrderBy(query.Asc(p)).SQL(); return err },
			func() error { _, _, err := c.books.Select(query.InSelect("id", p, "id")).SQL(); return err },
			func() error { _, _, err := c.books.Select(query.InSelect(p, "tags", "id")).SQL(); return err },
			func() error { _, _, err := c.books.Select().After(p).SQL(); return err },
		} {
			err := q()
			if p == "id" && err == nil {
				continue // a real column
			}
			var qe *query.Error
			if !errors.As(err, &qe) {
				t.Errorf("builder with %q: %v, want a *query.Error", p, err)
			}
		}
	}
}

// TestInjectionAgainstDatabase runs the accepted payload values on a real
// server: every query succeeds (values are data) and the table survives.
func TestInjectionAgainstDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := seed(t, pg.Pool(t, library.FS))
	c := newFixture(t)
	for _, p := range injectionPayloads() {
		for _, param := range []string{"title", "title[eq]", "title[prefix]", "tag", "tag[in]"} {
			q, err := c.endpoint.Parse(url.Values{param: {p}})
			if err != nil {
				continue
			}
			page, err := q.Page(ctx, s.pool)
			if err != nil {
				t.Fatalf("%s=%q: %v", param, p, err)
			}
			for _, b := range page.Items {
				if param == "title" && p == `%` && b.Title != "50% off 05" && b.Title != "50% off 15" && b.Title != "50% off 25" {
					t.Fatalf("title contains %%: matched %q, a wildcard leaked", b.Title)
				}
			}
		}
	}
	if n, err := c.books.Select().Count(ctx, s.pool); err != nil || n != 30 {
		t.Fatalf("books after the payloads: %d, %v", n, err)
	}
}
