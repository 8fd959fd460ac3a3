package query_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/aquila-go/aquila/internal/library"
	"github.com/aquila-go/aquila/internal/library/db"
	"github.com/aquila-go/aquila/query"
)

const bookCols = `"id", "author_id", "isbn", "title", "published_on", "price_cents", "pages", "attributes", "created_at", "updated_at"`

func TestBuildSQL(t *testing.T) {
	t.Parallel()
	c := newFixture(t)
	b := c.books
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		q    *query.Query[db.Book]
		sql  string
		args []any
	}{
		{"all", b.Select(), `SELECT ` + bookCols + ` FROM "books"`, nil},
		{"eq", b.Select(query.Eq("author_id", int64(3))),
			`SELECT ` + bookCols + ` FROM "books" WHERE "author_id" = $1`, []any{int64(3)}},
		{"comparisons",
			b.Select(query.Ne("pages", 1), query.Lt("price_cents", 10), query.Le("price_cents", 11), query.Gt("published_on", day), query.Ge("id", 5)),
			`SELECT ` + bookCols + ` FROM "books" WHERE "pages" <> $1 AND "price_cents" < $2 AND "price_cents" <= $3 AND "published_on" > $4 AND "id" >= $5`,
			[]any{1, 10, 11, day, 5}},
		{"in", b.Select(query.In("id", []int64{1, 2}), query.NotIn("author_id", []int64{3})),
			`SELECT ` + bookCols + ` FROM "books" WHERE "id" = ANY($1) AND "author_id" <> ALL($2)`, []any{[]int64{1, 2}, []int64{3}}},
		{"null", b.Select(query.IsNull("attributes"), query.NotNull("title")),
			`SELECT ` + bookCols + ` FROM "books" WHERE "attributes" IS NULL AND "title" IS NOT NULL`, nil},
		{"like", b.Select(query.Like("isbn", "978%"), query.ILike("title", "the%")),
			`SELECT ` + bookCols + ` FROM "books" WHERE "isbn" LIKE $1 AND "title" ILIKE $2`, []any{"978%", "the%"}},
		{"contains escapes", b.Select(query.Contains("title", `50%_off\`), query.IContains("title", "go"), query.HasPrefix("isbn", "97_"), query.IHasPrefix("title", "a")),
			`SELECT ` + bookCols + ` FROM "books" WHERE "title" LIKE $1 AND "title" ILIKE $2 AND "isbn" LIKE $3 AND "title" ILIKE $4`,
			[]any{`%50\%\_off\\%`, "%go%", `97\_%`, "a%"}},
		{"between", b.Select(query.Between("price_cents", 100, 200)),
			`SELECT ` + bookCols + ` FROM "books" WHERE "price_cents" BETWEEN $1 AND $2`, []any{100, 200}},
		{"groups", b.Select(query.Or(query.Eq("author_id", 1), query.And(query.Eq("author_id", 2), query.Not(query.Eq("pages", 3)))), query.And(), query.Or()),
			`SELECT ` + bookCols + ` FROM "books" WHERE ("author_id" = $1 OR ("author_id" = $2 AND NOT ("pages" = $3))) AND TRUE AND FALSE`,
			[]any{1, 2, 3}},
		{"not group", b.Select(query.Not(query.Or(query.Eq("id", 1), query.Eq("id", 2)))),
			`SELECT ` + bookCols + ` FROM "books" WHERE NOT ("id" = $1 OR "id" = $2)`, []any{1, 2}},
		{"semi-join", b.Select(query.InSelect("id", "book_tags", "book_id", query.InSelect("tag_id", "tags", "id", query.Eq("name", "go")))),
			`SELECT ` + bookCols + ` FROM "books" WHERE "id" IN (SELECT "book_id" FROM "book_tags" WHERE "tag_id" IN (SELECT "id" FROM "tags" WHERE "name" = $1))`,
			[]any{"go"}},
		{"order limit offset", b.Select(query.Eq("author_id", 1)).OrderBy(query.Desc("published_on"), query.Asc("title").NullsFirst()).Limit(10).Offset(20),
			`SELECT ` + bookCols + ` FROM "books" WHERE "author_id" = $1 ORDER BY "published_on" DESC, "title" NULLS FIRST, "id" LIMIT $2 OFFSET $3`,
			[]any{1, int64(10), int64(20)}},
		{"key not repeated", b.Select().OrderBy(query.Desc("id").NullsLast()),
			`SELECT ` + bookCols + ` FROM "books" ORDER BY "id" DESC NULLS LAST`, nil},
		{"key follows direction", b.Select().OrderBy(query.Desc("published_on")),
			`SELECT ` + bookCols + ` FROM "books" ORDER BY "published_on" DESC, "id" DESC`, nil},
	}
	for _, tt := range tests {
		sql, args, err := tt.q.SQL()
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if sql != tt.sql {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, sql, tt.sql)
		}
		if len(args) != len(tt.args) || (len(args) > 0 && !reflect.DeepEqual(args, tt.args)) {
			t.Errorf("%s: args %#v, want %#v", tt.name, args, tt.args)
		}
	}
}

func TestCountAndExistsSQL(t *testing.T) {
	t.Parallel()
	c := newFixture(t)
	q := c.books.Select(query.Eq("author_id", 7)).OrderBy(query.Asc("title")).Limit(5)
	sql, args, err := q.CountSQL()
	if err != nil || sql != `SELECT count(*) FROM "books" WHERE "author_id" = $1` || len(args) != 1 {
		t.Fatalf("CountSQL = %q %v %v", sql, args, err)
	}
	sql, args, err = q.ExistsSQL()
	if err != nil || sql != `SELECT EXISTS (SELECT 1 FROM "books" WHERE "author_id" = $1)` || len(args) != 1 {
		t.Fatalf("ExistsSQL = %q %v %v", sql, args, err)
	}
}

func TestBuildErrors(t *testing.T) {
	t.Parallel()
	c := newFixture(t)
	b := c.books
	tests := []struct {
		name string
		q    *query.Query[db.Book]
		err  error
		col  string
	}{
		{"unknown column", b.Select(query.Eq("nope", 1)), query.ErrUnknownColumn, "nope"},
		{"quoted name is not a column", b.Select(query.Eq(`"id"`, 1)), query.ErrUnknownColumn, `"id"`},
		{"unknown order column", b.Select().OrderBy(query.Asc("id; DROP TABLE books")), query.ErrUnknownColumn, "id; DROP TABLE books"},
		{"like on a number", b.Select(query.Contains("pages", "1")), query.ErrOperator, "pages"},
		{"less than on jsonb", b.Select(query.Lt("attributes", "{}")), query.ErrOperator, "attributes"},
		{"order by jsonb", b.Select().OrderBy(query.Asc("attributes")), query.ErrNotSortable, "attributes"},
		{"nil value", b.Select(query.Eq("title", nil)), query.ErrNilValue, "title"},
		{"nil between", b.Select(query.Between("pages", 1, nil)), query.ErrNilValue, "pages"},
		{"unknown table", b.Select(query.InSelect("id", "nope", "id")), query.ErrUnknownTable, ""},
		{"unknown sub column", b.Select(query.InSelect("id", "tags", "id", query.Eq("nope", 1))), query.ErrUnknownColumn, "nope"},
		{"negative limit", b.Select().Limit(-1), query.ErrNegative, ""},
		{"repeated order", b.Select().OrderBy(query.Asc("title"), query.Desc("title")), query.ErrSort, "title"},
		{"cursor and offset", b.Select().Offset(1).After("x"), query.ErrCursorAndOffset, ""},
		{"bad cursor", b.Select().After("x"), query.ErrCursor, ""},
	}
	for _, tt := range tests {
		_, _, err := tt.q.SQL()
		var qe *query.Error
		if !errors.Is(err, tt.err) || !errors.As(err, &qe) || qe.Column != tt.col {
			t.Errorf("%s: err = %v, want *Error{Column: %q} wrapping %v", tt.name, err, tt.col, tt.err)
		}
	}
}

func TestNewTableValidatesFields(t *testing.T) {
	t.Parallel()
	cat, err := library.New()
	if err != nil {
		t.Fatal(err)
	}
	s, err := query.NewSchema(cat.Registry, query.SchemaConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var shared int64
	bad := []query.TableConfig[db.Tag]{
		{Table: "nope", Fields: func(r *db.Tag, d []any) []any { return d }},
		{Table: "tags"},
		{Table: "tags", Fields: func(r *db.Tag, d []any) []any { return append(d, &r.ID) }},                       // too few
		{Table: "tags", Fields: func(r *db.Tag, d []any) []any { return append(d, &r.ID, r.Name, &r.Weight) }},    // not a pointer
		{Table: "tags", Fields: func(r *db.Tag, d []any) []any { return append(d, &shared, &r.Name, &r.Weight) }}, // outside the row
		{Table: "tags", Columns: []string{"id", "id"}, Fields: func(r *db.Tag, d []any) []any { return append(d, &r.ID, &r.ID) }},
		{Table: "tags", Columns: []string{"id"}, Key: []string{"name"}, Fields: func(r *db.Tag, d []any) []any { return append(d, &r.ID) }},
	}
	for i, cfg := range bad {
		if _, err := query.NewTable(s, cfg); err == nil {
			t.Errorf("config %d accepted", i)
		} else if !errors.As(err, new(*query.Error)) {
			t.Errorf("config %d: %v is not a *query.Error", i, err)
		}
	}
	// A nullable key column is refused.
	_, err = query.NewTable(s, query.TableConfig[db.Author]{Table: "authors", Fields: authorFields, Key: []string{"email"}})
	if !errors.Is(err, query.ErrNullableKey) {
		t.Fatalf("nullable key: %v", err)
	}
	// A subset of columns.
	tags, err := query.NewTable(s, query.TableConfig[db.Tag]{Table: "tags", Columns: []string{"name", "id"},
		Fields: func(r *db.Tag, d []any) []any { return append(d, &r.Name, &r.ID) }})
	if err != nil {
		t.Fatal(err)
	}
	if sql, _, _ := tags.Select().SQL(); sql != `SELECT "name", "id" FROM "tags"` {
		t.Fatalf("subset: %s", sql)
	}
}

func TestShapeCache(t *testing.T) {
	t.Parallel()
	c := newFixture(t)
	q1 := c.books.Select(query.Eq("author_id", 1)).Limit(5)
	q2 := c.books.Select(query.Eq("author_id", 99999)).Limit(50)
	s1, _, _ := q1.SQL()
	s2, a2, _ := q2.SQL()
	if s1 != s2 || a2[0] != 99999 || a2[1] != int64(50) {
		t.Fatalf("same shape, different SQL or args: %q %q %v", s1, s2, a2)
	}
	st := c.schema.ShapeStats()
	if st.Size != 1 || st.Misses != 1 {
		t.Fatalf("stats after one shape twice: %+v", st)
	}
	// Operators, columns, order and paging are part of the shape.
	shapes := []*query.Query[db.Book]{
		c.books.Select(query.Ne("author_id", 1)).Limit(5),
		c.books.Select(query.Eq("pages", 1)).Limit(5),
		c.books.Select(query.Eq("author_id", 1)),
		c.books.Select(query.Eq("author_id", 1)).Limit(5).OrderBy(query.Asc("title")),
		c.books.Select(query.Eq("author_id", 1)).Limit(5).OrderBy(query.Desc("title")),
		c.books.Select(query.Eq("author_id", 1)).Limit(5).OrderBy(query.Asc("title").NullsFirst()),
		c.books.Select(query.Eq("author_id", 1)).Limit(5).Offset(1),
	}
	seen := map[string]bool{s1: true}
	for i, q := range shapes {
		sql, _, err := q.SQL()
		if err != nil {
			t.Fatal(err)
		}
		if seen[sql] {
			t.Errorf("shape %d shares SQL with another: %s", i, sql)
		}
		seen[sql] = true
	}
}

func TestShapeCacheIsBounded(t *testing.T) {
	t.Parallel()
	cat, _ := library.New()
	s, err := query.NewSchema(cat.Registry, query.SchemaConfig{ShapeCacheSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	books, err := query.NewTable(s, query.TableConfig[db.Book]{Table: "books", Fields: bookFields})
	if err != nil {
		t.Fatal(err)
	}
	for _, col := range []string{"id", "author_id", "pages", "title"} {
		if _, _, err := books.Select(query.Eq(col, 1)).SQL(); err != nil {
			t.Fatal(err)
		}
	}
	if st := s.ShapeStats(); st.Size != 2 || st.Evictions != 2 {
		t.Fatalf("bounded cache: %+v", st)
	}
}

func TestSchemaRejectsShortKey(t *testing.T) {
	t.Parallel()
	cat, _ := library.New()
	if _, err := query.NewSchema(cat.Registry, query.SchemaConfig{CursorKeys: [][]byte{[]byte("short")}}); !errors.Is(err, query.ErrCursorKey) {
		t.Fatalf("short key: %v", err)
	}
}
