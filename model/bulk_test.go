package model_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aquila-go/aquila/internal/library"
	"github.com/aquila-go/aquila/model"
)

// libraryDB returns the library fixture and a pool on a fresh migrated
// database holding one author, whose id it returns.
func libraryDB(t *testing.T) (*library.Library, *pgxpool.Pool, int64) {
	t.Helper()
	c, err := library.New()
	if err != nil {
		t.Fatal(err)
	}
	pool := pg.Pool(t, library.FS)
	var id int64
	if err := pool.QueryRow(context.Background(), "INSERT INTO authors (name) VALUES ('Ann') RETURNING id").Scan(&id); err != nil {
		t.Fatal(err)
	}
	return c, pool, id
}

// bookBindings returns the library's typed binding (binary COPY) and the
// same columns bound with a values function (pgx.CopyFrom).
func bookBindings(t *testing.T, c *library.Library) map[string]*model.Binding[book] {
	t.Helper()
	values, err := model.Bind(c.Registry.Table("books"), c.Books.Columns(), func(r *book, dst []any) []any {
		return append(dst, r.AuthorID, r.Isbn, r.Title, r.PublishedOn, r.PriceCents, r.Pages, r.Attributes)
	})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*model.Binding[book]{"fields": c.Books, "values": values}
}

// forBindings runs test as a parallel subtest for each of bookBindings.
func forBindings(t *testing.T, test func(t *testing.T, binding *model.Binding[book])) {
	t.Parallel()
	c, err := library.New()
	if err != nil {
		t.Fatal(err)
	}
	for name, binding := range bookBindings(t, c) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			test(t, binding)
		})
	}
}

func makeBooks(authorID int64, n int) []book {
	books := make([]book, n)
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range books {
		books[i] = book{
			AuthorID:    authorID,
			Isbn:        fmt.Sprintf("978%010d", i),
			Title:       fmt.Sprintf("Book %d", i),
			PublishedOn: day.AddDate(0, 0, i%3650),
			PriceCents:  int32(100 + i%5000),
			Pages:       int32(1 + i%900),
		}
		if i%2 == 0 {
			books[i].Attributes = []byte(`{"edition": 1}`)
		}
	}
	return books
}

