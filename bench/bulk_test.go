package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aquila-go/aquila/internal/catalog"
	"github.com/aquila-go/aquila/internal/db"
	"github.com/aquila-go/aquila/model"
	"github.com/aquila-go/aquila/postgres/pgtest"
	"github.com/aquila-go/aquila/schema"
)

var pg = pgtest.New()

func TestMain(m *testing.M) { os.Exit(pg.Run(m)) }

// bookColumns are the columns every contender writes: the books shape
// without the identity key and the timestamps, which take their defaults.
var bookColumns = []string{"author_id", "isbn", "title", "published_on", "price_cents", "pages", "attributes"}

// bareTable has the books columns with none of the catalog's foreign key,
// unique, check or secondary indexes: the server's per-row work is small,
// so the client and the protocol dominate, as in pgx's own benchmarks.
func bareTable() *model.TableDef {
	return model.Table("books_bare",
		model.Col("id", model.BigInt).Identity().PrimaryKey(),
		model.Col("author_id", model.BigInt).NotNull(),
		model.Col("isbn", model.Text).NotNull(),
		model.Col("title", model.Text).NotNull(),
		model.Col("published_on", model.Date).NotNull(),
		model.Col("price_cents", model.Integer).NotNull(),
		model.Col("pages", model.Integer).NotNull(),
		model.Col("attributes", model.JSONB),
		model.Col("created_at", model.TimestampTZ).NotNull().Default("now()"),
		model.Col("updated_at", model.TimestampTZ).NotNull().Default("now()"),
	)
}

func bookFields() []model.Field[db.Book] {
	return []model.Field[db.Book]{
		model.Int64("author_id", func(b *db.Book) int64 { return b.AuthorID }),
		model.String("isbn", func(b *db.Book) string { return b.Isbn }),
		model.String("title", func(b *db.Book) string { return b.Title }),
		model.Time("published_on", func(b *db.Book) time.Time { return b.PublishedOn }),
		model.Int32("price_cents", func(b *db.Book) int32 { return b.PriceCents }),
		model.Int32("pages", func(b *db.Book) int32 { return b.Pages }),
		model.Bytes("attributes", func(b *db.Book) []byte { return b.Attributes }),
	}
}

func bookValues(r *db.Book, dst []any) []any {
	return append(dst, r.AuthorID, r.Isbn, r.Title, r.PublishedOn, r.PriceCents, r.Pages, r.Attributes)
}

// fixture is a database with the catalog and the bare table, n books of
// one author (half of them with attributes) and, per table, a typed binding
// (BindFields), a values-function binding (Bind) and the books' binary COPY
// stream as the server writes it (COPY … TO STDOUT BINARY).
type fixture struct {
	nets          []transport
	books         []db.Book
	typed, values map[string]*model.Binding[db.Book]
	encoded       map[string][]byte
}

// transport is one way of reaching the server: "tcp" is 127.0.0.1 (loopback,
// where services usually meet PostgreSQL), "unix" its Unix socket.
type transport struct {
	name string
	pool *pgxpool.Pool
}

