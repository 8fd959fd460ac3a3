package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aquila-go/aquila/internal/library"
	"github.com/aquila-go/aquila/internal/library/db"
	"github.com/aquila-go/aquila/postgres"
)

// roundTrips counts what reaches the server through pgx's tracer: one per
// Query/QueryRow/Exec, one per batch (however many statements it holds)
// and one per COPY.
type roundTrips struct {
	queries, batches, copies atomic.Int64
}

func (c *roundTrips) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.queries.Add(1)
	return ctx
}
func (c *roundTrips) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (c *roundTrips) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	c.batches.Add(1)
	return ctx
}
func (c *roundTrips) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (c *roundTrips) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}
func (c *roundTrips) TraceCopyFromStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceCopyFromStartData) context.Context {
	c.copies.Add(1)
	return ctx
}
func (c *roundTrips) TraceCopyFromEnd(context.Context, *pgx.Conn, pgx.TraceCopyFromEndData) {}

func (c *roundTrips) total() int64 { return c.queries.Load() + c.batches.Load() + c.copies.Load() }

func (c *roundTrips) reset() {
	c.queries.Store(0)
	c.batches.Store(0)
	c.copies.Store(0)
}

// tracedPool opens a pool through postgres.Open with every sqlc statement
// prepared on connect (so a batch really is one round trip) on a library
// database holding one author with two books and a tag. All four
// connections are opened and prepared before it returns, so that no
// connection set-up is counted later.
func tracedPool(t *testing.T, execMode string) (*pgxpool.Pool, *roundTrips, fixture) {
	t.Helper()
	ctx := context.Background()
	tr := &roundTrips{}
	pool, err := postgres.Open(ctx, postgres.Config{
		DSN: pg.URL(t, library.FS), MinIdleConns: 4, MaxConns: 4,
		ExecMode: execMode, Prepare: db.Statements(), Tracer: tr,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	q := db.New(pool)
	email := "ursula@example.org"
	a, err := q.CreateAuthor(ctx, db.CreateAuthorParams{Name: "Ursula", Email: &email})
	if err != nil {
		t.Fatal(err)
	}
	var f fixture
	f.author = a.ID
	for i, title := range []string{"The Dispossessed", "The Lathe of Heaven"} {
		b, err := q.CreateBook(ctx, db.CreateBookParams{
			AuthorID: a.ID, Isbn: fmt.Sprintf("978000000000%d", i), Title: title,
			PublishedOn: time.Date(1971+3*i, 1, 1, 0, 0, 0, 0, time.UTC), PriceCents: 999, Pages: 300,
			Attributes: json.RawMessage(`{"award": "hugo"}`),
		})
		if err != nil {
			t.Fatal(err)
		}
		f.books = append(f.books, b.ID)
	}
	tag, err := q.CreateTag(ctx, "sf")
	if err != nil {
		t.Fatal(err)
	}
	f.tag = tag.ID
	tr.reset()
	return pool, tr, f
}

type fixture struct {
	author int64
	books  []int64
	tag    int64
}

func TestReadScopeRepeatedReadIsOneQuery(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"cache_statement", "simple_protocol"} {
		t.Run(mode, func(t *testing.T) {
			ctx := context.Background()
			pool, tr, f := tracedPool(t, mode)
			scope := postgres.NewReadCache(postgres.ReadCacheConfig{}).Scope(pool)
			q := db.New(scope)
			direct := db.New(pool)

			// :one
			want, err := direct.GetAuthor(ctx, f.author)
			if err != nil {
				t.Fatal(err)
			}
			tr.reset()
			for range 3 {
				got, err := q.GetAuthor(ctx, f.author)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("cached GetAuthor = %+v, want %+v", got, want)
				}
			}
			if n := tr.total(); n != 1 {
				t.Fatalf(":one read three times = %d round trips, want 1", n)
			}

			// :many, with a NULL column, jsonb, date and timestamptz values.
			tr.reset()
			wantBooks, _ := direct.ListBooksByAuthor(ctx, db.ListBooksByAuthorParams{AuthorID: f.author, Lim: 10})
			for range 3 {
				got, err := q.ListBooksByAuthor(ctx, db.ListBooksByAuthorParams{AuthorID: f.author, Lim: 10})
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != 2 || !reflect.DeepEqual(got, wantBooks) {
					t.Fatalf("cached ListBooksByAuthor = %+v, want %+v", got, wantBooks)
				}
			}
			if n := tr.total(); n != 2 { // 1 direct + 1 through the scope
				t.Fatalf(":many read three times = %d round trips, want 1 (+1 direct)", n-1)
			}

			// Different arguments are different reads; an empty result is
			// cached too and still gives pgx.ErrNoRows.
			tr.reset()
			for range 2 {
				if _, err := q.GetBook(ctx, -1); !errors.Is(err, pgx.ErrNoRows) {
					t.Fatalf("GetBook(-1) = %v, want pgx.ErrNoRows", err)
				}
				if _, err := q.GetBook(ctx, f.books[0]); err != nil {
					t.Fatal(err)
				}
			}
			if n := tr.total(); n != 2 {
				t.Fatalf("two distinct reads twice = %d round trips, want 2", n)
			}
			st := scope.Stats()
			if st.Hits != 2+2+2 || st.Misses != 1+1+2 {
				t.Fatalf("stats = %+v", st)
			}
		})
	}
}

