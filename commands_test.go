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

// TestLoadEveryCatalogTable loads each table of the reference catalog
// from NDJSON and from CSV through load's generic path (no Go row type),
// in dependency order, with explicit ids where later tables refer to them.
// The books' attributes include a JSON string, which must stay a string.
func TestLoadEveryCatalogTable(t *testing.T) {
	files := map[string][2]string{ // table → NDJSON, CSV
		"authors": {
			`{"id":1,"name":"Ursula K. Le Guin","email":"ursula@example.com","bio":"Wrote \"Earthsea\"."}` + "\n" + `{"id":2,"name":"Anonymous","email":null}` + "\n",
			"id,name,email,bio\n1,Ursula K. Le Guin,ursula@example.com,\"Wrote \"\"Earthsea\"\".\"\n2,Anonymous,,\n",
		},
		"books": {
			`{"id":10,"author_id":1,"isbn":"9780441478125","title":"The Left Hand of Darkness","published_on":"1969-03-01","price_cents":1599,"pages":304,"attributes":{"format":"paperback"}}` + "\n" +
				`{"id":11,"author_id":2,"isbn":"9780000000002","title":"Notes","published_on":"2001-02-03","price_cents":0,"pages":1,"attributes":"{\"a\":1}"}` + "\n",
			"id,author_id,isbn,title,published_on,price_cents,pages,attributes\n" +
				"10,1,9780441478125,The Left Hand of Darkness,1969-03-01,1599,304,\"{\"\"format\"\":\"\"paperback\"\"}\"\n" +
				"11,2,9780000000002,Notes,2001-02-03,0,1,\"\"\"{\\\"\"a\\\"\":1}\"\"\"\n",
		},
		"tags": {
			`{"name":"classic"}` + "\n" + `{"name":"sf"}` + "\n",
			"name\nclassic\nsf\n",
		},
		"book_tags": {
			`{"book_id":10,"tag_id":1}` + "\n" + `{"book_id":11,"tag_id":1}` + "\n",
			"book_id,tag_id\n10,1\n11,1\n",
		},
	}
	const readBack = `SELECT concat_ws(E'\n',
		(SELECT string_agg(concat_ws('|', id, name, email, bio), ';' ORDER BY id) FROM authors),
		(SELECT string_agg(concat_ws('|', id, author_id, isbn, title, published_on, price_cents, pages, attributes::text, jsonb_typeof(attributes)), ';' ORDER BY id) FROM books),
		(SELECT string_agg(name, ';' ORDER BY name) FROM tags),
		(SELECT string_agg(book_id || '-' || tag_id, ';' ORDER BY book_id) FROM book_tags))`
	const want = `1|Ursula K. Le Guin|ursula@example.com|Wrote "Earthsea".;2|Anonymous
10|1|9780441478125|The Left Hand of Darkness|1969-03-01|1599|304|{"format": "paperback"}|object;11|2|9780000000002|Notes|2001-02-03|0|1|"{\"a\":1}"|string
classic;sf
10-1;11-1`
	for i, format := range []string{"ndjson", "csv"} {
		t.Run(format, func(t *testing.T) {
			dsn := pg.URL(t, schema.FS)
			dir := t.TempDir()
			for _, table := range []string{"authors", "books", "tags", "book_tags"} {
				path := filepath.Join(dir, table+"."+format)
				if err := os.WriteFile(path, []byte(files[table][i]), 0o644); err != nil {
					t.Fatal(err)
				}
				if code, out, errb := aquila(t, "load", "-database-url", dsn, "-table", table, path); code != 0 || !strings.Contains(out, "loaded 2 rows") {
					t.Fatalf("load %s: exit %d\n%s%s", path, code, out, errb)
				}
			}
			conn, err := pgx.Connect(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(context.Background())
			var got string
			if err := conn.QueryRow(context.Background(), readBack).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("read back\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestLoadJSONStringStaysString: a JSON string in the jsonb attributes
// column is stored as that string, not as the object its text spells
// (load used to decode it first).
func TestLoadJSONStringStaysString(t *testing.T) {
	dsn := pg.URL(t, schema.FS)
	exec1(t, dsn, `INSERT INTO "authors" ("id", "name") VALUES (1, 'Loader')`)
	path := filepath.Join(t.TempDir(), "books.ndjson")
	line := `{"author_id":1,"isbn":"9780000000002","title":"Notes","published_on":"2001-02-03","price_cents":0,"pages":1,"attributes":"{\"a\":1}"}`
	if err := os.WriteFile(path, []byte(line+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errb := aquila(t, "load", "-database-url", dsn, "-table", "books", path); code != 0 {
		t.Fatalf("load: exit %d\n%s%s", code, out, errb)
	}
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var kind, text string
	if err := conn.QueryRow(context.Background(), `SELECT jsonb_typeof(attributes), attributes::text FROM books`).Scan(&kind, &text); err != nil {
		t.Fatal(err)
	}
	if kind != "string" || text != `"{\"a\":1}"` {
		t.Fatalf("attributes stored as %s %s, want the string \"{\\\"a\\\":1}\"", kind, text)
	}
}