func setup(b *testing.B, n int) *fixture {
	b.Helper()
	c, err := catalog.New()
	if err != nil {
		b.Fatal(err)
	}
	reg, err := model.NewRegistry(bareTable())
	if err != nil {
		b.Fatal(err)
	}
	f := &fixture{
		typed:   map[string]*model.Binding[db.Book]{},
		values:  map[string]*model.Binding[db.Book]{},
		encoded: map[string][]byte{},
	}
	for _, t := range []*model.TableDef{c.Registry.Table("books"), reg.Table("books_bare")} {
		if f.typed[t.Name()], err = model.BindFields(t, bookFields()...); err != nil {
			b.Fatal(err)
		}
		if f.values[t.Name()], err = model.Bind(t, bookColumns, bookValues); err != nil {
			b.Fatal(err)
		}
	}
	pool := pg.Pool(b, schema.FS)
	f.nets = transports(b, pool)
	ctx := context.Background()
	for _, stmt := range reg.CreateStatements() {
		if _, err := pool.Exec(ctx, stmt); err != nil {
			b.Fatal(err)
		}
	}
	var author int64
	if err := pool.QueryRow(ctx, "INSERT INTO authors (name) VALUES ('Ann') RETURNING id").Scan(&author); err != nil {
		b.Fatal(err)
	}
	books := make([]db.Book, n)
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range books {
		books[i] = db.Book{
			AuthorID:    author,
			Isbn:        fmt.Sprintf("978%010d", i),
			Title:       "Book " + strconv.Itoa(i),
			PublishedOn: day.AddDate(0, 0, i%3650),
			PriceCents:  int32(100 + i%5000),
			Pages:       int32(1 + i%900),
		}
		if i%2 == 0 {
			books[i].Attributes = []byte(`{"edition": 1}`)
		}
	}
	f.books = books
	for table, bind := range f.typed {
		if _, err := model.BulkCreate(ctx, pool, bind, books); err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		err := pool.AcquireFunc(ctx, func(c *pgxpool.Conn) error {
			_, err := c.Conn().PgConn().CopyTo(ctx, &buf, copySQL(table, "TO STDOUT"))
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		f.encoded[table] = buf.Bytes()
		if _, err := pool.Exec(ctx, "TRUNCATE "+table+" CASCADE"); err != nil {
			b.Fatal(err)
		}
	}
	return f
}

// transports returns pool and, when pool reaches the server through a Unix
// socket, a second pool on 127.0.0.1 and the same port (the embedded test
// server listens on both). TCP comes first.
func transports(b *testing.B, pool *pgxpool.Pool) []transport {
	b.Helper()
	if !strings.HasPrefix(pool.Config().ConnConfig.Host, "/") {
		return []transport{{"tcp", pool}}
	}
	unix := transport{"unix", pool}
	cfg := pool.Config().Copy()
	cfg.ConnConfig.Host = "127.0.0.1"
	cfg.ConnConfig.Fallbacks = nil
	ctx := context.Background()
	tcp, err := pgxpool.NewWithConfig(ctx, cfg)
	if err == nil {
		err = tcp.Ping(ctx)
	}
	if err != nil {
		b.Logf("no TCP on 127.0.0.1:%d, Unix socket only: %v", cfg.ConnConfig.Port, err)
		return []transport{unix}
	}
	b.Cleanup(tcp.Close)
	return []transport{{"tcp", tcp}, unix}
}

// copySQL is COPY table (the books columns) <dir> BINARY.
func copySQL(table, dir string) string {
	return "COPY " + table + " (" + strings.Join(bookColumns, ", ") + ") " + dir + " BINARY"
}

// run times op, which writes n rows into table, emptying the table before
// each iteration (untimed), and reports rows/s and allocations per row.
func run(b *testing.B, pool *pgxpool.Pool, table string, n int, op func(ctx context.Context) error) {
	b.Helper()
	ctx := context.Background()
	truncate := func() {
		if _, err := pool.Exec(ctx, "TRUNCATE "+table+" CASCADE"); err != nil {
			b.Fatal(err)
		}
	}
	// One untimed round warms the pool's connections and statement caches.
	truncate()
	if err := op(ctx); err != nil {
		b.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		truncate()
		b.StartTimer()
		if err := op(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	var count int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&count); err != nil || count != n {
		b.Fatalf("%s has %d rows, want %d (%v)", table, count, n, err)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	// Mallocs counts every goroutine (pgx's COPY writer included), plus
	// the untimed TRUNCATEs, a handful of allocations each.
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N)/float64(n), "allocs/row")
}

// contender is one way to write the fixture's books into a table.
type contender struct {
	name string
	op   func(ctx context.Context) error
}

// contenders are the ways BenchmarkBulk and BenchmarkBulkPaired compare:
//
//   - model_BulkCreate: model.BulkCreate with the typed binding (BindFields:
//     binary COPY encoded from the struct fields, as internal/catalog binds books);
//   - model_BulkCreate_values: model.BulkCreate with a values function (Bind,
//     through pgx.CopyFrom);
//   - pgx_CopyFrom: hand-written pgx.CopyFrom on the pool, a new []any per row;
//   - pgconn_CopyFrom_encoded: the rows' binary COPY stream, encoded before
//     the timer starts, sent with pgconn.CopyFrom: the floor of any COPY
//     client, the time the protocol and the server alone take;
//   - sqlc_CopyFrom: the sqlc :copyfrom query CreateBooks (books only);
//   - insert_per_row: one INSERT per row in a transaction (Aquilia's bulk_create);
//   - insert_multi_1000: one multi-row INSERT per 1 000 rows in a transaction.
func (f *fixture) contenders(pool *pgxpool.Pool, table string) []contender {
	books, typed, values, encoded := f.books, f.typed[table], f.values[table], f.encoded[table]
	cs := []contender{
		{"model_BulkCreate", func(ctx context.Context) error {
			_, err := model.BulkCreate(ctx, pool, typed, books)
			return err
		}},
		{"model_BulkCreate_values", func(ctx context.Context) error {
			_, err := model.BulkCreate(ctx, pool, values, books)
			return err
		}},
		{"pgx_CopyFrom", func(ctx context.Context) error {
			_, err := pool.CopyFrom(ctx, pgx.Identifier{table}, bookColumns,
				pgx.CopyFromSlice(len(books), func(i int) ([]any, error) {
					r := &books[i]
					return []any{r.AuthorID, r.Isbn, r.Title, r.PublishedOn, r.PriceCents, r.Pages, r.Attributes}, nil
				}))
			return err
		}},
		{"pgconn_CopyFrom_encoded", func(ctx context.Context) error {
			return pool.AcquireFunc(ctx, func(c *pgxpool.Conn) error {
				_, err := c.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(encoded), copySQL(table, "FROM STDIN"))
				return err
			})
		}},
	}
	if table == "books" {
		params := make([]db.CreateBooksParams, len(books))
		for i, bk := range books {
			params[i] = db.CreateBooksParams{AuthorID: bk.AuthorID, Isbn: bk.Isbn, Title: bk.Title,
				PublishedOn: bk.PublishedOn, PriceCents: bk.PriceCents, Pages: bk.Pages, Attributes: bk.Attributes}
		}
		q := db.New(pool)
		cs = append(cs, contender{"sqlc_CopyFrom", func(ctx context.Context) error {
			_, err := q.CreateBooks(ctx, params)
			return err
		}})
	}
	one := insertSQL(table, 1)
	return append(cs,
		contender{"insert_per_row", func(ctx context.Context) error {
			return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
				for i := range books {
					r := &books[i]
					if _, err := tx.Exec(ctx, one, r.AuthorID, r.Isbn, r.Title, r.PublishedOn, r.PriceCents, r.Pages, r.Attributes); err != nil {
						return err
					}
				}
				return nil
			})
		}},
		contender{"insert_multi_1000", func(ctx context.Context) error {
			return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
				for start := 0; start < len(books); start += 1000 {
					chunk := books[start:min(start+1000, len(books))]
					args := make([]any, 0, len(chunk)*len(bookColumns))
					for i := range chunk {
						args = bookValues(&chunk[i], args)
					}
					if _, err := tx.Exec(ctx, insertSQL(table, len(chunk)), args...); err != nil {
						return err
					}
				}
				return nil
			})
		}},
	)
}