func TestReadScopeReadWriteRead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, tr, f := tracedPool(t, "")
	scope := postgres.NewReadCache(postgres.ReadCacheConfig{}).Scope(pool)
	q := db.New(scope)

	// QueryRow of UPDATE ... RETURNING (sqlc :one) is a write.
	if _, err := q.GetAuthor(ctx, f.author); err != nil {
		t.Fatal(err)
	}
	bio := "Anarres"
	if _, err := q.UpdateAuthor(ctx, db.UpdateAuthorParams{ID: f.author, Name: &bio}); err != nil {
		t.Fatal(err)
	}
	a, err := q.GetAuthor(ctx, f.author)
	if err != nil {
		t.Fatal(err)
	}
	if n := tr.total(); n != 3 {
		t.Fatalf("read, write, read = %d round trips, want 3", n)
	}
	if a.Name != bio {
		t.Fatalf("read after write returned stale name %q", a.Name)
	}

	// Exec (sqlc :execrows), CopyFrom (sqlc :copyfrom) and a batch with a
	// write each invalidate.
	writes := map[string]func() error{
		"exec": func() error { _, err := q.AttachTag(ctx, f.books[0], f.tag); return err },
		"copyfrom": func() error {
			_, err := q.CreateBooks(ctx, []db.CreateBooksParams{{AuthorID: f.author, Isbn: "9781111111111", Title: "Copied",
				PublishedOn: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), PriceCents: 1, Pages: 1}})
			return err
		},
		"batch": func() error {
			return q.AttachTags(ctx, []db.AttachTagsParams{{BookID: f.books[1], TagID: f.tag}}).Close()
		},
		"query of a write": func() error {
			rows, err := scope.Query(ctx, `DELETE FROM "book_tags" WHERE "book_id" = $1 RETURNING "tag_id"`, f.books[0])
			if err != nil {
				return err
			}
			rows.Close()
			return rows.Err()
		},
	}
	for name, write := range writes {
		scope.Invalidate()
		tr.reset()
		before, err := q.CountBooksByAuthor(ctx, f.author)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := q.CountBooksByAuthor(ctx, f.author); err != nil {
			t.Fatal(err)
		}
		if err := write(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		after, err := q.CountBooksByAuthor(ctx, f.author)
		if err != nil {
			t.Fatal(err)
		}
		if n := tr.total(); n != 3 {
			t.Fatalf("%s: read, read, write, read = %d round trips, want 3", name, n)
		}
		if name == "copyfrom" && after != before+1 {
			t.Fatalf("count after COPY = %d, want %d", after, before+1)
		}
	}
}

func TestReadScopesShareNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, tr, f := tracedPool(t, "")
	cache := postgres.NewReadCache(postgres.ReadCacheConfig{})
	s1, s2 := cache.Scope(pool), cache.Scope(pool)
	for range 2 {
		if _, err := db.New(s1).GetAuthor(ctx, f.author); err != nil {
			t.Fatal(err)
		}
		if _, err := db.New(s2).GetAuthor(ctx, f.author); err != nil {
			t.Fatal(err)
		}
	}
	if n := tr.total(); n != 2 {
		t.Fatalf("two scopes reading twice = %d round trips, want 2", n)
	}
	// A write through one scope does not touch the other.
	if _, err := db.New(s1).DeleteBook(ctx, -1); err != nil {
		t.Fatal(err)
	}
	if st := s2.Stats(); st.Invalidations != 0 {
		t.Fatalf("scope 2 was invalidated by a write through scope 1: %+v", st)
	}
}

func TestReadScopeBatchOfReadsIsOneRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, tr, f := tracedPool(t, "")
	scope := postgres.NewReadCache(postgres.ReadCacheConfig{}).Scope(pool)
	q := db.New(scope)

	// Cache one read, then send a batch of N reads: one round trip, and the
	// cached read survives (a batch of reads is not a write).
	if _, err := q.GetAuthor(ctx, f.author); err != nil {
		t.Fatal(err)
	}
	tr.reset()
	var b pgx.Batch
	var titles []string
	for _, id := range f.books {
		b.Queue(db.GetBook, id).QueryRow(func(row pgx.Row) error {
			var bk db.Book
			err := row.Scan(&bk.ID, &bk.AuthorID, &bk.Isbn, &bk.Title, &bk.PublishedOn, &bk.PriceCents, &bk.Pages, &bk.Attributes, &bk.CreatedAt, &bk.UpdatedAt)
			titles = append(titles, bk.Title)
			return err
		})
	}
	b.Queue(db.CountAuthors)
	b.Queue(db.ListBookTags, f.books[0])
	if err := scope.SendBatch(ctx, &b).Close(); err != nil {
		t.Fatal(err)
	}
	// sqlc's own :batchone through the scope.
	q.GetBookBatch(ctx, f.books).QueryRow(func(_ int, bk db.Book, err error) {
		if err != nil {
			t.Error(err)
		}
	})
	if got := tr.batches.Load(); got != 2 || tr.total() != 2 {
		t.Fatalf("two batches of %d and %d reads = %d round trips (%d batches), want 2", b.Len(), len(f.books), tr.total(), got)
	}
	if len(titles) != 2 {
		t.Fatalf("batch callbacks saw %v", titles)
	}
	if _, err := q.GetAuthor(ctx, f.author); err != nil {
		t.Fatal(err)
	}
	if n := tr.total(); n != 2 {
		t.Fatalf("read after a batch of reads went to the server (%d round trips)", n)
	}
}

func TestReadScopeDisabled(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, tr, f := tracedPool(t, "")
	scope := postgres.NewReadCache(postgres.ReadCacheConfig{Disabled: true}).Scope(pool)
	for range 3 {
		if _, err := db.New(scope).GetAuthor(ctx, f.author); err != nil {
			t.Fatal(err)
		}
	}
	if n := tr.total(); n != 3 {
		t.Fatalf("disabled cache: 3 reads = %d round trips, want 3", n)
	}
	// Per call: WithoutReadCache.
	tr.reset()
	on := postgres.NewReadCache(postgres.ReadCacheConfig{}).Scope(pool)
	for range 2 {
		if _, err := db.New(on).GetAuthor(postgres.WithoutReadCache(ctx), f.author); err != nil {
			t.Fatal(err)
		}
	}
	if n := tr.total(); n != 2 {
		t.Fatalf("WithoutReadCache: 2 reads = %d round trips, want 2", n)
	}
}

