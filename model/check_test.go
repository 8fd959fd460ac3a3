package model_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aquila-go/aquila/internal/library"
	"github.com/aquila-go/aquila/model"
)

// TestCheckDrift migrates the library fixture with goose, changes one
// thing per case and asserts exactly which differences Check reports.
func TestCheckDrift(t *testing.T) {
	t.Parallel()
	reg := libraryRegistry(t)
	for _, tc := range []struct {
		name  string
		alter string
		want  []string
	}{
		{"none", ``, nil},
		{"missing table", `DROP TABLE book_tags`, []string{
			"missing table book_tags",
		}},
		{"extra table", `CREATE TABLE legacy (id int)`, []string{
			"extra table legacy",
		}},
		{"missing column", `ALTER TABLE books DROP COLUMN pages`, []string{
			"missing column books.pages (integer NOT NULL)",
			"missing check books.books_pages_check: CHECK (pages > 0)",
		}},
		{"extra column", `ALTER TABLE books ADD COLUMN subtitle text DEFAULT ''`, []string{
			"extra column books.subtitle (text DEFAULT ''::text)",
		}},
		{"type", `ALTER TABLE books ALTER COLUMN title TYPE varchar(500)`, []string{
			"column books.title: type is character varying(500), want text",
			// The server renders the check differently on a varchar column.
			"check books.books_title_check: is CHECK (char_length(title::text) >= 1 AND char_length(title::text) <= 500), want CHECK (char_length(title) >= 1 AND char_length(title) <= 500)",
		}},
		{"nullability", `ALTER TABLE authors ALTER COLUMN bio SET NOT NULL; ALTER TABLE books ALTER COLUMN published_on DROP NOT NULL`, []string{
			"column authors.bio: is NOT NULL, want nullable",
			"column books.published_on: is nullable, want NOT NULL",
		}},
		{"default", `ALTER TABLE authors ALTER COLUMN created_at SET DEFAULT '2020-01-01'`, []string{
			"column authors.created_at: default is '2020-01-01 00:00:00+00'::timestamp with time zone, want now()",
		}},
		{"identity", `ALTER TABLE tags ALTER COLUMN id DROP IDENTITY`, []string{
			"column tags.id: identity is none, want BY DEFAULT",
		}},
		{"missing index", `DROP INDEX books_author_id_idx`, []string{
			"missing index books.books_author_id_idx: btree (author_id)",
		}},
		{"extra index", `CREATE UNIQUE INDEX books_title_idx ON books (lower(title)) WHERE pages > 10`, []string{
			"extra index books.books_title_idx: UNIQUE btree (lower(title)) WHERE pages > 10",
		}},
		{"changed index", `DROP INDEX books_attributes_idx; CREATE INDEX books_attributes_idx ON books (attributes)`, []string{
			"index books.books_attributes_idx: is btree (attributes), want gin (attributes)",
		}},
		{"missing unique", `ALTER TABLE books DROP CONSTRAINT books_isbn_key`, []string{
			"missing unique books.books_isbn_key: UNIQUE (isbn)",
		}},
		{"extra unique", `ALTER TABLE books ADD CONSTRAINT books_title_key UNIQUE (title)`, []string{
			"extra unique books.books_title_key: UNIQUE (title)",
		}},
		{"changed check", `ALTER TABLE books DROP CONSTRAINT books_price_cents_check, ADD CONSTRAINT books_price_cents_check CHECK (price_cents > 0)`, []string{
			"check books.books_price_cents_check: is CHECK (price_cents > 0), want CHECK (price_cents >= 0)",
		}},
		{"extra check", `ALTER TABLE authors ADD CHECK (created_at > '2000-01-01')`, []string{
			"extra check authors.authors_created_at_check: CHECK (created_at > '2000-01-01 00:00:00+00'::timestamp with time zone)",
		}},
		{"missing check", `ALTER TABLE authors DROP CONSTRAINT authors_email_check`, []string{
			`missing check authors.authors_email_check: CHECK (email ~~ '%_@_%'::text)`,
		}},
		{"missing foreign key", `ALTER TABLE books DROP CONSTRAINT books_author_id_fkey`, []string{
			"missing foreign key books.books_author_id_fkey: FOREIGN KEY (author_id) REFERENCES authors(id) ON DELETE RESTRICT",
		}},
		{"changed foreign key", `ALTER TABLE books DROP CONSTRAINT books_author_id_fkey, ADD CONSTRAINT books_author_id_fkey FOREIGN KEY (author_id) REFERENCES authors(id) ON DELETE CASCADE`, []string{
			"foreign key books.books_author_id_fkey: is FOREIGN KEY (author_id) REFERENCES authors(id) ON DELETE CASCADE, want FOREIGN KEY (author_id) REFERENCES authors(id) ON DELETE RESTRICT",
		}},
		{"extra foreign key", `ALTER TABLE tags ADD COLUMN parent_id bigint REFERENCES tags(id)`, []string{
			"extra column tags.parent_id (bigint)",
			"extra foreign key tags.tags_parent_id_fkey: FOREIGN KEY (parent_id) REFERENCES tags(id)",
		}},
		{"missing primary key", `ALTER TABLE book_tags DROP CONSTRAINT book_tags_pkey`, []string{
			"missing primary key book_tags.book_tags_pkey: PRIMARY KEY (book_id, tag_id)",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			pool := pg.Pool(t, library.FS)
			if tc.alter != "" {
				if _, err := pool.Exec(ctx, tc.alter); err != nil {
					t.Fatal(err)
				}
			}
			diffs, err := model.Check(ctx, pool, reg)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range diffs {
				got = append(got, d.String())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("diffs:\n%q\nwant:\n%q", got, tc.want)
			}
		})
	}
}

// TestCheckInTx runs Check inside a caller's transaction: it must leave
// the transaction usable and the search_path as it was.
func TestCheckInTx(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pg.Pool(t, library.FS)
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	var before, after string
	if err := tx.QueryRow(ctx, "SHOW search_path").Scan(&before); err != nil {
		t.Fatal(err)
	}
	diffs, err := model.Check(ctx, tx, libraryRegistry(t))
	if err != nil || len(diffs) != 0 {
		t.Fatalf("Check = %v, %v", diffs, err)
	}
	if err := tx.QueryRow(ctx, "SHOW search_path").Scan(&after); err != nil {
		t.Fatal(err)
	}
	if before != after {
		t.Errorf("search_path %q after Check, was %q", after, before)
	}
	var schemas int
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'aquila_check_%'").Scan(&schemas); err != nil {
		t.Fatal(err)
	}
	if schemas != 0 {
		t.Errorf("%d scratch schemas left", schemas)
	}
}