// BenchmarkBulk times each contender writing n rows of the books shape,
// committed once, into the catalog's books table (foreign key, unique and
// check constraints, four indexes: the server's per-row work is large) and
// into books_bare (the same columns, primary key only), over TCP on
// 127.0.0.1 and over the Unix socket.
func BenchmarkBulk(b *testing.B) {
	for _, n := range []int{100, 10_000} {
		f := setup(b, n)
		for _, table := range []string{"books", "books_bare"} {
			for _, t := range f.nets {
				b.Run(fmt.Sprintf("table=%s/rows=%d/net=%s", table, n, t.name), func(b *testing.B) {
					for _, c := range f.contenders(t.pool, table) {
						b.Run(c.name, func(b *testing.B) { run(b, t.pool, table, n, c.op) })
					}
				})
			}
		}
	}
}

// BenchmarkBulkPaired runs every contender once per iteration, in rotating
// order, so that they share the machine's load, and reports each one's
// median time (ms-<name>) and its ratio to model.BulkCreate's median
// (x-<name>; above 1 means slower than BulkCreate). The ratios are the
// numbers to quote on a noisy machine. Use -benchtime 10x or more.
func BenchmarkBulkPaired(b *testing.B) {
	for _, n := range []int{100, 10_000} {
		f := setup(b, n)
		for _, table := range []string{"books", "books_bare"} {
			for _, t := range f.nets {
				b.Run(fmt.Sprintf("table=%s/rows=%d/net=%s", table, n, t.name), func(b *testing.B) {
					paired(b, t.pool, table, n, f.contenders(t.pool, table))
				})
			}
		}
	}
}