func TestReadScopeDynamicSQL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, tr, f := tracedPool(t, "")
	scope := postgres.NewReadCache(postgres.ReadCacheConfig{}).Scope(pool)
	const sql = `SELECT "id", "title", "attributes", "published_on" FROM "books" WHERE "author_id" = $1 AND "id" = ANY($2) ORDER BY "id"`
	type row struct {
		ID          int64
		Title       string
		Attributes  map[string]any
		PublishedOn time.Time
	}
	var first []row
	for i := range 2 {
		rows, err := scope.Query(ctx, sql, f.author, f.books)
		if err != nil {
			t.Fatal(err)
		}
		got, err := pgx.CollectRows(rows, pgx.RowToStructByName[row])
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = got
		} else if !reflect.DeepEqual(got, first) {
			t.Fatalf("replayed rows %+v, want %+v", got, first)
		}
	}
	if len(first) != 2 || first[0].Attributes["award"] != "hugo" {
		t.Fatalf("rows = %+v", first)
	}
	// Values decodes like pgx.
	rows, _ := scope.Query(ctx, sql, f.author, f.books)
	for rows.Next() {
		v, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := v[0].(int64); !ok {
			t.Fatalf("Values()[0] is %T, want int64", v[0])
		}
	}
	if rows.Err() != nil || rows.CommandTag().String() != "SELECT 2" {
		t.Fatalf("replay: err %v, tag %q", rows.Err(), rows.CommandTag())
	}
	if n := tr.total(); n != 1 {
		t.Fatalf("dynamic SELECT three times = %d round trips, want 1", n)
	}
}

func TestReadScopePartialReadIsCompleted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, tr, f := tracedPool(t, "")
	scope := postgres.NewReadCache(postgres.ReadCacheConfig{}).Scope(pool)
	rows, err := scope.Query(ctx, db.GetBooksByIDs, f.books)
	if err != nil {
		t.Fatal(err)
	}
	rows.Next() // read one row of two, then stop
	rows.Close()
	got, err := db.New(scope).GetBooksByIDs(ctx, f.books)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || tr.total() != 1 {
		t.Fatalf("after a partial read: %d rows, %d round trips; want 2 rows, 1 round trip", len(got), tr.total())
	}
}

func TestReadScopeWriteDuringReadIsNotCached(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, tr, f := tracedPool(t, "")
	scope := postgres.NewReadCache(postgres.ReadCacheConfig{}).Scope(pool)
	q := db.New(scope)
	rows, err := scope.Query(ctx, db.GetAuthor, f.author) // started before the write
	if err != nil {
		t.Fatal(err)
	}
	bio := "changed"
	if _, err := q.UpdateAuthor(ctx, db.UpdateAuthorParams{ID: f.author, Name: &bio}); err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
	}
	rows.Close()
	a, err := q.GetAuthor(ctx, f.author)
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != bio || tr.total() != 3 {
		t.Fatalf("a read that overlapped a write was served stale (name %q, %d round trips)", a.Name, tr.total())
	}
}

