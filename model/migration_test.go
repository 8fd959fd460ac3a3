package model_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aquila-go/aquila/migratelint"
	"github.com/aquila-go/aquila/model"
	"github.com/aquila-go/aquila/postgres"
)

// migrationBase is the metadata the round trips start from.
func migrationBase() []*model.TableDef {
	return []*model.TableDef{
		authorsWith(),
		booksWith(nil),
		model.Table("notes",
			model.Col("id", model.BigInt).NotNull(),
			model.Col("book_id", model.BigInt).References("books", "id").OnDelete(model.Cascade),
			model.Col("body", model.Text),
		),
	}
}

// migrationSeed inserts rows that every non-destructive change must keep.
const migrationSeed = `
INSERT INTO authors (name, email, code) VALUES ('Ann', 'ann@example.com', '7'), ('Bob', NULL, '42');
INSERT INTO books (author_id, title, pages) VALUES (1, 'One', 10), (1, 'Two', 20), (2, 'Three', 30);
INSERT INTO notes (id, book_id, body) VALUES (1, 1, 'a'), (2, 2, 'b');
`

// replace returns the base tables with some of them replaced or added
// (matched by name) and the ones named in drop left out.
func replace(drop []string, with ...*model.TableDef) []*model.TableDef {
	var out []*model.TableDef
	for _, t := range migrationBase() {
		if slices.Contains(drop, t.Name()) {
			continue
		}
		i := slices.IndexFunc(with, func(w *model.TableDef) bool { return w.Name() == t.Name() })
		if i >= 0 {
			out = append(out, with[i])
			with = slices.Delete(slices.Clone(with), i, i+1)
			continue
		}
		out = append(out, t)
	}
	return append(out, with...)
}

func authorsWith(extra ...model.Element) *model.TableDef {
	return model.Table("authors", append([]model.Element{
		model.Col("id", model.BigInt).Identity().PrimaryKey(),
		model.Col("name", model.Text).NotNull().Check(`char_length("name") > 0`),
		model.Col("email", model.Text),
		model.Col("code", model.Text),
	}, extra...)...)
}

func booksWith(cols []model.Element, extra ...model.Element) *model.TableDef {
	if cols == nil {
		cols = []model.Element{
			model.Col("id", model.BigInt).Identity().PrimaryKey(),
			model.Col("author_id", model.BigInt).NotNull().References("authors", "id"),
			model.Col("title", model.Varchar(200)).NotNull(),
			model.Col("pages", model.Integer),
			model.Col("price", model.Numeric(8, 2)).NotNull().DefaultValue(0),
			model.Col("status", model.Text).NotNull().DefaultValue("draft"),
		}
	}
	if extra == nil {
		extra = []model.Element{model.Index("author_id"), model.Index("title").Where(`"pages" > 0`)}
	}
	return model.Table("books", append(cols, extra...)...)
}

type roundTrip struct {
	name string
	// base replaces migrationBase as the starting metadata.
	base  []*model.TableDef
	after []*model.TableDef
	opts  []model.MigrationOption
	// files is the number of files the change needs; concurrent lists
	// statements the late file must contain.
	files int
	// up lists statements the Up sections must contain; destructive
	// marks a change that needs AllowDestructive.
	up          []string
	destructive bool
	// check runs on the migrated database.
	check string
	// lint lists the rules migratelint reports on the files: what the
	// generator cannot make safe by itself.
	lint []string
}

