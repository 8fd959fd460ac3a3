package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/aquila-go/aquila/schema"
)

func exec1(t *testing.T, dsn, sql string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func count(t *testing.T, dsn, table string) int {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM `+pgx.Identifier{table}.Sanitize()).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDDLOutputPassesCheck(t *testing.T) {
	code, ddl, stderr := aquila(t, "ddl")
	if code != 0 || !strings.Contains(ddl, `CREATE TABLE "books"`) {
		t.Fatalf("ddl: exit %d\n%s%s", code, ddl, stderr)
	}
	dsn := pg.URL(t, nil)
	exec1(t, dsn, ddl)
	if code, out, stderr := aquila(t, "check", "-database-url", dsn); code != 0 {
		t.Fatalf("check after ddl: exit %d\n%s%s", code, out, stderr)
	}
	code, drop, _ := aquila(t, "ddl", "-drop")
	if code != 0 || !strings.Contains(drop, `DROP TABLE`) {
		t.Fatalf("ddl -drop: exit %d\n%s", code, drop)
	}
	exec1(t, dsn, drop)
}

func TestCheckMigratedThenDrift(t *testing.T) {
	dsn := pg.URL(t, schema.FS)
	if code, out, stderr := aquila(t, "check", "-database-url", dsn); code != 0 || !strings.Contains(out, "no differences") {
		t.Fatalf("check on a migrated database: exit %d\n%s%s", code, out, stderr)
	}
	exec1(t, dsn, `ALTER TABLE "books" DROP COLUMN "pages"`)
	code, out, stderr := aquila(t, "check", "-database-url", dsn)
	if code != 1 || !strings.Contains(out, "books.pages") {
		t.Fatalf("check after DROP COLUMN pages: exit %d, want 1 naming books.pages\n%s%s", code, out, stderr)
	}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			t.Fatalf("empty difference line in:\n%s", out)
		}
	}
	if n := count(t, dsn, "goose_db_version"); n < 2 {
		t.Fatalf("goose_db_version has %d rows", n)
	}
}

func TestLoadNDJSONAndCSV(t *testing.T) {
	dsn := pg.URL(t, schema.FS)
	exec1(t, dsn, `INSERT INTO "authors" ("id", "name") VALUES (1, 'Loader')`)
	dir := t.TempDir()
	var nd strings.Builder
	const rows = 100_000
	for i := range rows {
		fmt.Fprintf(&nd, `{"author_id":1,"isbn":"978%010d","title":"Loaded %d","published_on":"2021-01-02","price_cents":%d,"pages":%d}`+"\n", i, i, i, i%300+1)
	}
	ndPath := filepath.Join(dir, "books.ndjson")
	os.WriteFile(ndPath, []byte(nd.String()), 0o644)
	code, out, stderr := aquila(t, "load", "-database-url", dsn, "-table", "books", ndPath)
	t.Logf("load: %s%s", out, stderr)
	if code != 0 || !strings.Contains(out+stderr, "rows/s") {
		t.Fatalf("load: exit %d\n%s%s", code, out, stderr)
	}
	if n := count(t, dsn, "books"); n != rows {
		t.Fatalf("%d books after load, want %d", n, rows)
	}

	// One malformed line: nothing is loaded and the line is named.
	lines := strings.Split(strings.ReplaceAll(nd.String(), `"isbn":"978`, `"isbn":"979`), "\n")
	lines[77776] = `{"author_id":1,"isbn":` // line 77 777
	badPath := filepath.Join(dir, "bad.ndjson")
	os.WriteFile(badPath, []byte(strings.Join(lines, "\n")), 0o644)
	code, out, stderr = aquila(t, "load", "-database-url", dsn, "-table", "books", badPath)
	if code == 0 || !strings.Contains(out+stderr, "77777") {
		t.Fatalf("load of a bad file: exit %d, want an error naming line 77777\n%s%s", code, out, stderr)
	}
	if n := count(t, dsn, "books"); n != rows {
		t.Fatalf("%d books after the failed load, want %d (something was committed)", n, rows)
	}

	csvPath := filepath.Join(dir, "tags.csv")
	os.WriteFile(csvPath, []byte("name\ngo\nsql\npostgres\n"), 0o644)
	if code, out, stderr := aquila(t, "load", "-database-url", dsn, "-table", "tags", csvPath); code != 0 {
		t.Fatalf("load csv: exit %d\n%s%s", code, out, stderr)
	}
	if n := count(t, dsn, "tags"); n != 3 {
		t.Fatalf("%d tags after csv load, want 3", n)
	}
	if code, _, _ := aquila(t, "load", "-database-url", dsn, "-table", "nope", csvPath); code != 2 {
		t.Fatalf("unknown table: exit %d, want 2", code)
	}
}
