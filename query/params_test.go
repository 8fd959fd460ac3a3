package query_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aquila-go/aquila/internal/library/db"
	"github.com/aquila-go/aquila/query"
)

func TestParse(t *testing.T) {
	t.Parallel()
	c := newFixture(t)
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	const sel = `SELECT ` + bookCols + ` FROM "books"`
	const tagSub = `"id" IN (SELECT "book_id" FROM "book_tags" WHERE "tag_id" IN (SELECT "id" FROM "tags" WHERE "name" = $3))`
	tests := []struct {
		raw  string
		sql  string
		args []any
	}{
		{"", sel + ` ORDER BY "published_on" DESC, "id" DESC LIMIT $1`, []any{int64(20)}},
		{"author_id=3&published_after=2020-01-01&tag=go&order=-published_on&limit=50",
			sel + ` WHERE "author_id" = $1 AND "published_on" > $2 AND ` + tagSub + ` ORDER BY "published_on" DESC, "id" DESC LIMIT $4`,
			[]any{int64(3), day, "go", int64(50)}},
		{"order=title,-price_cents",
			sel + ` ORDER BY "title", "price_cents" DESC, "id" DESC LIMIT $1`, []any{int64(20)}},
		{"order=%2Btitle", sel + ` ORDER BY "title", "id" LIMIT $1`, []any{int64(20)}},
		{"order=id", sel + ` ORDER BY "id" LIMIT $1`, []any{int64(20)}},
		{"title=50%25_off", sel + ` WHERE "title" ILIKE $1 ORDER BY "published_on" DESC, "id" DESC LIMIT $2`, []any{`%50\%\_off%`, int64(20)}},
		{"title[eq]=Dune", sel + ` WHERE "title" = $1 ORDER BY "published_on" DESC, "id" DESC LIMIT $2`, []any{"Dune", int64(20)}},
		{"title[prefix]=Du", sel + ` WHERE "title" LIKE $1 ORDER BY "published_on" DESC, "id" DESC LIMIT $2`, []any{"Du%", int64(20)}},
		{"author_id[in]=1,2,3", sel + ` WHERE "author_id" = ANY($1) ORDER BY "published_on" DESC, "id" DESC LIMIT $2`, []any{[]int64{1, 2, 3}, int64(20)}},
		{"tag[in]=go,sql", sel + ` WHERE "id" IN (SELECT "book_id" FROM "book_tags" WHERE "tag_id" IN (SELECT "id" FROM "tags" WHERE "name" = ANY($1))) ORDER BY "published_on" DESC, "id" DESC LIMIT $2`,
			[]any{[]string{"go", "sql"}, int64(20)}},
		{"price_cents[between]=100,200", sel + ` WHERE "price_cents" BETWEEN $1 AND $2 ORDER BY "published_on" DESC, "id" DESC LIMIT $3`, []any{int64(100), int64(200), int64(20)}},
		{"price_cents[ge]=100&price_cents[lt]=200", sel + ` WHERE "price_cents" >= $1 AND "price_cents" < $2 ORDER BY "published_on" DESC, "id" DESC LIMIT $3`, []any{int64(100), int64(200), int64(20)}},
		{"attributes=true", sel + ` WHERE "attributes" IS NULL ORDER BY "published_on" DESC, "id" DESC LIMIT $1`, []any{int64(20)}},
		{"attributes[null]=false", sel + ` WHERE "attributes" IS NOT NULL ORDER BY "published_on" DESC, "id" DESC LIMIT $1`, []any{int64(20)}},
		{"published_before=2020-01-01&published_after=2019-01-01", sel + ` WHERE "published_on" > $1 AND "published_on" < $2 ORDER BY "published_on" DESC, "id" DESC LIMIT $3`,
			[]any{day.AddDate(-1, 0, 0), day, int64(20)}},
	}
	for _, tt := range tests {
		q, err := c.endpoint.Parse(mustQuery(t, tt.raw))
		if err != nil {
			t.Fatalf("%q: %v", tt.raw, err)
		}
		sql, args, err := q.SQL()
		if err != nil {
			t.Fatalf("%q: %v", tt.raw, err)
		}
		if sql != tt.sql {
			t.Errorf("%q:\n got %s\nwant %s", tt.raw, sql, tt.sql)
		}
		if !reflect.DeepEqual(args, tt.args) {
			t.Errorf("%q: args %#v, want %#v", tt.raw, args, tt.args)
		}
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	c := newFixture(t)
	long := strings.Repeat("a", 1025)
	many := strings.TrimSuffix(strings.Repeat("1,", 101), ",")
	tests := []struct {
		raw   string
		param string
		err   error
	}{
		{"nope=1", "nope", query.ErrUnknownParam},
		{"isbn=1", "isbn", query.ErrUnknownParam}, // a column, but not allowed
		{"author_id[gt]=1", "author_id[gt]", query.ErrUnknownOp},
		{"author_id[zz]=1", "author_id[zz]", query.ErrUnknownOp},
		{"author_id[]=1", "author_id[]", query.ErrUnknownOp},
		{"author_id[=1", "author_id[", query.ErrUnknownParam},
		{"[eq]=1", "[eq]", query.ErrUnknownParam},
		{"author_id=1&author_id=2", "author_id", query.ErrRepeatedParam},
		{"author_id=abc", "author_id", query.ErrValue},
		{"author_id=", "author_id", query.ErrValue},
		{"author_id=99999999999999999999", "author_id", query.ErrValue},
		{"price_cents=3000000000", "price_cents", query.ErrValue},
		{"price_cents[between]=1", "price_cents[between]", query.ErrValue},
		{"price_cents[between]=1,2,3", "price_cents[between]", query.ErrValue},
		{"price_cents[between]=1,x", "price_cents[between]", query.ErrValue},
		{"author_id[in]=" + many, "author_id[in]", query.ErrValue},
		{"author_id[in]=1,,2", "author_id[in]", query.ErrValue},
		{"published_after=yesterday", "published_after", query.ErrValue},
		{"published_after=2020-02-30", "published_after", query.ErrValue},
		{"title=%00", "title", query.ErrValue},
		{"title=%ff", "title", query.ErrValue},
		{"title=" + long, "title", query.ErrValue},
		{"attributes=maybe", "attributes", query.ErrValue},
		{"limit=0", "limit", query.ErrLimit},
		{"limit=101", "limit", query.ErrLimit},
		{"limit=-1", "limit", query.ErrLimit},
		{"limit=1e2", "limit", query.ErrLimit},
		{"limit=", "limit", query.ErrLimit},
		{"limit=1&limit=2", "limit", query.ErrRepeatedParam},
		{"order=pages", "order", query.ErrSort},
		{"order=", "order", query.ErrSort},
		{"order=-", "order", query.ErrSort},
		{"order=title,title", "order", query.ErrSort},
		{"order=title,-title", "order", query.ErrSort},
		{"order=TITLE", "order", query.ErrSort},
		{"order=title,id,price_cents,published_on,title", "order", query.ErrSort},
		{"after=garbage", "after", query.ErrCursor},
		{"after=", "", nil}, // empty cursor: first page
	}
	for _, tt := range tests {
		_, err := c.endpoint.Parse(mustQuery(t, tt.raw))
		if tt.err == nil {
			if err != nil {
				t.Errorf("%q: %v", tt.raw, err)
			}
			continue
		}
		var pe *query.ParamError
		if !errors.As(err, &pe) || !errors.Is(err, tt.err) || pe.Param != tt.param {
			t.Errorf("%.60q: err = %v, want *ParamError{Param: %q} wrapping %v", tt.raw, err, tt.param, tt.err)
			continue
		}
		if p := tt.param; len(p) < 60 && !strings.Contains(err.Error(), `"`+p+`"`) {
			t.Errorf("%q: message %q does not name the parameter", tt.raw, err)
		}
	}
}

func TestNewEndpointValidatesConfig(t *testing.T) {
	t.Parallel()
	c := newFixture(t)
	ok := booksEndpoint()
	bad := map[string]func(*query.EndpointConfig){
		"unknown column": func(e *query.EndpointConfig) {
			e.Filters = append(e.Filters, query.Filter{Param: "x", Ops: []query.Op{query.OpEq}})
		},
		"like on a number":   func(e *query.EndpointConfig) { e.Filters[0].Ops = []query.Op{query.OpContains} },
		"no operator":        func(e *query.EndpointConfig) { e.Filters[0].Ops = nil },
		"duplicate param":    func(e *query.EndpointConfig) { e.Filters = append(e.Filters, e.Filters[0]) },
		"reserved param":     func(e *query.EndpointConfig) { e.Filters[0].Param = "limit"; e.Filters[0].Column = "author_id" },
		"bracket in param":   func(e *query.EndpointConfig) { e.Filters[0].Param = "a[b]"; e.Filters[0].Column = "author_id" },
		"path unknown table": func(e *query.EndpointConfig) { e.Filters[3].Path[1].Table = "nope" },
		"path unknown key":   func(e *query.EndpointConfig) { e.Filters[3].Path[0].Key = "nope" },
		"sort on jsonb":      func(e *query.EndpointConfig) { e.Sort = append(e.Sort, "attributes") },
		"sort unknown":       func(e *query.EndpointConfig) { e.Sort = append(e.Sort, "nope") },
		"default sort":       func(e *query.EndpointConfig) { e.DefaultSort = []query.Order{query.Asc("nope")} },
		"limits":             func(e *query.EndpointConfig) { e.DefaultLimit, e.MaxLimit = 50, 10 },
		"same param names":   func(e *query.EndpointConfig) { e.AfterParam = "limit" },
		"in on jsonb":        func(e *query.EndpointConfig) { e.Filters[6].Ops = []query.Op{query.OpIn} },
		"invalid op":         func(e *query.EndpointConfig) { e.Filters[0].Ops = []query.Op{query.Op(200)} },
	}
	for name, mutate := range bad {
		cfg := booksEndpoint()
		mutate(&cfg)
		if _, err := query.NewEndpoint(c.books, cfg); err == nil {
			t.Errorf("%s: accepted", name)
		} else if !errors.As(err, new(*query.Error)) {
			t.Errorf("%s: %v is not a *query.Error", name, err)
		}
	}
	if _, err := query.NewEndpoint(c.books, ok); err != nil {
		t.Fatal(err)
	}
	// Sorting on a nullable column is refused: keyset pages need NOT NULL.
	if _, err := query.NewEndpoint(c.authors, query.EndpointConfig{Sort: []string{"email"}}); !errors.Is(err, query.ErrNullableKey) {
		t.Fatalf("nullable sort column: %v", err)
	}
	var _ *query.Endpoint[db.Book]
}

// TestParseTeaches checks that a rejected parameter says what the client
// most likely meant and lists what is allowed: other APIs' spellings of
// filters and operators, of order, limit and cursor, case and typos.
func TestParseTeaches(t *testing.T) {
	t.Parallel()
	c := newFixture(t)
	names := []string{"author_id", "published_after", "published_before", "tag", "title", "price_cents", "attributes", "order", "limit", "after"}
	tests := []struct {
		raw     string
		err     error
		suggest string
		allowed []string
	}{
		{"title.contains=go", query.ErrUnknownParam, "title[icontains]", names},
		{"title__icontains=go", query.ErrUnknownParam, "title[icontains]", names},
		{"title:prefix=go", query.ErrUnknownParam, "title[prefix]", names},
		{"title_startswith=go", query.ErrUnknownParam, "title[prefix]", names},
		{"price_cents.gt=100", query.ErrUnknownParam, "price_cents[gt]", names},
		{"price_cents_gte=100", query.ErrUnknownParam, "price_cents[ge]", names},
		{"price_cents.lte=100", query.ErrUnknownParam, "price_cents[le]", names},
		{"price_cents.range=1,2", query.ErrUnknownParam, "price_cents[between]", names},
		{"author_id.gt=1", query.ErrUnknownParam, "", names}, // a known operator the filter lacks: no other offered
		{"sort=-price_cents", query.ErrUnknownParam, "order", names},
		{"order_by=title", query.ErrUnknownParam, "order", names},
		{"per_page=10", query.ErrUnknownParam, "limit", names},
		{"page_size=10", query.ErrUnknownParam, "limit", names},
		{"cursor=x", query.ErrUnknownParam, "after", names},
		{"page=2", query.ErrUnknownParam, "after", names},
		{"Title=go", query.ErrUnknownParam, "title", names},
		{"published-after=2020-01-01", query.ErrUnknownParam, "published_after", names},
		{"auther_id=1", query.ErrUnknownParam, "author_id", names},
		{"author=1", query.ErrUnknownParam, "author_id", names},
		{"published=2020-01-01", query.ErrUnknownParam, "", names}, // after or before: ambiguous
		{"colour=red", query.ErrUnknownParam, "", names},
		{"title[contains]=go", query.ErrUnknownOp, "title[icontains]", []string{"icontains", "eq", "prefix"}},
		{"title[startswith]=go", query.ErrUnknownOp, "title[prefix]", []string{"icontains", "eq", "prefix"}},
		{"title[iprefix]=go", query.ErrUnknownOp, "title[prefix]", []string{"icontains", "eq", "prefix"}},
		{"price_cents[gte]=1", query.ErrUnknownOp, "price_cents[ge]", []string{"eq", "lt", "le", "gt", "ge", "between"}},
		{"price_cents[btween]=1,2", query.ErrUnknownOp, "price_cents[between]", []string{"eq", "lt", "le", "gt", "ge", "between"}},
		{"author_id[gt]=1", query.ErrUnknownOp, "", []string{"eq", "in"}},
		{"order=price_cents:desc", query.ErrSort, "order=-price_cents", []string{"published_on", "title", "price_cents", "id"}},
		{"order=title%20asc,-published", query.ErrSort, "order=title,-published_on", []string{"published_on", "title", "price_cents", "id"}},
		{"order=Title", query.ErrSort, "order=title", []string{"published_on", "title", "price_cents", "id"}},
		{"order=pages", query.ErrSort, "", []string{"published_on", "title", "price_cents", "id"}},
	}
	for _, tt := range tests {
		_, err := c.endpoint.Parse(mustQuery(t, tt.raw))
		var pe *query.ParamError
		if !errors.As(err, &pe) || !errors.Is(err, tt.err) {
			t.Errorf("%q: err = %v, want a *ParamError wrapping %v", tt.raw, err, tt.err)
			continue
		}
		if pe.Suggest != tt.suggest {
			t.Errorf("%q: suggests %q, want %q", tt.raw, pe.Suggest, tt.suggest)
		}
		if !reflect.DeepEqual(pe.Allowed, tt.allowed) {
			t.Errorf("%q: allows %q, want %q", tt.raw, pe.Allowed, tt.allowed)
		}
		msg := pe.Message()
		if tt.suggest != "" && !strings.Contains(msg, `did you mean "`+tt.suggest+`"?`) {
			t.Errorf("%q: message %q lacks the suggestion", tt.raw, msg)
		}
		if !strings.Contains(msg, "allowed: "+strings.Join(tt.allowed, ", ")) {
			t.Errorf("%q: message %q lacks the allowed list", tt.raw, msg)
		}
		if err.Error() != `query: parameter "`+pe.Param+`": `+msg {
			t.Errorf("%q: Error() = %q, want the parameter and the message", tt.raw, err)
		}
	}
	// A suggestion is always accepted by the endpoint.
	for _, tt := range tests {
		if tt.suggest == "" || tt.err == query.ErrSort {
			continue
		}
		raw := tt.suggest + "=" + strings.SplitN(tt.raw, "=", 2)[1]
		if tt.suggest == "after" {
			continue // needs a real cursor
		}
		if _, err := c.endpoint.Parse(mustQuery(t, raw)); err != nil {
			t.Errorf("suggested %q: %v", raw, err)
		}
	}
}

func TestValidateNames(t *testing.T) {
	t.Parallel()
	if err := query.ValidateNames(mustQuery(t, "limit=1&after=x"), "after", "limit"); err != nil {
		t.Fatal(err)
	}
	for raw, suggest := range map[string]string{
		"per_page=5": "limit", "limt=5": "limit", "cursor=x": "after", "sort=name": "", "colour=red": "",
	} {
		err := query.ValidateNames(mustQuery(t, raw+"&limit=1"), "after", "limit")
		var pe *query.ParamError
		if !errors.As(err, &pe) || !errors.Is(err, query.ErrUnknownParam) {
			t.Fatalf("%q: %v", raw, err)
		}
		if pe.Param != strings.Split(raw, "=")[0] || pe.Suggest != suggest || !reflect.DeepEqual(pe.Allowed, []string{"after", "limit"}) {
			t.Errorf("%q: %+v, want suggestion %q", raw, pe, suggest)
		}
	}
}

func TestDescribe(t *testing.T) {
	t.Parallel()
	c := newFixture(t)
	d := c.endpoint.Describe()
	type row struct {
		param, column, table string
		kind                 query.Kind
		nullable             bool
		ops                  []query.Op
	}
	var got []row
	for _, f := range d.Filters {
		got = append(got, row{f.Param, f.Column, f.Table, f.Kind, f.Nullable, f.Ops})
	}
	want := []row{
		{"author_id", "author_id", "books", query.KindInt64, false, []query.Op{query.OpEq, query.OpIn}},
		{"published_after", "published_on", "books", query.KindDate, false, []query.Op{query.OpGt}},
		{"published_before", "published_on", "books", query.KindDate, false, []query.Op{query.OpLt}},
		{"tag", "name", "tags", query.KindText, false, []query.Op{query.OpEq, query.OpIn}},
		{"title", "title", "books", query.KindText, false, []query.Op{query.OpIContains, query.OpEq, query.OpHasPrefix}},
		{"price_cents", "price_cents", "books", query.KindInt32, false, []query.Op{query.OpEq, query.OpLt, query.OpLe, query.OpGt, query.OpGe, query.OpBetween}},
		{"attributes", "attributes", "books", query.KindNone, true, []query.Op{query.OpIsNull}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("filters:\n got %v\nwant %v", got, want)
	}
	if d.SortParam != "order" || d.LimitParam != "limit" || d.AfterParam != "after" ||
		d.DefaultLimit != 20 || d.MaxLimit != 100 || d.MaxListValues != 100 || d.MaxValueLen != 1024 ||
		!reflect.DeepEqual(d.Sort, []string{"published_on", "title", "price_cents", "id"}) ||
		len(d.DefaultSort) != 1 || d.DefaultSort[0].Column() != "published_on" || !d.DefaultSort[0].Descending() {
		t.Fatalf("description: %+v", d)
	}
	// The description is the caller's: changing it changes nothing.
	d.Filters[0].Ops[0], d.Sort[0] = query.OpNe, "nope"
	if _, err := c.endpoint.Parse(mustQuery(t, "author_id=1&order=published_on")); err != nil {
		t.Fatal(err)
	}
	if again := c.endpoint.Describe(); again.Filters[0].Ops[0] != query.OpEq || again.Sort[0] != "published_on" {
		t.Fatalf("Describe shares its slices: %+v", again)
	}
	// A value's format is the one the rejection names.
	_, err := c.endpoint.Parse(mustQuery(t, "published_after=tomorrow"))
	if err == nil || !strings.Contains(err.Error(), query.KindDate.Format()) {
		t.Fatalf("rejection %v does not name %q", err, query.KindDate.Format())
	}
}