func TestMigrationRoundTrip(t *testing.T) {
	t.Parallel()
	tags := model.Table("tags", model.Col("id", model.BigInt).Identity().PrimaryKey(), model.Col("name", model.Text).NotNull().Unique())
	for _, tc := range []roundTrip{
		{name: "create table", files: 1,
			after: replace(nil, model.Table("reviews",
				model.Col("id", model.BigInt).Identity().PrimaryKey(),
				model.Col("book_id", model.BigInt).NotNull().References("books", "id").OnDelete(model.Cascade).OnUpdate(model.Restrict),
				model.Col("stars", model.SmallInt).NotNull().Check(`"stars" BETWEEN 1 AND 5`),
				model.Index("book_id"))),
			up: []string{`CREATE TABLE "reviews"`, `CREATE INDEX "reviews_book_id_idx" ON "reviews" ("book_id")`}},
		{name: "create tables in a cycle", files: 1,
			after: replace(nil,
				model.Table("teams", model.Col("id", model.BigInt).Identity().PrimaryKey(), model.Col("lead_id", model.BigInt).References("members", "id")),
				model.Table("members", model.Col("id", model.BigInt).Identity().PrimaryKey(), model.Col("team_id", model.BigInt).NotNull().References("teams", "id"))),
			up: []string{`ALTER TABLE "members" ADD CONSTRAINT "members_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams" ("id")`}},
		{name: "many-to-many", files: 1,
			after: replace(nil, tags, model.ManyToMany("book_tags", model.Link{Column: "book_id", Table: booksWith(nil)}, model.Link{Column: "tag_id", Table: tags})),
			up:    []string{`CREATE TABLE "book_tags"`, `CREATE INDEX "book_tags_tag_id_idx"`}},
		{name: "drop table", files: 1, destructive: true,
			after: replace([]string{"notes"}),
			up:    []string{`DROP TABLE "notes"`, `aquila:lint-ignore ban-drop-table`}},
		{name: "add nullable column", files: 1,
			after: replace(nil, authorsWith(model.Col("bio", model.Text))),
			up:    []string{`ALTER TABLE "authors" ADD COLUMN "bio" text`}},
		{name: "add column with default", files: 1,
			after: replace(nil, authorsWith(model.Col("active", model.Boolean).NotNull().DefaultValue(true))),
			up:    []string{`ALTER TABLE "authors" ADD COLUMN "active" boolean NOT NULL DEFAULT true`},
			check: `SELECT count(*) = 2 FROM authors WHERE active`},
		{name: "add identity column", files: 1,
			after: replace(nil, model.Table("notes",
				model.Col("id", model.BigInt).NotNull(),
				model.Col("book_id", model.BigInt).References("books", "id").OnDelete(model.Cascade),
				model.Col("body", model.Text),
				model.Col("seq", model.Integer).IdentityAlways())),
			up:   []string{`ADD COLUMN "seq" integer GENERATED ALWAYS AS IDENTITY`},
			lint: []string{migratelint.RuleAddingVolatileDefault}},
		{name: "drop column", files: 1, destructive: true,
			after: replace(nil, model.Table("authors",
				model.Col("id", model.BigInt).Identity().PrimaryKey(),
				model.Col("name", model.Text).NotNull().Check(`char_length("name") > 0`),
				model.Col("email", model.Text))),
			up: []string{`ALTER TABLE "authors" DROP COLUMN "code"`}},
		{name: "drop column with its index", files: 1, destructive: true,
			after: replace(nil, booksWith([]model.Element{
				model.Col("id", model.BigInt).Identity().PrimaryKey(),
				model.Col("author_id", model.BigInt).NotNull().References("authors", "id"),
				model.Col("title", model.Varchar(200)).NotNull(),
				model.Col("price", model.Numeric(8, 2)).NotNull().DefaultValue(0),
				model.Col("status", model.Text).NotNull().DefaultValue("draft"),
			}, model.Index("author_id"))),
			up: []string{`ALTER TABLE "books" DROP COLUMN "pages";`}},
		{name: "widen type", files: 1,
			after: replace(nil, booksWith([]model.Element{
				model.Col("id", model.BigInt).Identity().PrimaryKey(),
				model.Col("author_id", model.BigInt).NotNull().References("authors", "id"),
				model.Col("title", model.Text).NotNull(),
				model.Col("pages", model.BigInt),
				model.Col("price", model.Numeric(12, 2)).NotNull().DefaultValue(0),
				model.Col("status", model.Text).NotNull().DefaultValue("draft"),
			})),
			up:   []string{`ALTER TABLE "books" ALTER COLUMN "pages" TYPE bigint;`, `ALTER COLUMN "title" TYPE text;`, `TYPE numeric(12,2);`},
			lint: []string{migratelint.RuleChangingColumnType}},
		{name: "type change with USING", files: 1,
			after: replace(nil, model.Table("authors",
				model.Col("id", model.BigInt).Identity().PrimaryKey(),
				model.Col("name", model.Text).NotNull().Check(`char_length("name") > 0`),
				model.Col("email", model.Text),
				model.Col("code", model.Integer))),
			destructive: true,
			up:          []string{`ALTER TABLE "authors" ALTER COLUMN "code" TYPE integer USING "code"::integer`},
			check:       `SELECT sum(code) = 49 FROM authors`},
		{name: "narrow type", files: 1, destructive: true,
			after: replace(nil, booksWith([]model.Element{
				model.Col("id", model.BigInt).Identity().PrimaryKey(),
				model.Col("author_id", model.BigInt).NotNull().References("authors", "id"),
				model.Col("title", model.Varchar(50)).NotNull(),
				model.Col("pages", model.Integer),
				model.Col("price", model.Numeric(8, 2)).NotNull().DefaultValue(0),
				model.Col("status", model.Text).NotNull().DefaultValue("draft"),
			})),
			up: []string{`ALTER TABLE "books" ALTER COLUMN "title" TYPE varchar(50)`, `aquila:lint-ignore changing-column-type`}},
		{name: "set not null", files: 2,
			after: replace(nil, model.Table("notes",
				model.Col("id", model.BigInt).NotNull(),
				model.Col("book_id", model.BigInt).NotNull().References("books", "id").OnDelete(model.Cascade),
				model.Col("body", model.Text))),
			up: []string{`ADD CONSTRAINT "notes_book_id_nn_check" CHECK ("book_id" IS NOT NULL) NOT VALID`,
				`VALIDATE CONSTRAINT "notes_book_id_nn_check";
ALTER TABLE "notes" ALTER COLUMN "book_id" SET NOT NULL;
ALTER TABLE "notes" DROP CONSTRAINT "notes_book_id_nn_check";`}},
		{name: "drop not null", files: 1,
			after: replace(nil, booksWith([]model.Element{
				model.Col("id", model.BigInt).Identity().PrimaryKey(),
				model.Col("author_id", model.BigInt).NotNull().References("authors", "id"),
				model.Col("title", model.Varchar(200)),
				model.Col("pages", model.Integer),
				model.Col("price", model.Numeric(8, 2)).NotNull().DefaultValue(0),
				model.Col("status", model.Text).NotNull().DefaultValue("draft"),
			})),
			up: []string{`ALTER TABLE "books" ALTER COLUMN "title" DROP NOT NULL`}},
		{name: "defaults", files: 1,
			after: replace(nil, booksWith([]model.Element{
				model.Col("id", model.BigInt).Identity().PrimaryKey(),
				model.Col("author_id", model.BigInt).NotNull().References("authors", "id"),
				model.Col("title", model.Varchar(200)).NotNull().DefaultValue("untitled"),
				model.Col("pages", model.Integer),
				model.Col("price", model.Numeric(8, 2)).NotNull(),
				model.Col("status", model.Text).NotNull().DefaultValue("new"),
			})),
			up: []string{`ALTER COLUMN "title" SET DEFAULT 'untitled'`, `ALTER COLUMN "price" DROP DEFAULT`, `ALTER COLUMN "status" SET DEFAULT 'new'`}},
		{name: "add identity and primary key", files: 2,
			after: replace(nil, model.Table("notes",
				model.Col("id", model.BigInt).Identity().PrimaryKey(),
				model.Col("book_id", model.BigInt).References("books", "id").OnDelete(model.Cascade),
				model.Col("body", model.Text))),
			up: []string{`ALTER TABLE "notes" ALTER COLUMN "id" ADD GENERATED BY DEFAULT AS IDENTITY`,
				`SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence('"notes"', 'id'), coalesce(max("id"), 0) + 1, false) FROM "notes"`,
				`CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "notes_pkey" ON "notes" ("id")`,
				`ALTER TABLE "notes" ADD CONSTRAINT "notes_pkey" PRIMARY KEY USING INDEX "notes_pkey"`},
			check: `WITH i AS (INSERT INTO notes (body) VALUES ('c') RETURNING id) SELECT count(*) = 1 FROM i WHERE id = 3`},
		{name: "identity kind", files: 1,
			after: replace(nil, model.Table("authors",
				model.Col("id", model.BigInt).IdentityAlways().PrimaryKey(),
				model.Col("name", model.Text).NotNull().Check(`char_length("name") > 0`),
				model.Col("email", model.Text),
				model.Col("code", model.Text))),
			up: []string{`ALTER TABLE "authors" ALTER COLUMN "id" SET GENERATED ALWAYS`}},
		{name: "drop identity", files: 1,
			after: replace(nil, model.Table("authors",
				model.Col("id", model.BigInt).PrimaryKey(),
				model.Col("name", model.Text).NotNull().Check(`char_length("name") > 0`),
				model.Col("email", model.Text),
				model.Col("code", model.Text))),
			up: []string{`ALTER TABLE "authors" ALTER COLUMN "id" DROP IDENTITY`}},
		{name: "add unique and check", files: 2,
			after: replace(nil, model.Table("authors",
				model.Col("id", model.BigInt).Identity().PrimaryKey(),
				model.Col("name", model.Text).NotNull().Check(`char_length("name") > 0`),
				model.Col("email", model.Text).Unique().Check(`"email" LIKE '%@%'`),
				model.Col("code", model.Text))),
			up: []string{`ALTER TABLE "authors" ADD CONSTRAINT "authors_email_check" CHECK ("email" LIKE '%@%') NOT VALID`,
				`ALTER TABLE "authors" VALIDATE CONSTRAINT "authors_email_check"`,
				`CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "authors_email_key" ON "authors" ("email")`,
				`ALTER TABLE "authors" ADD CONSTRAINT "authors_email_key" UNIQUE USING INDEX "authors_email_key"`}},
		{name: "change and drop checks", files: 2,
			after: replace(nil, model.Table("authors",
				model.Col("id", model.BigInt).Identity().PrimaryKey(),
				model.Col("name", model.Text).NotNull().Check(`char_length("name") > 1`),
				model.Col("email", model.Text),
				model.Col("code", model.Text))),
			up: []string{`ALTER TABLE "authors" DROP CONSTRAINT "authors_name_check"`, `ADD CONSTRAINT "authors_name_check" CHECK (char_length("name") > 1) NOT VALID`}},
		{name: "foreign key actions", files: 2,
			after: replace(nil, booksWith([]model.Element{
				model.Col("id", model.BigInt).Identity().PrimaryKey(),
				model.Col("author_id", model.BigInt).NotNull().References("authors", "id").OnDelete(model.Cascade).OnUpdate(model.Cascade),
				model.Col("title", model.Varchar(200)).NotNull(),
				model.Col("pages", model.Integer),
				model.Col("price", model.Numeric(8, 2)).NotNull().DefaultValue(0),
				model.Col("status", model.Text).NotNull().DefaultValue("draft"),
			})),
			up: []string{`ALTER TABLE "books" DROP CONSTRAINT "books_author_id_fkey"`,
				`ADD CONSTRAINT "books_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "authors" ("id") ON DELETE CASCADE ON UPDATE CASCADE NOT VALID`,
				`ALTER TABLE "books" VALIDATE CONSTRAINT "books_author_id_fkey"`}},
		{name: "drop foreign key", files: 1,
			after: replace(nil, model.Table("notes",
				model.Col("id", model.BigInt).NotNull(),
				model.Col("book_id", model.BigInt),
				model.Col("body", model.Text))),
			up: []string{`ALTER TABLE "notes" DROP CONSTRAINT "notes_book_id_fkey"`}},
		{name: "indexes", files: 1,
			after: replace(nil, booksWith(nil,
				model.Index("title", "pages").Unique().Named("books_title_pages_key"),
				model.Index("status").Using(model.Hash),
				model.Index("title").Where(`"pages" > 10`),
			)),
			up: []string{`DROP INDEX CONCURRENTLY IF EXISTS "books_author_id_idx"`,
				`DROP INDEX CONCURRENTLY IF EXISTS "books_title_idx"`,
				`CREATE INDEX CONCURRENTLY IF NOT EXISTS "books_title_idx" ON "books" ("title") WHERE ("pages" > 10)`,
				`CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "books_title_pages_key" ON "books" ("title", "pages")`,
				`CREATE INDEX CONCURRENTLY IF NOT EXISTS "books_status_idx" ON "books" USING hash ("status")`}},
		{name: "rename column", files: 1,
			after: replace(nil, model.Table("authors",
				model.Col("id", model.BigInt).Identity().PrimaryKey(),
				model.Col("full_name", model.Text).NotNull().Check(`char_length("full_name") > 0`),
				model.Col("email", model.Text),
				model.Col("code", model.Text))),
			opts: []model.MigrationOption{model.RenameColumn("authors", "name", "full_name")},
			up: []string{`ALTER TABLE "authors" RENAME COLUMN "name" TO "full_name"`,
				`ALTER TABLE "authors" RENAME CONSTRAINT "authors_name_check" TO "authors_full_name_check"`},
			check: `SELECT count(*) = 1 FROM authors WHERE full_name = 'Ann'`},
		{name: "rename table", files: 1,
			after: func() []*model.TableDef {
				w := model.Table("writers",
					model.Col("id", model.BigInt).Identity().PrimaryKey(),
					model.Col("name", model.Text).NotNull().Check(`char_length("name") > 0`),
					model.Col("email", model.Text),
					model.Col("code", model.Text))
				b := migrationBase()[1:]
				b[0] = booksWith([]model.Element{
					model.Col("id", model.BigInt).Identity().PrimaryKey(),
					model.Col("author_id", model.BigInt).NotNull().References("writers", "id"),
					model.Col("title", model.Varchar(200)).NotNull(),
					model.Col("pages", model.Integer),
					model.Col("price", model.Numeric(8, 2)).NotNull().DefaultValue(0),
					model.Col("status", model.Text).NotNull().DefaultValue("draft"),
				})
				return append([]*model.TableDef{w}, b...)
			}(),
			opts: []model.MigrationOption{model.RenameTable("authors", "writers")},
			up: []string{`ALTER TABLE "authors" RENAME TO "writers"`,
				`ALTER TABLE "writers" RENAME CONSTRAINT "authors_pkey" TO "writers_pkey"`},
			check: `SELECT count(*) = 2 FROM writers`},
		{name: "key under a foreign key", files: 2,
			base: replace(nil,
				authorsWith(model.Unique("email")),
				model.Table("notes",
					model.Col("id", model.BigInt).NotNull(),
					model.Col("book_id", model.BigInt).References("books", "id").OnDelete(model.Cascade),
					model.Col("body", model.Text),
					model.Col("author_email", model.Text).References("authors", "email"))),
			after: replace(nil,
				authorsWith(model.Index("email").Unique().Named("authors_email_key")),
				model.Table("notes",
					model.Col("id", model.BigInt).NotNull(),
					model.Col("book_id", model.BigInt).References("books", "id").OnDelete(model.Cascade),
					model.Col("body", model.Text),
					model.Col("author_email", model.Text).References("authors", "email"))),
			up: []string{`ALTER TABLE "notes" DROP CONSTRAINT "notes_author_email_fkey"`,
				`ALTER TABLE "authors" DROP CONSTRAINT "authors_email_key"`,
				`CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "authors_email_key" ON "authors" ("email")`,
				`ALTER TABLE "notes" ADD CONSTRAINT "notes_author_email_fkey" FOREIGN KEY ("author_email") REFERENCES "authors" ("email") NOT VALID;
ALTER TABLE "notes" VALIDATE CONSTRAINT "notes_author_email_fkey";`}},
		{name: "undeclared rename", files: 1, destructive: true,
			after: replace(nil, model.Table("authors",
				model.Col("id", model.BigInt).Identity().PrimaryKey(),
				model.Col("name", model.Text).NotNull().Check(`char_length("name") > 0`),
				model.Col("email", model.Text),
				model.Col("ref", model.Text))),
			up: []string{`-- column authors.code is dropped while ref is added: if that is a rename, declare it (-rename authors.code=ref), or the data of code is lost`,
				`ALTER TABLE "authors" DROP COLUMN "code"`, `ALTER TABLE "authors" ADD COLUMN "ref" text`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			testRoundTrip(t, tc)
		})
	}
}

