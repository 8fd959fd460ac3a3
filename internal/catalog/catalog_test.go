package catalog_test

import (
	"context"
	"flag"
	"os"
	"testing"
	"time"

	"github.com/aquila-go/aquila/internal/catalog"
	"github.com/aquila-go/aquila/internal/db"
	"github.com/aquila-go/aquila/model"
	"github.com/aquila-go/aquila/postgres/pgtest"
	"github.com/aquila-go/aquila/schema"
)

var pg = pgtest.New()

func TestMain(m *testing.M) { os.Exit(pg.Run(m)) }

// TestMatchesMigrations is the guard that keeps the metadata, the goose
// migrations and (through them) sqlc from drifting apart silently.
func TestMatchesMigrations(t *testing.T) {
	t.Parallel()
	c, err := catalog.New()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	diffs, err := model.Check(ctx, pg.Pool(t, schema.FS), c.Registry)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Errorf("schema/ and internal/catalog differ: %s", d)
	}
}

// TestBindings writes one row through each binding and reads it back
// with the sqlc queries.
func TestBindings(t *testing.T) {
	t.Parallel()
	c, err := catalog.New()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pool := pg.Pool(t, schema.FS)
	email := "ann@example.com"
	if _, err := model.BulkCreate(ctx, pool, c.Authors, []db.Author{{Name: "Ann", Email: &email}}); err != nil {
		t.Fatal(err)
	}
	q := db.New(pool)
	var authorID int64
	if err := pool.QueryRow(ctx, "SELECT id FROM authors").Scan(&authorID); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)
	book := db.Book{AuthorID: authorID, Isbn: "9780000000001", Title: "Go", PublishedOn: day, PriceCents: 1999, Pages: 300, Attributes: []byte(`{"lang": "en"}`)}
	if _, err := model.BulkCreate(ctx, pool, c.Books, []db.Book{book}); err != nil {
		t.Fatal(err)
	}
	if _, err := model.BulkCreate(ctx, pool, c.Tags, []db.Tag{{Name: "go"}}); err != nil {
		t.Fatal(err)
	}
	var bookID, tagID int64
	if err := pool.QueryRow(ctx, "SELECT (SELECT id FROM books), (SELECT id FROM tags)").Scan(&bookID, &tagID); err != nil {
		t.Fatal(err)
	}
	if _, err := model.BulkCreate(ctx, pool, c.BookTags, []db.BookTag{{BookID: bookID, TagID: tagID}}); err != nil {
		t.Fatal(err)
	}
	got, err := q.GetBook(ctx, bookID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Isbn != book.Isbn || got.Title != book.Title || !got.PublishedOn.Equal(day) || got.PriceCents != 1999 || got.Pages != 300 || string(got.Attributes) != `{"lang": "en"}` {
		t.Errorf("book read back as %+v", got)
	}
	var n int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM book_tags").Scan(&n); err != nil || n != 1 {
		t.Errorf("book_tags rows = %d, %v", n, err)
	}
}

var update = flag.Bool("update", false, "rewrite schema/00001_catalog.sql from the metadata")

// TestMigrationsFollowMetadata checks the committed migrations against the
// metadata: the first one is exactly what model.PlanMigration writes from
// an empty database (go test -update rewrites it), and once they are all
// applied there is nothing left to write.
func TestMigrationsFollowMetadata(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, err := catalog.New()
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.PlanMigration(ctx, pg.Pool(t, nil), c.Registry)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != 1 {
		t.Fatalf("from an empty database: %d files, want 1", len(m.Files))
	}
	const first = "../../schema/00001_catalog.sql"
	got := m.Files[0].String()
	if *update {
		if err := os.WriteFile(first, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if want, err := os.ReadFile(first); err != nil || string(want) != got {
		t.Errorf("%s is not what PlanMigration writes for the metadata (go test -update rewrites it): %v\n%s", first, err, got)
	}

	m, err = model.PlanMigration(ctx, pg.Pool(t, schema.FS), c.Registry)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range m.Files {
		t.Errorf("the migrations in schema/ lag behind the metadata; a new migration would be:\n%s", f.String())
	}
}