// paired runs one BenchmarkBulkPaired case.
func paired(b *testing.B, pool *pgxpool.Pool, table string, n int, cs []contender) {
	ctx := context.Background()
	times := make([][]time.Duration, len(cs))
	truncate := func() {
		if _, err := pool.Exec(ctx, "TRUNCATE "+table+" CASCADE"); err != nil {
			b.Fatal(err)
		}
	}
	for _, c := range cs { // warm up
		truncate()
		if err := c.op(ctx); err != nil {
			b.Fatal(err)
		}
	}
	for round := 0; b.Loop(); round++ {
		for k := range cs {
			j := (k + round) % len(cs)
			truncate()
			start := time.Now()
			if err := cs[j].op(ctx); err != nil {
				b.Fatal(err)
			}
			times[j] = append(times[j], time.Since(start))
		}
	}
	base := median(times[0])
	for j, c := range cs {
		m := median(times[j])
		b.ReportMetric(float64(m)/1e6, "ms-"+c.name)
		if j > 0 {
			b.ReportMetric(float64(m)/float64(base), "x-"+c.name)
		}
	}
	b.ReportMetric(float64(n)/base.Seconds(), "rows/s-model")
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// insertSQL is INSERT INTO table (...) VALUES ($1, ..., $7), ... for rows
// rows. Built per call, as an ORM's multi-row insert does.
func insertSQL(table string, rows int) string {
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + table + " (" + strings.Join(bookColumns, ", ") + ") VALUES ")
	p := 1
	for i := range rows {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		for j := range len(bookColumns) {
			if j > 0 {
				sb.WriteString(", ")
			}
			sb.WriteByte('$')
			sb.WriteString(strconv.Itoa(p))
			p++
		}
		sb.WriteByte(')')
	}
	return sb.String()
}

// BenchmarkCreateTableSQL generates the CREATE TABLE statement of an
// 8-column table with a primary key, a foreign key, a unique and a check
// constraint and two defaults (the Python seed's generate_create_table_sql
// took 3.16 µs for 8 fields), as a new string and into a reused buffer.
func BenchmarkCreateTableSQL(b *testing.B) {
	reg, err := model.NewRegistry(
		model.Table("authors", model.Col("id", model.BigInt).Identity().PrimaryKey()),
		model.Table("books",
			model.Col("id", model.BigInt).Identity().PrimaryKey(),
			model.Col("author_id", model.BigInt).NotNull().References("authors", "id").OnDelete(model.Restrict),
			model.Col("isbn", model.Varchar(13)).NotNull().Unique(),
			model.Col("title", model.Text).NotNull(),
			model.Col("price", model.Numeric(10, 2)).NotNull().Check(`"price" >= 0`),
			model.Col("published_on", model.Date),
			model.Col("in_print", model.Boolean).NotNull().DefaultValue(true),
			model.Col("created_at", model.TimestampTZ).NotNull().Default("now()"),
		),
	)
	if err != nil {
		b.Fatal(err)
	}
	t := reg.Table("books")
	b.Run("CreateSQL", func(b *testing.B) {
		b.ReportAllocs()
		var sql string
		for b.Loop() {
			sql = t.CreateSQL()
		}
		if !strings.HasPrefix(sql, `CREATE TABLE "books"`) {
			b.Fatal(sql)
		}
	})
	// The same statement appended to a reused buffer: the generation
	// without the allocation and first touch of a new string.
	b.Run("AppendCreateSQL", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			buf = t.AppendCreateSQL(buf[:0])
		}
		if string(buf) != t.CreateSQL() {
			b.Fatal(string(buf))
		}
	})
}
