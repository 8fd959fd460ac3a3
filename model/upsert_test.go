package model_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aquila-go/aquila/model"
)

func TestBulkUpsert(t *testing.T) {
	forBindings(t, testBulkUpsert)
}

func testBulkUpsert(t *testing.T, b *model.Binding[book]) {
	_, pool, author := libraryDB(t)
	ctx := context.Background()
	books := makeBooks(author, 100)
	if _, err := model.BulkCreate(ctx, pool, b, books[:60]); err != nil {
		t.Fatal(err)
	}

	// DO NOTHING: rows 0-59 exist and keep their titles; 60-99 are new.
	changed := make([]book, len(books))
	copy(changed, books)
	for i := range changed {
		changed[i].Title = "changed"
	}
	n, err := model.BulkUpsert(ctx, pool, b, changed, model.DoNothing("isbn"), model.WithChunkSize(30))
	if err != nil || n != 40 {
		t.Fatalf("DoNothing = %d, %v; want 40", n, err)
	}
	var total, titled int
	if err := pool.QueryRow(ctx, "SELECT count(*), count(*) FILTER (WHERE title = 'changed') FROM books").Scan(&total, &titled); err != nil {
		t.Fatal(err)
	}
	if total != 100 || titled != 40 {
		t.Errorf("after DO NOTHING: %d rows, %d changed; want 100, 40", total, titled)
	}

	// DO UPDATE of title and price only: every row updated.
	for i := range changed {
		changed[i].Title, changed[i].PriceCents, changed[i].Pages = "updated", 1, 999
	}
	n, err = model.BulkUpsertSeq(ctx, pool, b, seqOf(changed[:80]), model.DoUpdate([]string{"isbn"}, "title", "price_cents", "updated_at"))
	if err != nil || n != 80 {
		t.Fatalf("DoUpdate = %d, %v; want 80", n, err)
	}
	var updated, pages999, fresh int
	if err := pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE title = 'updated' AND price_cents = 1),
		count(*) FILTER (WHERE pages = 999), count(*) FILTER (WHERE updated_at > created_at) FROM books`).Scan(&updated, &pages999, &fresh); err != nil {
		t.Fatal(err)
	}
	if updated != 80 || pages999 != 0 || fresh != 80 {
		t.Errorf("after DO UPDATE: %d updated, %d with pages changed, %d with updated_at moved; want 80, 0, 80", updated, pages999, fresh)
	}

	// DO UPDATE of every bound column but the key.
	n, err = model.BulkUpsert(ctx, pool, b, changed[90:], model.DoUpdate([]string{"isbn"}))
	if err != nil || n != 10 {
		t.Fatalf("DoUpdate(all) = %d, %v", n, err)
	}
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM books WHERE pages = 999").Scan(&pages999); err != nil || pages999 != 10 {
		t.Errorf("pages updated on %d rows, want 10 (%v)", pages999, err)
	}

	// A failing upsert leaves nothing: duplicate keys within one DO UPDATE.
	dup := []book{changed[0], changed[0]}
	dup[1].Title = "twice"
	if _, err := model.BulkUpsert(ctx, pool, b, dup, model.DoUpdate([]string{"isbn"})); err == nil {
		t.Error("duplicate conflict keys accepted")
	}
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM books WHERE title = 'twice'").Scan(&total); err != nil || total != 0 {
		t.Errorf("%d rows written by a failed upsert", total)
	}
	// The staging table is gone, so a second upsert on the same session works.
	if _, err := model.BulkUpsert(ctx, pool, b, changed[:5], model.DoNothing()); err != nil {
		t.Fatal(err)
	}
}

func TestBulkUpsertInvalid(t *testing.T) {
	c, err := libraryBooks(t)
	if err != nil {
		t.Fatal(err)
	}
	for _, cf := range []model.Conflict{
		model.DoNothing("nope"),
		model.DoNothing("title"),               // not unique
		model.DoUpdate(nil, "title"),           // no target
		model.DoUpdate([]string{"isbn"}, "no"), // unknown column
	} {
		if _, err := model.BulkUpsert(context.Background(), nil, c, []book{{}}, cf); !errors.Is(err, model.ErrInvalidConflict) {
			t.Errorf("%+v: err = %v, want ErrInvalidConflict", cf, err)
		}
	}
}

func libraryBooks(t *testing.T) (*model.Binding[book], error) {
	t.Helper()
	reg := libraryRegistry(t)
	return model.Bind(reg.Table("books"), []string{"isbn", "title"},
		func(b *book, dst []any) []any { return append(dst, b.Isbn, b.Title) })
}