func TestReadScopeInTx(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, tr, f := tracedPool(t, "")
	scope := postgres.NewReadCache(postgres.ReadCacheConfig{}).Scope(pool)
	q := db.New(scope)
	if _, err := q.GetAuthor(ctx, f.author); err != nil {
		t.Fatal(err)
	}
	// A read-only transaction does not invalidate.
	err := postgres.InTx(ctx, scope, postgres.TxOptions{TxOptions: pgx.TxOptions{AccessMode: pgx.ReadOnly}}, func(tx pgx.Tx) error {
		_, err := db.New(tx).GetAuthor(ctx, f.author)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if st := scope.Stats(); st.Invalidations != 0 {
		t.Fatalf("read-only tx invalidated the scope: %+v", st)
	}
	bio := "committed"
	err = postgres.InTx(ctx, scope, postgres.TxOptions{}, func(tx pgx.Tx) error {
		_, err := db.New(tx).UpdateAuthor(ctx, db.UpdateAuthorParams{ID: f.author, Name: &bio})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err := q.GetAuthor(ctx, f.author)
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != bio {
		t.Fatalf("read after a committed transaction was stale: %q", a.Name)
	}
	_ = tr
	// A scope over a transaction cannot begin one.
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := postgres.NewReadCache(postgres.ReadCacheConfig{}).Scope(tx).BeginTx(ctx, pgx.TxOptions{}); !errors.Is(err, postgres.ErrNoBeginTx) {
		t.Fatalf("BeginTx on a scope over a tx: %v", err)
	}
}

func TestReadScopeUncacheableArgsPassThrough(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, tr, f := tracedPool(t, "")
	scope := postgres.NewReadCache(postgres.ReadCacheConfig{}).Scope(pool)
	for range 2 {
		var name string
		err := scope.QueryRow(ctx, `SELECT "name" FROM "authors" WHERE "id" = @id`, pgx.NamedArgs{"id": f.author}).Scan(&name)
		if err != nil || name != "Ursula" {
			t.Fatalf("NamedArgs read: %q, %v", name, err)
		}
	}
	if tr.total() != 2 || scope.Stats().Uncached != 2 {
		t.Fatalf("uncacheable args: %d round trips, stats %+v", tr.total(), scope.Stats())
	}
}

func TestReadScopeErrorsAreNotCached(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, tr, _ := tracedPool(t, "")
	scope := postgres.NewReadCache(postgres.ReadCacheConfig{}).Scope(pool)
	for range 2 {
		var n int
		err := scope.QueryRow(ctx, `SELECT 1 / $1::int`, 0).Scan(&n)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "22012" {
			t.Fatalf("err = %v, want division_by_zero", err)
		}
	}
	if tr.total() != 2 {
		t.Fatalf("failed read twice = %d round trips, want 2", tr.total())
	}
	// A scan error on a replayed row is reported and closes the rows.
	var s string
	if err := scope.QueryRow(ctx, `SELECT 1::int`).Scan(&s); err != nil {
		t.Fatal(err) // int scans into string in pgx
	}
	var tm time.Time
	if err := scope.QueryRow(ctx, `SELECT 1::int`).Scan(&tm); err == nil {
		t.Fatal("scanning an int into time.Time from the cache succeeded")
	}
}

func TestReadScopeBounds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, tr, _ := tracedPool(t, "")
	scope := postgres.NewReadCache(postgres.ReadCacheConfig{MaxRows: 10, MaxEntries: 2}).Scope(pool)
	read := func(sql string, args ...any) {
		rows, err := scope.Query(ctx, sql, args...)
		if err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if rows.Err() != nil {
			t.Fatal(rows.Err())
		}
	}
	for range 2 {
		read(`SELECT generate_series(1, 11)`) // over MaxRows: never cached
	}
	if n := tr.total(); n != 2 {
		t.Fatalf("result over MaxRows: %d round trips, want 2", n)
	}
	tr.reset()
	for range 2 {
		for i := range 3 {
			read(`SELECT $1::int`, i) // MaxEntries 2: the third is not cached
		}
	}
	if n := tr.total(); n != 4 {
		t.Fatalf("over MaxEntries: %d round trips, want 3 + 1", n)
	}
}

func TestReadScopeConcurrentUse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _, f := tracedPool(t, "")
	scope := postgres.NewReadCache(postgres.ReadCacheConfig{}).Scope(pool)
	q := db.New(scope)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 20 {
				if (i+j)%7 == 0 {
					if _, err := q.DeleteBook(ctx, -1); err != nil {
						t.Error(err)
					}
					continue
				}
				bk, err := q.GetBook(ctx, f.books[j%2])
				if err != nil || bk.ID != f.books[j%2] {
					t.Errorf("GetBook: %v, %v", bk.ID, err)
				}
			}
		})
	}
	wg.Wait()
}

func TestClassify(t *testing.T) {
	t.Parallel()
	for sql, want := range map[string]postgres.StatementKind{
		"-- name: GetBook :one\nSELECT id FROM \"books\" WHERE \"id\" = $1": postgres.StatementRead,
		"-- name: ListBooks :many\nSELECT id FROM \"books\" LIMIT $1":       postgres.StatementRead,
		"SELECT 1":                                 postgres.StatementRead,
		"-- name: Touch :exec\nSELECT 1":           postgres.StatementWrite,
		"-- name: Count :execrows\nSELECT 1":       postgres.StatementWrite,
		"-- name: Load :copyfrom\nSELECT 1":        postgres.StatementWrite,
		"-- name: AttachTags :batchexec\nSELECT 1": postgres.StatementWrite,
		"-- name: CreateBook :one\nINSERT INTO \"books\" (\"title\") VALUES ($1) RETURNING id": postgres.StatementWrite,
		"SELECT * FROM t FOR UPDATE": postgres.StatementWrite,
		"":                           postgres.StatementWrite,
	} {
		if k := postgres.Classify(sql); k != want {
			t.Errorf("Classify(%q) = %v, want %v", sql, k, want)
		}
	}
}