func seqOf[T any](rows []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func countRows(t *testing.T, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, table string) int {
	t.Helper()
	var n int
	if err := q.QueryRow(context.Background(), "SELECT count(*) FROM "+pgx.Identifier{table}.Sanitize()).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBulkCreate(t *testing.T) {
	forBindings(t, func(t *testing.T, binding *model.Binding[book]) {
		_, pool, author := libraryDB(t)
		ctx := context.Background()
		books := makeBooks(author, 10_000)
		var progress []int64
		var committed int64
		b := binding.WithAfterCommit(func(_ context.Context, n int64) { committed = n })
		n, err := model.BulkCreate(ctx, pool, b, books,
			model.WithChunkSize(3000), model.WithProgress(func(n int64) { progress = append(progress, n) }))
		if err != nil {
			t.Fatal(err)
		}
		if n != 10_000 || committed != 10_000 {
			t.Errorf("n = %d, after-commit hook got %d; want 10000", n, committed)
		}
		if want := []int64{3000, 6000, 9000, 10_000}; fmt.Sprint(progress) != fmt.Sprint(want) {
			t.Errorf("progress %v, want %v", progress, want)
		}
		if got := countRows(t, pool, "books"); got != 10_000 {
			t.Errorf("%d rows", got)
		}
		// Values arrive intact, NULL included.
		var title string
		var attrs []byte
		var pub time.Time
		if err := pool.QueryRow(ctx, "SELECT title, published_on, attributes FROM books WHERE isbn = $1", books[9999].Isbn).Scan(&title, &pub, &attrs); err != nil {
			t.Fatal(err)
		}
		if title != books[9999].Title || !pub.Equal(books[9999].PublishedOn) || attrs != nil {
			t.Errorf("row 9999 read back as %q %v %q", title, pub, attrs)
		}
	})
}

// TestBulkCreateSeq streams rows: chunks, progress and the after-commit
// hook as for a slice, a stream ending on a chunk boundary, the rows
// pulled while the COPY runs, and a stream that panics.
func TestBulkCreateSeq(t *testing.T) {
	forBindings(t, func(t *testing.T, binding *model.Binding[book]) {
		_, pool, author := libraryDB(t)
		ctx := context.Background()
		for _, tc := range []struct {
			rows     int
			progress string
		}{
			{10_000, "[3000 6000 9000 10000]"},
			{9_000, "[3000 6000 9000]"},
			{1, "[1]"},
		} {
			if _, err := pool.Exec(ctx, "TRUNCATE books CASCADE"); err != nil {
				t.Fatal(err)
			}
			books := makeBooks(author, tc.rows)
			var progress []int64
			var committed int64
			b := binding.WithAfterCommit(func(_ context.Context, n int64) { committed = n })
			n, err := model.BulkCreateSeq(ctx, pool, b, seqOf(books),
				model.WithChunkSize(3000), model.WithProgress(func(n int64) { progress = append(progress, n) }))
			if err != nil {
				t.Fatal(err)
			}
			if n != int64(tc.rows) || committed != n || fmt.Sprint(progress) != tc.progress {
				t.Errorf("%d rows: n = %d, hook got %d, progress %v; want %s", tc.rows, n, committed, progress, tc.progress)
			}
			if got := countRows(t, pool, "books"); got != tc.rows {
				t.Errorf("%d rows in the table, want %d", got, tc.rows)
			}
		}

		// The stream is read while the COPY runs, not gathered first:
		// when the stream reaches its 4 000th row, another session
		// sees the COPY in progress (polled: the server may not have
		// read the statement yet on a loaded machine, but it can
		// never see it if the rows are gathered before the COPY).
		if _, err := pool.Exec(ctx, "TRUNCATE books CASCADE"); err != nil {
			t.Fatal(err)
		}
		books := makeBooks(author, 5000)
		copying := -1
		stream := func(yield func(book, error) bool) {
			for i := range books {
				for try := 0; i == 4000 && copying != 1 && try < 100; try++ {
					if try > 0 {
						time.Sleep(20 * time.Millisecond)
					}
					if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
							WHERE datname = current_database() AND state = 'active' AND query ILIKE 'COPY %'`).Scan(&copying); err != nil {
						t.Error(err)
						break
					}
				}
				if !yield(books[i], nil) {
					return
				}
			}
		}
		if n, err := model.BulkCreateSeq(ctx, pool, binding, stream); err != nil || n != 5000 {
			t.Fatalf("BulkCreateSeq = %d, %v", n, err)
		}
		if copying != 1 {
			t.Errorf("%d COPY statements running while the stream was read, want 1", copying)
		}

		// A panic in the stream is re-raised in the caller's goroutine,
		// after the rollback.
		if _, err := pool.Exec(ctx, "TRUNCATE books CASCADE"); err != nil {
			t.Fatal(err)
		}
		panicking := func(yield func(book, error) bool) {
			for i := range books {
				if i == 2500 {
					panic("stream broke")
				}
				if !yield(books[i], nil) {
					return
				}
			}
		}
		got := func() (p any) {
			defer func() { p = recover() }()
			model.BulkCreateSeq(ctx, pool, binding, panicking, model.WithChunkSize(1000))
			return nil
		}()
		if got != "stream broke" {
			t.Fatalf("recovered %v, want the stream's panic", got)
		}
		if n := countRows(t, pool, "books"); n != 0 {
			t.Errorf("%d rows after the panic, want 0", n)
		}
		if n, err := model.BulkCreateSeq(ctx, pool, binding, seqOf(books[:10])); err != nil || n != 10 {
			t.Fatalf("after the panic: %d, %v", n, err)
		}
	})
}

// TestBulkCreateViolation: a constraint violation in row 9 999 of 10 000,
// after nine chunks went through, leaves zero rows.
func TestBulkCreateViolation(t *testing.T) {
	t.Parallel()
	c, err := library.New()
	if err != nil {
		t.Fatal(err)
	}
	for name, binding := range bookBindings(t, c) {
		for _, stream := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/stream=%v", name, stream), func(t *testing.T) {
				t.Parallel()
				_, pool, author := libraryDB(t)
				books := makeBooks(author, 10_000)
				books[9998].Pages = 0 // violates books_pages_check
				var committed atomic.Bool
				b := binding.WithAfterCommit(func(context.Context, int64) { committed.Store(true) })
				var err error
				if stream {
					_, err = model.BulkCreateSeq(context.Background(), pool, b, seqOf(books), model.WithChunkSize(1000))
				} else {
					_, err = model.BulkCreate(context.Background(), pool, b, books, model.WithChunkSize(1000))
				}
				var pgErr *pgconn.PgError
				if !errors.As(err, &pgErr) || pgErr.ConstraintName != "books_pages_check" {
					t.Fatalf("err = %v, want the books_pages_check violation", err)
				}
				var rowErr *model.RowError
				if !errors.As(err, &rowErr) || rowErr.Row != 9998 {
					t.Errorf("err = %v, want a *model.RowError for row 9998", err)
				}
				if !strings.HasPrefix(err.Error(), "copy books: ") {
					t.Errorf("err = %q, want it to start with the table", err)
				}
				if committed.Load() {
					t.Error("after-commit hook ran")
				}
				if n := countRows(t, pool, "books"); n != 0 {
					t.Errorf("%d rows left, want 0", n)
				}
			})
		}
	}
}

// TestBulkCreateCancel cancels the context in the middle of a COPY: the
// values function, called while pgx streams the rows, cancels at row 15 000
// of 20 000.
func TestBulkCreateCancel(t *testing.T) {
	t.Parallel()
	c, pool, author := libraryDB(t)
	books := makeBooks(author, 20_000)
	for _, chunk := range []int{20_000, 4_000} {
		for _, stream := range []bool{false, true} {
			for _, typed := range []bool{false, true} {
				ctx, cancel := context.WithCancel(context.Background())
				row := 0
				isbn := func(r *book) string {
					if row++; row == 15_000 {
						cancel()
						time.Sleep(20 * time.Millisecond) // let the cancel reach the server
					}
					return r.Isbn
				}
				var b *model.Binding[book]
				var err error
				if typed {
					b, err = model.BindFields(c.Registry.Table("books"),
						model.Int64("author_id", func(r *book) int64 { return r.AuthorID }),
						model.String("isbn", isbn),
						model.String("title", func(r *book) string { return r.Title }),
						model.Time("published_on", func(r *book) time.Time { return r.PublishedOn }),
						model.Int32("price_cents", func(r *book) int32 { return r.PriceCents }),
						model.Int32("pages", func(r *book) int32 { return r.Pages }))
				} else {
					b, err = model.Bind(c.Registry.Table("books"), c.Books.Columns(), func(r *book, dst []any) []any {
						return append(dst, r.AuthorID, isbn(r), r.Title, r.PublishedOn, r.PriceCents, r.Pages, r.Attributes)
					})
				}
				if err != nil {
					t.Fatal(err)
				}
				if stream {
					_, err = model.BulkCreateSeq(ctx, pool, b, seqOf(books), model.WithChunkSize(chunk))
				} else {
					_, err = model.BulkCreate(ctx, pool, b, books, model.WithChunkSize(chunk))
				}
				cancel()
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("chunk %d, stream %v, typed %v: err = %v, want context.Canceled", chunk, stream, typed, err)
				}
				if n := countRows(t, pool, "books"); n != 0 {
					t.Errorf("chunk %d, stream %v, typed %v: %d rows left, want 0", chunk, stream, typed, n)
				}
			}
		}
	}
	// Cancelled between chunks.
	ctx, cancel := context.WithCancel(context.Background())
	_, err := model.BulkCreate(ctx, pool, c.Books, books, model.WithChunkSize(5000),
		model.WithProgress(func(n int64) {
			if n == 10_000 {
				cancel()
			}
		}))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := countRows(t, pool, "books"); n != 0 {
		t.Errorf("%d rows left, want 0", n)
	}
	// The pool still works.
	if _, err := model.BulkCreate(context.Background(), pool, c.Books, books[:10]); err != nil {
		t.Fatal(err)
	}
}

func TestBulkCreateValidate(t *testing.T) {
	t.Parallel()
	c, pool, author := libraryDB(t)
	ctx := context.Background()
	books := makeBooks(author, 5000)
	errBad := errors.New("title must not start with Book 4321")
	var seen int
	b := c.Books.WithValidate(func(b *book) error {
		seen++
		if b.Title == "Book 4321" {
			return errBad
		}
		return nil
	})

	// Slice: every row is validated before anything is sent.
	_, err := model.BulkCreate(ctx, pool, b, books, model.WithChunkSize(100))
	var rowErr *model.RowError
	if !errors.Is(err, errBad) || !errors.As(err, &rowErr) || rowErr.Row != 4321 {
		t.Fatalf("err = %v, want row 4321: %v", err, errBad)
	}
	if seen != 4322 {
		t.Errorf("validated %d rows, want 4322", seen)
	}
	if n := countRows(t, pool, "books"); n != 0 {
		t.Errorf("%d rows, want 0", n)
	}

	// Stream: rows already sent are rolled back.
	_, err = model.BulkCreateSeq(ctx, pool, b, seqOf(books), model.WithChunkSize(100))
	if !errors.Is(err, errBad) || !errors.As(err, &rowErr) || rowErr.Row != 4321 {
		t.Fatalf("err = %v, want row 4321: %v", err, errBad)
	}
	if n := countRows(t, pool, "books"); n != 0 {
		t.Errorf("%d rows, want 0", n)
	}

	// A stream that fails.
	errSource := errors.New("line 77: bad json")
	failing := func(yield func(book, error) bool) {
		for i, b := range books {
			if i == 3000 {
				yield(book{}, errSource)
				return
			}
			if !yield(b, nil) {
				return
			}
		}
	}
	_, err = model.BulkCreateSeq(ctx, pool, c.Books, failing, model.WithChunkSize(1000))
	if !errors.Is(err, errSource) || err.Error() != "copy books: line 77: bad json" {
		t.Fatalf("err = %v", err)
	}
	if n := countRows(t, pool, "books"); n != 0 {
		t.Errorf("%d rows, want 0", n)
	}
}

// TestBulkCreateTx runs in a caller's transaction (a savepoint) and on a
// single connection.
func TestBulkCreateTx(t *testing.T) {
	t.Parallel()
	c, pool, author := libraryDB(t)
	ctx := context.Background()
	books := makeBooks(author, 2000)

	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if n, err := model.BulkCreate(ctx, tx, c.Books, books[:1000]); err != nil || n != 1000 {
		t.Fatalf("BulkCreate = %d, %v", n, err)
	}
	bad := append([]book(nil), books[1000:]...)
	bad[500].Isbn = books[0].Isbn // unique violation
	if _, err := model.BulkCreate(ctx, tx, c.Books, bad); err == nil {
		t.Fatal("duplicate isbn accepted")
	}
	// The savepoint was rolled back; the transaction goes on.
	if n := countRows(t, tx, "books"); n != 1000 {
		t.Errorf("%d rows in the tx, want 1000", n)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, pool, "books"); n != 0 {
		t.Errorf("%d rows after the outer rollback, want 0", n)
	}

	conn, err := pgx.Connect(ctx, pool.Config().ConnConfig.ConnString())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if n, err := model.BulkCreateSeq(ctx, conn, c.Books, seqOf(books), model.WithChunkSize(300)); err != nil || n != 2000 {
		t.Fatalf("BulkCreateSeq on a conn = %d, %v", n, err)
	}
	if n := countRows(t, pool, "books"); n != 2000 {
		t.Errorf("%d rows, want 2000", n)
	}
}

func TestBulkCreateEdgeCases(t *testing.T) {
	t.Parallel()
	c, pool, author := libraryDB(t)
	ctx := context.Background()
	called := false
	b := c.Books.WithAfterCommit(func(context.Context, int64) { called = true })
	if n, err := model.BulkCreate(ctx, pool, b, nil); n != 0 || err != nil || called {
		t.Errorf("empty slice: %d, %v, hook called %v", n, err, called)
	}
	if n, err := model.BulkCreateSeq(ctx, pool, b, seqOf[book](nil)); n != 0 || err != nil || called {
		t.Errorf("empty stream: %d, %v, hook called %v", n, err, called)
	}
	if n, err := model.BulkCreate(ctx, pool, b, makeBooks(author, 3)); n != 3 || err != nil || !called {
		t.Errorf("one chunk: %d, %v, hook called %v", n, err, called)
	}
	if _, err := model.BulkCreate(ctx, pool, c.Books, makeBooks(author, 1), model.WithChunkSize(0)); !errors.Is(err, model.ErrInvalidChunkSize) {
		t.Errorf("chunk size 0: %v", err)
	}
	short, err := model.Bind(c.Registry.Table("books"), []string{"author_id", "isbn"},
		func(b *book, dst []any) []any { return append(dst, b.AuthorID) })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := model.BulkCreate(ctx, pool, short, makeBooks(author, 3)); !errors.Is(err, model.ErrValuesCount) {
		t.Errorf("short values: %v", err)
	}
}

func TestBind(t *testing.T) {
	reg := featureRegistry(t)
	values := func(r *[]any, dst []any) []any { return append(dst, *r...) }
	for _, tc := range []struct {
		table string
		cols  []string
		err   error
	}{
		{"order", []string{"nope"}, model.ErrUnknownColumn},
		{"user", []string{"id"}, model.ErrGeneratedColumn},
		{"order", []string{"group", "group"}, model.ErrDuplicateBinding},
		{"order", nil, model.ErrNoColumns},
	} {
		_, err := model.Bind(reg.Table(tc.table), tc.cols, values)
		if !errors.Is(err, tc.err) {
			t.Errorf("Bind(%s, %q) = %v, want %v", tc.table, tc.cols, err, tc.err)
		}
	}
	if _, err := model.Bind[[]any](reg.Table("order"), []string{"group"}, nil); !errors.Is(err, model.ErrNilValues) {
		t.Errorf("nil values: %v", err)
	}
	if _, err := model.Bind(model.Table("t", model.Col("x", model.Text)), []string{"x"}, values); !errors.Is(err, model.ErrNotInRegistry) {
		t.Errorf("table outside a registry: %v", err)
	}
}