func testRoundTrip(t *testing.T, tc roundTrip) {
	ctx := context.Background()
	baseTables := tc.base
	if baseTables == nil {
		baseTables = migrationBase()
	}
	before, after := mustRegistry(t, baseTables), mustRegistry(t, tc.after)
	// The starting point: the base metadata written as the first
	// migration, and rows.
	dsn, pool, files := migratedBase(t, before)
	if _, err := pool.Exec(ctx, migrationSeed); err != nil {
		t.Fatal(err)
	}

	m, err := model.PlanMigration(ctx, pool, after, tc.opts...)
	if tc.destructive {
		if !errors.Is(err, model.ErrDestructive) {
			t.Fatalf("without AllowDestructive: %v, want ErrDestructive", err)
		}
		m, err = model.PlanMigration(ctx, pool, after, append(tc.opts, model.AllowDestructive())...)
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != tc.files {
		t.Errorf("%d files, want %d", len(m.Files), tc.files)
	}
	var all strings.Builder
	var names []string
	for i, f := range m.Files {
		name := fmt.Sprintf("%05d_change%s.sql", i+2, f.Suffix)
		names = append(names, name)
		files[name] = &fstest.MapFile{Data: []byte(f.String())}
		all.WriteString(f.String())
		t.Logf("%s:\n%s", name, f.String())
		if f.NoTransaction != strings.Contains(f.String(), "-- +goose NO TRANSACTION") {
			t.Errorf("%s: NoTransaction %v does not match its text", name, f.NoTransaction)
		}
	}
	for _, s := range tc.up {
		if !strings.Contains(all.String(), s) {
			t.Errorf("the migration does not contain %q", s)
		}
	}
	findings, err := migratelint.Lint(files, migratelint.Config{Only: names})
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	for _, f := range findings {
		rules = append(rules, f.Rule)
	}
	if !slices.Equal(rules, tc.lint) {
		t.Errorf("lint findings %v, want rules %v", findings, tc.lint)
	}

	// Up through goose, as migrate up does it, and through the goose CLI
	// on a second database that took the same path.
	migrateUp(t, dsn, files)
	assertNoDrift(t, pool, after, "after Up")
	again, err := model.PlanMigration(ctx, pool, after, model.AllowDestructive())
	if err != nil {
		t.Fatal(err)
	}
	if !again.Empty() {
		t.Errorf("planning again after Up gives %d files:\n%s", len(again.Files), again.Files[0].String())
	}
	assertBooksKept(t, pool, "after Up")
	if tc.check != "" {
		var ok bool
		if err := pool.QueryRow(ctx, tc.check).Scan(&ok); err != nil || !ok {
			t.Errorf("%s: %v, %v", tc.check, ok, err)
		}
	}

	// Down, file by file, gives the base schema again.
	migrateDown(t, dsn, files, len(m.Files))
	assertNoDrift(t, pool, before, "after Down")
	assertBooksKept(t, pool, "after Down")

	if !testing.Short() && !raceEnabled {
		gooseCLIRoundTrip(t, files, before, after, len(m.Files))
	}
}

// migratedBase returns a new database migrated with the migration that
// PlanMigration writes for r from an empty one, and that migration.
func migratedBase(t *testing.T, r *model.Registry) (string, *pgxpool.Pool, fstest.MapFS) {
	t.Helper()
	dsn := pg.URL(t, nil)
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	base, err := model.PlanMigration(context.Background(), pool, r)
	if err != nil {
		t.Fatal(err)
	}
	if len(base.Files) != 1 {
		t.Fatalf("from an empty database: %d files, want 1", len(base.Files))
	}
	files := fstest.MapFS{"00001_base.sql": {Data: []byte(base.Files[0].String())}}
	migrateUp(t, dsn, files)
	return dsn, pool, files
}

func mustRegistry(t *testing.T, tables []*model.TableDef) *model.Registry {
	t.Helper()
	r, err := model.NewRegistry(tables...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// assertBooksKept checks that the seeded books are still there: no case
// changes that table's rows.
func assertBooksKept(t *testing.T, pool *pgxpool.Pool, when string) {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM books").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("%s: %d books, want the 3 inserted before the change", when, n)
	}
}

func assertNoDrift(t *testing.T, pool *pgxpool.Pool, r *model.Registry, when string) {
	t.Helper()
	diffs, err := model.Check(context.Background(), pool, r)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Errorf("%s: %s", when, d)
	}
}

func migrateUp(t *testing.T, dsn string, files fstest.MapFS) {
	t.Helper()
	m, err := postgres.NewMigrator(dsn, files)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := m.Up(context.Background()); err != nil {
		t.Fatalf("migrate up: %v", err)
	}
}

func migrateDown(t *testing.T, dsn string, files fstest.MapFS, n int) {
	t.Helper()
	m, err := postgres.NewMigrator(dsn, files)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for range n {
		if _, err := m.Down(context.Background()); err != nil {
			t.Fatalf("migrate down: %v", err)
		}
	}
}

// gooseCLIRoundTrip applies the same files with the plain goose CLI to a
// new database: up to the base, seed, up, check; then down and check.
func gooseCLIRoundTrip(t *testing.T, files fstest.MapFS, before, after *model.Registry, n int) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	for name, f := range files {
		if err := os.WriteFile(filepath.Join(dir, name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dsn := pg.URL(t, nil)
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	goose.Run(t, dir, dsn, "up-to", "1")
	if _, err := pool.Exec(ctx, migrationSeed); err != nil {
		t.Fatal(err)
	}
	goose.Run(t, dir, dsn, "up")
	assertNoDrift(t, pool, after, "after goose up")
	for range n {
		goose.Run(t, dir, dsn, "down")
	}
	assertNoDrift(t, pool, before, "after goose down")
}

// TestPlanMigrationErrors: bad renames, destructive changes without
// AllowDestructive and a change the generator cannot write are typed
// errors naming the table and column, and plan nothing.
func TestPlanMigrationErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, pool, _ := migratedBase(t, mustRegistry(t, migrationBase()))

	renamed := replace(nil, model.Table("authors",
		model.Col("id", model.BigInt).Identity().PrimaryKey(),
		model.Col("full_name", model.Text).NotNull(),
		model.Col("email", model.Text),
		model.Col("code", model.Text)))
	for _, tc := range []struct {
		name   string
		tables []*model.TableDef
		opts   []model.MigrationOption
		err    error
		msg    []string
	}{
		{"unknown column", renamed, []model.MigrationOption{model.RenameColumn("authors", "nom", "full_name")},
			model.ErrInvalidRename, []string{`table "authors" column "nom"`, "no such column in the database"}},
		{"target not in metadata", renamed, []model.MigrationOption{model.RenameColumn("authors", "name", "nickname")},
			model.ErrInvalidRename, []string{`column "nickname"`, "no such column in the metadata"}},
		{"unknown table", renamed, []model.MigrationOption{model.RenameTable("writers", "authors")},
			model.ErrInvalidRename, []string{`table "writers"`}},
		{"destructive", renamed, nil,
			model.ErrDestructive, []string{`table "authors" column "name": destructive change: drop column (its data is lost)`}},
		{"serial", replace(nil, model.Table("notes",
			model.Col("id", model.BigSerial),
			model.Col("book_id", model.BigInt).References("books", "id").OnDelete(model.Cascade),
			model.Col("body", model.Text))), nil,
			model.ErrUnsupportedChange, []string{`table "notes" column "id"`, "make it an identity column"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := model.PlanMigration(ctx, pool, mustRegistry(t, tc.tables), tc.opts...)
			if !errors.Is(err, tc.err) || m != nil {
				t.Fatalf("PlanMigration = %v, %v; want %v", m, err, tc.err)
			}
			var merr *model.Error
			if !errors.As(err, &merr) {
				t.Errorf("%v is not a *model.Error", err)
			}
			for _, s := range tc.msg {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("%q lacks %q", err, s)
				}
			}
		})
	}
}

// TestPlanMigrationValidatesLeftovers: a constraint that a failed
// NO TRANSACTION file left NOT VALID is validated, not recreated.
func TestPlanMigrationValidatesLeftovers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := mustRegistry(t, migrationBase())
	_, pool, _ := migratedBase(t, reg)
	if _, err := pool.Exec(ctx, `ALTER TABLE authors DROP CONSTRAINT authors_name_check;
		ALTER TABLE authors ADD CONSTRAINT authors_name_check CHECK (char_length(name) > 0) NOT VALID`); err != nil {
		t.Fatal(err)
	}
	m, err := model.PlanMigration(ctx, pool, reg)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != 1 || !m.Files[0].NoTransaction || !slices.Equal(m.Files[0].Up(), []string{`ALTER TABLE "authors" VALIDATE CONSTRAINT "authors_name_check"`}) {
		t.Fatalf("files: %v", m.Files)
	}
	for _, s := range m.Files[0].Up() {
		if _, err := pool.Exec(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	assertNoDrift(t, pool, reg, "after validating")
}

// TestMigrationLockTimeout: while a long transaction holds a lock on the
// table, the main file gives up after its lock_timeout instead of queueing
// the table's traffic, and changes nothing.
func TestMigrationLockTimeout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	before := mustRegistry(t, migrationBase())
	dsn, pool, files := migratedBase(t, before)
	after := mustRegistry(t, replace(nil, authorsWith(model.Col("bio", model.Text))))
	m, err := model.PlanMigration(ctx, pool, after, model.LockTimeout(200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if up := m.Files[0].Up(); up[0] != "SET LOCAL lock_timeout = '200ms'" {
		t.Fatalf("Up starts with %q", up[0])
	}
	files["00002_bio.sql"] = &fstest.MapFile{Data: []byte(m.Files[0].String())}

	reader, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Rollback(ctx)
	if _, err := reader.Exec(ctx, "SELECT count(*) FROM authors"); err != nil {
		t.Fatal(err)
	}
	mg, err := postgres.NewMigrator(dsn, files)
	if err != nil {
		t.Fatal(err)
	}
	defer mg.Close()
	_, err = mg.Up(ctx)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "55P03" {
		t.Fatalf("migrate up under a lock: %v, want lock_not_available (55P03)", err)
	}
	reader.Rollback(ctx)
	assertNoDrift(t, pool, before, "after the timed-out migration")
}
