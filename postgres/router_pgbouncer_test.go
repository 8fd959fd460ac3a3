package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aquila-go/aquila/internal/library/db"
	"github.com/aquila-go/aquila/postgres"
)

// testPgBouncerLibrary runs every library query — reads, writes, COPY,
// batches, a transaction — through PgBouncer in transaction pooling mode,
// from a pool opened by postgres.Open with exec mode "exec" (PgBouncer 1.18
// keeps no named prepared statements across transactions), from several
// goroutines at once so that consecutive statements land on different
// server connections.
func testPgBouncerLibrary(t *testing.T, tp topology) {
	ctx := context.Background()
	pool, err := postgres.Open(ctx, postgres.Config{
		DSN:          tp.bouncer(),
		ExecMode:     "exec",
		MinIdleConns: 2,
		MaxConns:     8,
		Prepare:      db.Statements(), // ignored in exec mode
	})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var prepared int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM "pg_prepared_statements"`).Scan(&prepared); err != nil {
		t.Fatal(err)
	}
	if prepared != 0 {
		t.Errorf("%d prepared statements on a PgBouncer server connection, want 0", prepared)
	}

	const workers = 8
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			if err := libraryCRUD(ctx, pool, w); err != nil {
				errs <- fmt.Errorf("worker %d: %w", w, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// libraryCRUD exercises the library's sqlc queries on pool; n keeps the
// rows of concurrent callers apart.
func libraryCRUD(ctx context.Context, pool *pgxpool.Pool, n int) error {
	q := db.New(pool)
	email := fmt.Sprintf("author%d@example.com", n)
	a, err := q.CreateAuthor(ctx, db.CreateAuthorParams{Name: fmt.Sprint("author ", n), Email: &email})
	if err != nil {
		return fmt.Errorf("CreateAuthor: %w", err)
	}
	if got, err := q.GetAuthorByEmail(ctx, &email); err != nil || got.ID != a.ID {
		return fmt.Errorf("GetAuthorByEmail: %+v, %w", got, err)
	}
	bio := "updated"
	if got, err := q.UpdateAuthor(ctx, db.UpdateAuthorParams{ID: a.ID, SetBio: true, Bio: &bio}); err != nil || got.Bio == nil || *got.Bio != bio {
		return fmt.Errorf("UpdateAuthor: %+v, %w", got, err)
	}
	day := time.Date(2021, 3, 4, 0, 0, 0, 0, time.UTC)
	b, err := q.CreateBook(ctx, db.CreateBookParams{
		AuthorID: a.ID, Isbn: fmt.Sprintf("978%010d", n), Title: "one", PublishedOn: day,
		PriceCents: 1200, Pages: 100, Attributes: json.RawMessage(`{"lang":"en"}`),
	})
	if err != nil {
		return fmt.Errorf("CreateBook: %w", err)
	}
	copied, err := q.CreateBooks(ctx, []db.CreateBooksParams{
		{AuthorID: a.ID, Isbn: fmt.Sprintf("979%010d", n), Title: "two", PublishedOn: day, Pages: 1, Attributes: json.RawMessage(`{}`)},
		{AuthorID: a.ID, Isbn: fmt.Sprintf("977%010d", n), Title: "three", PublishedOn: day, Pages: 1, Attributes: json.RawMessage(`{}`)},
	})
	if err != nil || copied != 2 {
		return fmt.Errorf("CreateBooks (COPY): %d, %w", copied, err)
	}
	if c, err := q.CountBooksByAuthor(ctx, a.ID); err != nil || c != 3 {
		return fmt.Errorf("CountBooksByAuthor: %d, %w", c, err)
	}
	books, err := q.ListBooksByAuthor(ctx, db.ListBooksByAuthorParams{AuthorID: a.ID, AfterID: 0, Lim: 10})
	if err != nil || len(books) != 3 || books[0].ID != b.ID || books[0].Attributes == nil {
		return fmt.Errorf("ListBooksByAuthor: %+v, %w", books, err)
	}
	ids := []int64{books[0].ID, books[1].ID, books[2].ID}
	if got, err := q.GetBooksByIDs(ctx, ids); err != nil || len(got) != 3 {
		return fmt.Errorf("GetBooksByIDs: %d, %w", len(got), err)
	}
	var batchErr error
	q.GetBookBatch(ctx, ids).QueryRow(func(i int, bk db.Book, err error) {
		if err != nil || bk.ID != ids[i] {
			batchErr = errors.Join(batchErr, fmt.Errorf("GetBookBatch[%d]: %w", i, err))
		}
	})
	if batchErr != nil {
		return batchErr
	}

	// A transaction: a tag and its links, all or nothing.
	var tag db.Tag
	err = postgres.InTx(ctx, pool, postgres.TxOptions{}, func(tx pgx.Tx) error {
		qtx := q.WithTx(tx)
		var err error
		if tag, err = qtx.CreateTag(ctx, fmt.Sprint("tag-", n)); err != nil {
			return err
		}
		var batchErr error
		qtx.AttachTags(ctx, []db.AttachTagsParams{{BookID: ids[0], TagID: tag.ID}, {BookID: ids[1], TagID: tag.ID}}).Exec(func(i int, err error) {
			batchErr = errors.Join(batchErr, err)
		})
		return batchErr
	})
	if err != nil {
		return fmt.Errorf("transaction: %w", err)
	}
	if added, err := q.AttachTag(ctx, ids[2], tag.ID); err != nil || added != 1 {
		return fmt.Errorf("AttachTag: %d, %w", added, err)
	}
	if tagged, err := q.ListBooksByTag(ctx, db.ListBooksByTagParams{TagID: tag.ID, AfterID: 0, Lim: 10}); err != nil || len(tagged) != 3 {
		return fmt.Errorf("ListBooksByTag: %d, %w", len(tagged), err)
	}
	if tags, err := q.ListBookTags(ctx, ids[0]); err != nil || len(tags) != 1 {
		return fmt.Errorf("ListBookTags: %d, %w", len(tags), err)
	}
	if removed, err := q.DetachTag(ctx, ids[2], tag.ID); err != nil || removed != 1 {
		return fmt.Errorf("DetachTag: %d, %w", removed, err)
	}
	for _, id := range ids {
		if removed, err := q.DeleteBook(ctx, id); err != nil || removed != 1 {
			return fmt.Errorf("DeleteBook: %d, %w", removed, err)
		}
	}
	if removed, err := q.DeleteTag(ctx, tag.ID); err != nil || removed != 1 {
		return fmt.Errorf("DeleteTag: %d, %w", removed, err)
	}
	if removed, err := q.DeleteAuthor(ctx, a.ID); err != nil || removed != 1 {
		return fmt.Errorf("DeleteAuthor: %d, %w", removed, err)
	}
	if _, err := q.GetAuthor(ctx, a.ID); !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("GetAuthor after delete: %w, want pgx.ErrNoRows", err)
	}
	return nil
}
