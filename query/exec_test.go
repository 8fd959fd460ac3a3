package query_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aquila-go/aquila/internal/library"
	"github.com/aquila-go/aquila/internal/library/db"
	"github.com/aquila-go/aquila/postgres"
	"github.com/aquila-go/aquila/query"
)

// seeded is a library database with 3 authors, 30 books and 3 tags.
type seeded struct {
	pool    *pgxpool.Pool
	authors []db.Author
	books   []db.Book
	tags    map[string]int64
}

// seed fills a new database: book i has author i%3, is published on day
// i/2 (so pairs share a date and the key breaks ties), costs (i*7)%10
// euros, has attributes on even i and tags "go" (i%2==0), "sql"
// (i%3==0) and "sf" (i%5==0).
func seed(t *testing.T, pool *pgxpool.Pool) *seeded {
	t.Helper()
	ctx := context.Background()
	s := &seeded{pool: pool, tags: map[string]int64{}}
	for i := range 3 {
		a := db.Author{Name: fmt.Sprintf("Author %d", i)}
		if err := pool.QueryRow(ctx, `INSERT INTO "authors" ("name") VALUES ($1) RETURNING "id", "languages", "created_at"`, a.Name).
			Scan(&a.ID, &a.Languages, &a.CreatedAt); err != nil {
			t.Fatal(err)
		}
		s.authors = append(s.authors, a)
	}
	for _, name := range []string{"go", "sql", "sf"} {
		var id int64
		if err := pool.QueryRow(ctx, `INSERT INTO "tags" ("name") VALUES ($1) RETURNING "id"`, name).Scan(&id); err != nil {
			t.Fatal(err)
		}
		s.tags[name] = id
	}
	titles := []string{"Alpha", "beta", "Gamma", "delta", "Epsilon", "50% off", "under_score", `back\slash`, "it's", "Zeta"}
	for i := range 30 {
		b := db.Book{
			AuthorID:    s.authors[i%3].ID,
			Isbn:        fmt.Sprintf("978%010d", i),
			Title:       fmt.Sprintf("%s %02d", titles[i%len(titles)], i),
			PublishedOn: time.Date(2020, 1, 1+i/2, 0, 0, 0, 0, time.UTC),
			PriceCents:  int32((i * 7) % 10 * 100),
			Pages:       int32(100 + i),
		}
		if i%2 == 0 {
			b.Attributes = json.RawMessage(fmt.Sprintf(`{"n": %d}`, i))
		}
		if err := pool.QueryRow(ctx, `INSERT INTO "books" ("author_id", "isbn", "title", "published_on", "price_cents", "pages", "attributes")
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING "id", "attributes", "created_at", "updated_at"`,
			b.AuthorID, b.Isbn, b.Title, b.PublishedOn, b.PriceCents, b.Pages, b.Attributes).Scan(&b.ID, &b.Attributes, &b.CreatedAt, &b.UpdatedAt); err != nil {
			t.Fatal(err)
		}
		s.books = append(s.books, b)
		for name, every := range map[string]int{"go": 2, "sql": 3, "sf": 5} {
			if i%every == 0 {
				if _, err := pool.Exec(ctx, `INSERT INTO "book_tags" ("book_id", "tag_id") VALUES ($1, $2)`, b.ID, s.tags[name]); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return s
}

// ids lists book ids as the database orders them with orderBy.
func ids(t *testing.T, pool *pgxpool.Pool, where, orderBy string, args ...any) []int64 {
	t.Helper()
	if where != "" {
		where = " WHERE " + where
	}
	rows, err := pool.Query(context.Background(), `SELECT "id" FROM "books"`+where+` ORDER BY `+orderBy, args...)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func bookIDs(bs []db.Book) []int64 {
	out := make([]int64, len(bs))
	for i, b := range bs {
		out[i] = b.ID
	}
	return out
}

func TestAllOneCountExists(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := seed(t, pg.Pool(t, library.FS))
	c := newFixture(t)
	b := c.books
	a0 := s.authors[0].ID

	got, err := b.Select(query.Eq("author_id", a0)).OrderBy(query.Asc("id")).All(ctx, s.pool)
	if err != nil {
		t.Fatal(err)
	}
	if want := ids(t, s.pool, `"author_id" = $1`, `"id"`, a0); !reflect.DeepEqual(bookIDs(got), want) {
		t.Fatalf("All = %v, want %v", bookIDs(got), want)
	}
	// Every field is scanned, as the seed read them back from the server.
	if !reflect.DeepEqual(got[0], s.books[0]) {
		t.Fatalf("scanned %+v, inserted %+v", got[0], s.books[0])
	}

	tests := []struct {
		name  string
		conds []query.Cond
		where string
		args  []any
	}{
		{"in", []query.Cond{query.In("author_id", []int64{s.authors[1].ID, s.authors[2].ID})}, `"author_id" = ANY($1)`, []any{[]int64{s.authors[1].ID, s.authors[2].ID}}},
		{"not in", []query.Cond{query.NotIn("author_id", []int64{a0})}, `"author_id" <> $1`, []any{a0}},
		{"null", []query.Cond{query.IsNull("attributes")}, `"attributes" IS NULL`, nil},
		{"between dates", []query.Cond{query.Between("published_on", time.Date(2020, 1, 3, 0, 0, 0, 0, time.UTC), time.Date(2020, 1, 5, 0, 0, 0, 0, time.UTC))},
			`"published_on" BETWEEN '2020-01-03' AND '2020-01-05'`, nil},
		{"contains percent literally", []query.Cond{query.Contains("title", "50%")}, `strpos("title", '50%') > 0`, nil},
		{"contains underscore literally", []query.Cond{query.Contains("title", "r_s")}, `strpos("title", 'r_s') > 0`, nil},
		{"contains backslash literally", []query.Cond{query.Contains("title", `k\s`)}, `strpos("title", E'k\\s') > 0`, nil},
		{"icontains", []query.Cond{query.IContains("title", "ALPHA")}, `lower("title") LIKE '%alpha%'`, nil},
		{"prefix", []query.Cond{query.HasPrefix("title", "be")}, `"title" LIKE 'be%'`, nil},
		{"or/not", []query.Cond{query.Or(query.Eq("pages", 100), query.Not(query.Lt("pages", 128)))}, `"pages" = 100 OR "pages" >= 128`, nil},
		{"tag semi-join", []query.Cond{query.InSelect("id", "book_tags", "book_id", query.InSelect("tag_id", "tags", "id", query.Eq("name", "sf")))},
			`"id" IN (SELECT "book_id" FROM "book_tags" bt JOIN "tags" t ON t."id" = bt."tag_id" WHERE t."name" = 'sf')`, nil},
		{"quote in value", []query.Cond{query.Eq("title", "it's 08")}, `"title" = 'it''s 08'`, nil},
	}
	for _, tt := range tests {
		q := b.Select(tt.conds...).OrderBy(query.Asc("id"))
		got, err := q.All(ctx, s.pool)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		want := ids(t, s.pool, tt.where, `"id"`, tt.args...)
		if len(want) == 0 {
			t.Fatalf("%s: the fixture matches no row", tt.name)
		}
		if !reflect.DeepEqual(bookIDs(got), want) {
			t.Errorf("%s: got %v, want %v", tt.name, bookIDs(got), want)
		}
		n, err := q.Count(ctx, s.pool)
		if err != nil || n != int64(len(want)) {
			t.Errorf("%s: Count = %d, %v; want %d", tt.name, n, err, len(want))
		}
		ok, err := q.Exists(ctx, s.pool)
		if err != nil || !ok {
			t.Errorf("%s: Exists = %v, %v", tt.name, ok, err)
		}
	}

	one, err := b.Select(query.Eq("isbn", s.books[4].Isbn)).One(ctx, s.pool)
	if err != nil || one.ID != s.books[4].ID {
		t.Fatalf("One = %v, %v", one.ID, err)
	}
	if _, err := b.Select(query.Eq("isbn", "none")).One(ctx, s.pool); !errors.Is(err, pgx.ErrNoRows) {
		t.Fatalf("One with no row: %v", err)
	}
	if ok, err := b.Select(query.Eq("isbn", "none")).Exists(ctx, s.pool); err != nil || ok {
		t.Fatalf("Exists with no row: %v %v", ok, err)
	}
	// Offset paging.
	page, err := b.Select().OrderBy(query.Asc("id")).Limit(5).Offset(10).All(ctx, s.pool)
	if err != nil || !reflect.DeepEqual(bookIDs(page), bookIDs(s.books[10:15])) {
		t.Fatalf("limit/offset = %v, %v", bookIDs(page), err)
	}
}

// TestPageWalksEveryOrder pages through all books with several orders,
// uniform and mixed directions, and checks the concatenated pages against
// the database's own ORDER BY.
func TestPageWalksEveryOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := seed(t, pg.Pool(t, library.FS))
	c := newFixture(t)
	orders := []struct {
		order []query.Order
		sql   string
	}{
		{nil, `"id"`},
		{[]query.Order{query.Desc("published_on")}, `"published_on" DESC, "id" DESC`},
		{[]query.Order{query.Asc("published_on")}, `"published_on", "id"`},
		{[]query.Order{query.Asc("title")}, `"title", "id"`},
		{[]query.Order{query.Desc("price_cents"), query.Asc("title")}, `"price_cents" DESC, "title", "id"`},
		{[]query.Order{query.Asc("price_cents"), query.Desc("published_on")}, `"price_cents", "published_on" DESC, "id" DESC`},
		{[]query.Order{query.Desc("id")}, `"id" DESC`},
	}
	for _, o := range orders {
		for _, limit := range []int{1, 4, 7, 30, 100} {
			var got []int64
			cursor := ""
			for pages := 0; ; pages++ {
				if pages > 40 {
					t.Fatalf("%s limit %d: no end", o.sql, limit)
				}
				p, err := c.books.Select().OrderBy(o.order...).Limit(limit).After(cursor).Page(ctx, s.pool)
				if err != nil {
					t.Fatalf("%s limit %d: %v", o.sql, limit, err)
				}
				if len(p.Items) > limit {
					t.Fatalf("page of %d rows, limit %d", len(p.Items), limit)
				}
				got = append(got, bookIDs(p.Items)...)
				if p.Next == "" {
					break
				}
				cursor = p.Next
			}
			if want := ids(t, s.pool, "", o.sql); !reflect.DeepEqual(got, want) {
				t.Fatalf("order %s limit %d:\n got %v\nwant %v", o.sql, limit, got, want)
			}
		}
	}
	// Filters combine with the keyset condition.
	var got []int64
	cursor := ""
	for {
		p, err := c.books.Select(query.Eq("author_id", s.authors[1].ID)).OrderBy(query.Desc("published_on")).Limit(3).After(cursor).Page(ctx, s.pool)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, bookIDs(p.Items)...)
		if cursor = p.Next; cursor == "" {
			break
		}
	}
	if want := ids(t, s.pool, `"author_id" = $1`, `"published_on" DESC, "id" DESC`, s.authors[1].ID); !reflect.DeepEqual(got, want) {
		t.Fatalf("filtered pages %v, want %v", got, want)
	}
}

func TestPageErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newFixture(t)
	var nilDB query.DBTX // never reached: every case fails before running
	cases := []struct {
		q   *query.Query[db.Book]
		err error
	}{
		{c.books.Select(), query.ErrNoLimit},
		{c.books.Select().Limit(5).Offset(5), query.ErrCursorAndOffset},
		{c.books.Select().Limit(5).OrderBy(query.Asc("attributes")), query.ErrNotSortable},
	}
	for i, tt := range cases {
		if _, err := tt.q.Page(ctx, nilDB); !errors.Is(err, tt.err) {
			t.Errorf("case %d: %v, want %v", i, err, tt.err)
		}
	}
	// Nullable order column; table without key; schema without cursor key.
	if _, err := c.authors.Select().OrderBy(query.Asc("email")).Limit(5).Page(ctx, nilDB); !errors.Is(err, query.ErrNullableKey) {
		t.Errorf("nullable order column: %v", err)
	}
	cat, _ := library.New()
	noCursorKeys, _ := query.NewSchema(cat.Registry, query.SchemaConfig{})
	books, err := query.NewTable(noCursorKeys, query.TableConfig[db.Book]{Table: "books", Fields: bookFields, Key: []string{"id"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := books.Select().Limit(5).Page(ctx, nilDB); !errors.Is(err, query.ErrNoCursorKey) {
		t.Errorf("schema without cursor keys: %v", err)
	}
	if _, err := query.NewEndpoint(books, booksEndpoint()); !errors.Is(err, query.ErrNoCursorKey) {
		t.Errorf("endpoint on a schema without cursor keys: %v", err)
	}
	unkeyed, err := query.NewTable(c.schema, query.TableConfig[db.Book]{Table: "books", Fields: bookFields})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := unkeyed.Select().Limit(5).Page(ctx, nilDB); !errors.Is(err, query.ErrNoKey) {
		t.Errorf("table without key: %v", err)
	}
	if _, _, err := unkeyed.Select().After("x").SQL(); !errors.Is(err, query.ErrNoKey) {
		t.Errorf("cursor on a table without key: %v", err)
	}
}

// TestEndpointPagesAgainstDatabase runs the books endpoint as the HTTP
// handler would: parse, page, follow Next.
func TestEndpointPagesAgainstDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := seed(t, pg.Pool(t, library.FS))
	c := newFixture(t)
	raw := fmt.Sprintf("author_id[in]=%d,%d&published_after=2020-01-02&tag=go&title=a&order=-published_on&limit=2",
		s.authors[0].ID, s.authors[1].ID)
	var got []int64
	next := ""
	for pages := 0; pages < 20; pages++ {
		v := mustQuery(t, raw)
		if next != "" {
			v.Set("after", next)
		}
		q, err := c.endpoint.Parse(v)
		if err != nil {
			t.Fatal(err)
		}
		p, err := q.Page(ctx, s.pool)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, bookIDs(p.Items)...)
		if next = p.Next; next == "" {
			break
		}
	}
	want := ids(t, s.pool, `"author_id" = ANY($1) AND "published_on" > '2020-01-02' AND "title" ILIKE '%a%'
		AND "id" IN (SELECT "book_id" FROM "book_tags" WHERE "tag_id" = $2)`, `"published_on" DESC, "id" DESC`,
		[]int64{s.authors[0].ID, s.authors[1].ID}, s.tags["go"])
	if len(want) < 3 || !reflect.DeepEqual(got, want) {
		t.Fatalf("endpoint pages %v, want %v", got, want)
	}
	// A cursor from one order is refused with another.
	q, _ := c.endpoint.Parse(mustQuery(t, "limit=2"))
	p, err := q.Page(ctx, s.pool)
	if err != nil || p.Next == "" {
		t.Fatal(err)
	}
	_, err = c.endpoint.Parse(mustQuery(t, "limit=2&order=title&after="+p.Next))
	var pe *query.ParamError
	if !errors.As(err, &pe) || pe.Param != "after" || !errors.Is(err, query.ErrCursor) {
		t.Fatalf("cursor reused with another order: %v", err)
	}
}

// countingTracer counts queries that reach the server.
type countingTracer struct{ n atomic.Int64 }

func (c *countingTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}
func (c *countingTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TestBuilderThroughReadScope: builder queries are reads to the
// request-scoped cache, served once per scope until a write.
func TestBuilderThroughReadScope(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tr := &countingTracer{}
	pool, err := postgres.Open(ctx, postgres.Config{DSN: pg.URL(t, library.FS), MinIdleConns: 2, MaxConns: 2, Tracer: tr})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	s := seed(t, pool)
	c := newFixture(t)
	scope := postgres.NewReadCache(postgres.ReadCacheConfig{}).Scope(pool)
	tr.n.Store(0)
	var first []db.Book
	for i := range 3 {
		got, err := c.books.Select(query.Eq("author_id", s.authors[0].ID)).OrderBy(query.Asc("title")).Limit(5).All(ctx, scope)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = got
		} else if !reflect.DeepEqual(got, first) {
			t.Fatal("cached builder result differs")
		}
		if n, err := c.books.Select(query.Eq("author_id", s.authors[0].ID)).Count(ctx, scope); err != nil || n != 10 {
			t.Fatalf("Count = %d, %v", n, err)
		}
	}
	if n := tr.n.Load(); n != 2 {
		t.Fatalf("3× (All + Count) through one scope = %d queries, want 2", n)
	}
	if _, err := scope.Exec(ctx, `DELETE FROM "books" WHERE "id" = $1`, first[0].ID); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.books.Select(query.Eq("author_id", s.authors[0].ID)).Count(ctx, scope); n != 9 {
		t.Fatalf("Count after a delete through the scope = %d, want 9", n)
	}
}
