package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aquila-go/aquila/cli"
	"github.com/aquila-go/aquila/model"
)

// diffService is the fixture service reading its migrations from dir, with
// tables as its metadata.
func diffService(t *testing.T, dir string, tables []*model.TableDef) cli.Service {
	t.Helper()
	svc := fixture(t)
	reg, err := model.NewRegistry(tables...)
	if err != nil {
		t.Fatal(err)
	}
	svc.Registry = reg
	svc.Migrations = os.DirFS(dir)
	svc.MigrationsDir = dir
	return svc
}

// TestMigrateDiff walks the workflow: the fixture's migration matches its
// metadata; a column is added to the metadata; -check fails naming it;
// diff writes the next migration; migrate up, and the goose CLI, apply it
// to a database with rows, check finds no drift, the rows are kept; down
// restores the old schema. The scratch databases are dropped.
func TestMigrateDiff(t *testing.T) {
	admin := pg.AdminURL(t)
	dir := t.TempDir()
	base := fixture(t)
	data, err := base.Migrations.(interface {
		ReadFile(string) ([]byte, error)
	}).ReadFile("00001_shop.sql")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "00001_shop.sql"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	svc := diffService(t, dir, fixtureTables())
	// The configured database is the server's own "postgres": diff works in
	// scratch databases beside it and never touches its schema.
	var adminTables int
	tablesQuery := `SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace`
	query1(t, admin, tablesQuery, &adminTables)

	code, out, errb := run(svc, "migrate", "-database-url", admin, "diff", "-check")
	if code != 0 || !strings.Contains(out, "no changes") {
		t.Fatalf("diff -check on matching migrations: exit %d\n%s%s", code, out, errb)
	}
	code, out, errb = run(svc, "migrate", "-database-url", admin, "diff", "nothing")
	if code != 0 || !strings.Contains(out, "no changes") {
		t.Fatalf("diff without changes: exit %d\n%s%s", code, out, errb)
	}
	assertFiles(t, dir, "00001_shop.sql")

	// Rows in a target database migrated with the old metadata.
	target := pg.URL(t, nil)
	if code, out, errb := run(svc, "migrate", "-database-url", target, "up"); code != 0 {
		t.Fatalf("up: exit %d\n%s%s", code, out, errb)
	}
	exec1(t, target, `INSERT INTO customers (email) VALUES ('a@example.com'), ('b@example.com')`)

	tables := fixtureTables()
	tables[0] = model.Table("customers",
		model.Col("id", model.BigInt).Identity().PrimaryKey(),
		model.Col("email", model.Text).NotNull().Unique(),
		model.Col("created_at", model.TimestampTZ).NotNull().Default("now()"),
		model.Col("nickname", model.Text).Check(`char_length("nickname") <= 40`),
		model.Index("nickname"),
	)
	svc = diffService(t, dir, tables)
	code, out, errb = run(svc, "migrate", "-database-url", admin, "diff", "-check")
	if code != 1 || !strings.Contains(out, "missing column customers.nickname (text)") || !strings.Contains(errb, "lag behind") {
		t.Fatalf("diff -check with a new column: exit %d\n%s%s", code, out, errb)
	}
	assertFiles(t, dir, "00001_shop.sql")

	code, out, errb = run(svc, "migrate", "-database-url", admin, "diff", "Add nickname")
	if code != 0 {
		t.Fatalf("diff: exit %d\n%s%s", code, out, errb)
	}
	for _, want := range []string{"wrote " + filepath.Join(dir, "00002_add_nickname.sql"),
		"wrote " + filepath.Join(dir, "00003_add_nickname_concurrently.sql") + " (runs outside a transaction)", "verified"} {
		if !strings.Contains(out, want) {
			t.Errorf("diff output lacks %q:\n%s", want, out)
		}
	}
	assertFiles(t, dir, "00001_shop.sql", "00002_add_nickname.sql", "00003_add_nickname_concurrently.sql")
	main, _ := os.ReadFile(filepath.Join(dir, "00002_add_nickname.sql"))
	if !strings.Contains(string(main), `ALTER TABLE "customers" ADD COLUMN "nickname" text;`) {
		t.Errorf("00002_add_nickname.sql:\n%s", main)
	}
	if code, out, errb := run(svc, "migrate", "-database-url", admin, "diff", "-check"); code != 0 {
		t.Fatalf("diff -check after diff: exit %d\n%s%s", code, out, errb)
	}

	if code, out, errb := run(svc, "migrate", "-database-url", target, "up"); code != 0 {
		t.Fatalf("up: exit %d\n%s%s", code, out, errb)
	}
	if code, out, errb := run(svc, "check", "-database-url", target); code != 0 {
		t.Fatalf("check after up: exit %d\n%s%s", code, out, errb)
	}
	var n int
	query1(t, target, `SELECT count(*) FROM customers`, &n)
	if n != 2 {
		t.Errorf("%d customers after up, want 2", n)
	}
	for range 2 {
		if code, out, errb := run(svc, "migrate", "-database-url", target, "down"); code != 0 {
			t.Fatalf("down: exit %d\n%s%s", code, out, errb)
		}
	}
	old := diffService(t, dir, fixtureTables())
	if code, out, errb := run(old, "check", "-database-url", target); code != 0 {
		t.Fatalf("check against the old metadata after down: exit %d\n%s%s", code, out, errb)
	}

	// The same files through the plain goose CLI.
	if !testing.Short() {
		viaGoose := pg.URL(t, nil)
		goose.Run(t, dir, viaGoose, "up-to", "1")
		exec1(t, viaGoose, `INSERT INTO customers (email) VALUES ('a@example.com'), ('b@example.com')`)
		goose.Run(t, dir, viaGoose, "up")
		if code, out, errb := run(svc, "check", "-database-url", viaGoose); code != 0 {
			t.Fatalf("check after goose up: exit %d\n%s%s", code, out, errb)
		}
		query1(t, viaGoose, `SELECT count(*) FROM customers`, &n)
		if n != 2 {
			t.Errorf("%d customers after goose up, want 2", n)
		}
		goose.Run(t, dir, viaGoose, "down")
		goose.Run(t, dir, viaGoose, "down")
		if code, out, errb := run(old, "check", "-database-url", viaGoose); code != 0 {
			t.Fatalf("check against the old metadata after goose down: exit %d\n%s%s", code, out, errb)
		}
	}
	query1(t, admin, `SELECT count(*) FROM pg_database WHERE datname LIKE 'aquila_diff_%'`, &n)
	if n != 0 {
		t.Errorf("%d scratch databases left", n)
	}
	query1(t, admin, tablesQuery, &n)
	if n != adminTables {
		t.Errorf("the configured database has %d relations in public after diff, %d before", n, adminTables)
	}
}

func assertFiles(t *testing.T, dir string, want ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("files in %s: %v, want %v", dir, got, want)
	}
}
