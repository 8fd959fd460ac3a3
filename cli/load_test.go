package cli_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// itemsNDJSON holds a row with a value of every type, written as a JSON
// producer would, and a row of NULLs and alternative spellings.
const itemsNDJSON = `{"id":"6f1c2a4e-7d3b-4c1e-9a2f-0b1c2d3e4f50","customer_id":1,"small":-32768,"count":7,"big":"9007199254740993","serial":42,"flag":true,"name":"héllo wörl","note":"line\nbreak \"quoted\"","ratio":0.5,"score":-1.25e-3,"price":"123456.78","day":"2024-02-29","at":"2024-02-29T13:14:15.123456","at_tz":"2024-02-29T13:14:15.5+02:00","doc":{"b":[1,2],"a":null},"docb":"{\"a\":1}","blob":"\\x00ff10","tags":["a b","c,d",null,"NULL"],"scores":[1,null,-3],"prices":[1.5,"2.25"]}

{"id":"00000000000000000000000000000001","count":0,"serial":43,"doc":null,"docb":[1,"x",{"k":null}],"tags":[],"blob":"AP8Q","price":-0.5,"flag":false}
`

// itemsCSV is the same two rows as CSV fields: PostgreSQL's text forms,
// an empty field for NULL.
var itemsCSV = [][]string{
	{"id", "customer_id", "small", "count", "big", "serial", "flag", "name", "note", "ratio", "score", "price", "day", "at", "at_tz", "doc", "docb", "blob", "tags", "scores", "prices"},
	{"6f1c2a4e-7d3b-4c1e-9a2f-0b1c2d3e4f50", "1", "-32768", "7", "9007199254740993", "42", "t", "héllo wörl", "line\nbreak \"quoted\"", "0.5", "-1.25e-3", "123456.78", "2024-02-29", "2024-02-29 13:14:15.123456", "2024-02-29 13:14:15.5+02", `{"b":[1,2],"a":null}`, `"{\"a\":1}"`, `\x00ff10`, `{"a b","c,d",NULL,"NULL"}`, "{1,NULL,-3}", "{1.5,2.25}"},
	{"00000000000000000000000000000001", "", "", "0", "", "43", "false", "", "", "", "", "-0.5", "", "", "", "", `[1,"x",{"k":null}]`, "AP8Q", "{}", "", ""},
}

// itemsSelect reads the loaded items back as text, one line per row.
const itemsSelect = `SELECT string_agg(concat_ws(' | ', id, customer_id, small, count, big, serial, flag, name, note, ratio, score, price, day, at,
	to_char(at_tz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), doc::text, docb::text, jsonb_typeof(docb), blob, tags, scores, prices), E'\n' ORDER BY id DESC) FROM items`

const itemsWant = `6f1c2a4e-7d3b-4c1e-9a2f-0b1c2d3e4f50 | 1 | -32768 | 7 | 9007199254740993 | 42 | t | héllo wörl | line
break "quoted" | 0.5 | -0.00125 | 123456.78 | 2024-02-29 | 2024-02-29 13:14:15.123456 | 2024-02-29 11:14:15.500000 | {"b":[1,2],"a":null} | "{\"a\":1}" | string | \x00ff10 | {"a b","c,d",NULL,"NULL"} | {1,NULL,-3} | {1.50,2.25}
00000000-0000-0000-0000-000000000001 | 0 | 43 | f | -0.50 | [1, "x", {"k": null}] | array | \x00ff10 | {}`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func csvText(t *testing.T, records [][]string) string {
	t.Helper()
	var b strings.Builder
	w := csv.NewWriter(&b)
	if err := w.WriteAll(records); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestLoadEveryType loads the same rows from NDJSON and from CSV into
// two databases and reads back every column: each type is parsed by its
// column's metadata, JSON values are stored as they are (a JSON string
// stays a string in jsonb, json keeps its text byte for byte), and absent
// keys and empty fields are NULL.
func TestLoadEveryType(t *testing.T) {
	svc := fixture(t)
	customers := writeFile(t, "customers.csv", "id,email\n1,ann@example.com\n")
	for _, tc := range []struct{ name, file string }{
		{"ndjson", writeFile(t, "items.ndjson", itemsNDJSON)},
		{"csv", writeFile(t, "items.csv", csvText(t, itemsCSV))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dsn := pg.URL(t, svc.Migrations)
			if code, out, errb := run(svc, "load", "-database-url", dsn, "-table", "customers", customers); code != 0 {
				t.Fatalf("load customers: exit %d\n%s%s", code, out, errb)
			}
			code, out, errb := run(svc, "load", "-database-url", dsn, "-table", "items", tc.file)
			if code != 0 || !strings.Contains(out, "loaded 2 rows into items") {
				t.Fatalf("load items: exit %d\n%s%s", code, out, errb)
			}
			var got string
			query1(t, dsn, itemsSelect, &got)
			if got != itemsWant {
				t.Errorf("items read back as\n%s\nwant\n%s", got, itemsWant)
			}
			var email string
			var id int64
			query1(t, dsn, `SELECT id, email FROM customers`, &id, &email)
			if id != 1 || email != "ann@example.com" {
				t.Errorf("customer %d %q", id, email)
			}
		})
	}
}

// TestLoadJSONStringStaysString is the shape bug: a JSON string in a jsonb
// column used to be decoded and stored as the object it spelled.
func TestLoadJSONStringStaysString(t *testing.T) {
	svc := fixture(t)
	dsn := pg.URL(t, svc.Migrations)
	file := writeFile(t, "items.ndjson", `{"id":"6f1c2a4e-7d3b-4c1e-9a2f-0b1c2d3e4f50","count":1,"docb":"{\"a\":1}","doc":"{\"a\":1}"}`+"\n")
	if code, out, errb := run(svc, "load", "-database-url", dsn, "-table", "items", file); code != 0 {
		t.Fatalf("load: exit %d\n%s%s", code, out, errb)
	}
	var kind, docb, doc string
	query1(t, dsn, `SELECT jsonb_typeof(docb), docb::text, doc::text FROM items`, &kind, &docb, &doc)
	if kind != "string" || docb != `"{\"a\":1}"` || doc != `"{\"a\":1}"` {
		t.Errorf("stored %s %s and %s, want the JSON string \"{\\\"a\\\":1}\" in both", kind, docb, doc)
	}
}

// TestLoadBadValueLoadsNothing sends a few good rows in chunks of one row
// (so they reach the server) and then a bad one: the error names the line,
// the column and its type, and no row is left in the table.
func TestLoadBadValueLoadsNothing(t *testing.T) {
	svc := fixture(t)
	const good = `{"id":"00000000-0000-0000-0000-00000000000a","count":1}` + "\n\n" + `{"id":"00000000-0000-0000-0000-00000000000b","count":2}` + "\n"
	ndjson := []struct {
		name, line, want string
	}{
		{"integer", `"count":"abc"`, `line 4: column count (integer): invalid value: not an integer: "\"abc\""`},
		{"smallint range", `"count":1,"small":40000`, `line 4: column small (smallint): invalid value: out of range: "40000"`},
		{"integer as float", `"count":1.5`, `line 4: column count (integer): invalid value: not an integer`},
		{"varchar length", `"count":1,"name":"eleven char"`, `line 4: column name (varchar(10)): invalid value: 11 characters, more than 10`},
		{"numeric precision", `"count":1,"price":1234567`, `line 4: column price (numeric(8,2)): invalid value: more than 6 digits before the decimal point`},
		{"date", `"count":1,"day":"29/02/2024"`, `line 4: column day (date): invalid value: not a date`},
		{"timestamptz without zone", `"count":1,"at_tz":"2024-02-29T13:14:15"`, `line 4: column at_tz (timestamptz): invalid value: not a timestamp with a time zone offset`},
		{"timestamp", `"count":1,"at":"yesterday"`, `line 4: column at (timestamp): invalid value: not a timestamp without time zone`},
		{"boolean", `"count":1,"flag":"maybe"`, `line 4: column flag (boolean): invalid value: not true or false`},
		{"text from a number", `"count":1,"note":5`, `line 4: column note (text): invalid value: not a JSON string: "5"`},
		{"array element", `"count":1,"scores":[1,"x"]`, `line 4: column scores (integer[]): invalid value: element 2: not an integer`},
		{"array", `"count":1,"tags":"a,b"`, `line 4: column tags (text[]): invalid value: not an array`},
		{"bytea", `"count":1,"blob":"\\xZZ"`, `line 4: column blob (bytea): invalid value: not hex bytes`},
		{"real", `"count":1,"ratio":"fast"`, `line 4: column ratio (real): invalid value: not a number`},
		{"not null", `"count":null`, `line 4: column count (integer): missing value for a NOT NULL column`},
		{"absent not null", `"small":1`, `line 4: column count (integer): missing value for a NOT NULL column`},
		{"unknown key", `"count":1,"colour":"red"`, `line 4: unknown column "colour" (the columns loaded are id, customer_id, small, count, big, flag, name, note, ratio, score, price, day, at, at_tz, doc, docb, blob, tags, scores, prices; -columns sets them)`},
		{"malformed line", `"count":`, `line 4: invalid JSON object`},
		{"duplicate key, rejected by the server", `"count":1,"id":"00000000-0000-0000-0000-00000000000a","small":1`, `copy items: line 4: ERROR: duplicate key value violates unique constraint "items_pkey" (SQLSTATE 23505)`},
	}
	for _, tc := range ndjson {
		t.Run("ndjson/"+tc.name, func(t *testing.T) {
			dsn := pg.URL(t, svc.Migrations)
			line := `{"id":"00000000-0000-0000-0000-00000000000c",` + tc.line + "}"
			if strings.Contains(tc.line, `"id"`) {
				line = "{" + tc.line + "}"
			}
			file := writeFile(t, "items.ndjson", good+line+"\n"+`{"id":"00000000-0000-0000-0000-00000000000d","count":4}`+"\n")
			code, out, errb := run(svc, "load", "-database-url", dsn, "-table", "items", "-chunk-size", "1", file)
			if code != 1 || !strings.Contains(errb, tc.want) || !strings.Contains(errb, "nothing was loaded") {
				t.Fatalf("exit %d, want 1 and an error containing\n%s\ngot:\n%s%s", code, tc.want, out, errb)
			}
			var n int
			query1(t, dsn, `SELECT count(*) FROM items`, &n)
			if n != 0 {
				t.Fatalf("%d rows in items after a failed load", n)
			}
		})
	}

	header := []string{"id", "count", "note", "tags", "at_tz"}
	rows := [][]string{
		{"00000000-0000-0000-0000-00000000000a", "1", "two\nlines", "", ""},
		{"00000000-0000-0000-0000-00000000000b", "2", "", "{a}", ""},
	}
	csvCases := []struct {
		name string
		row  []string
		want string
	}{
		{"integer", []string{"00000000-0000-0000-0000-00000000000c", "abc", "", "", ""}, `line 5: column count (integer): invalid value: not an integer: "abc"`},
		{"empty for NOT NULL", []string{"00000000-0000-0000-0000-00000000000c", "", "", "", ""}, `line 5: column count (integer): missing value for a NOT NULL column`},
		{"array literal", []string{"00000000-0000-0000-0000-00000000000c", "3", "", "{a,{b}}", ""}, `line 5: column tags (text[]): invalid value: not a one-dimensional array literal`},
		{"uuid", []string{"c", "3", "", "", ""}, `line 5: column id (uuid): invalid value: not a UUID: "c"`},
		{"timestamptz", []string{"00000000-0000-0000-0000-00000000000c", "3", "", "", "2024-02-30 10:00:00+00"}, `line 5: column at_tz (timestamptz): invalid value: not a timestamp`},
	}
	for _, tc := range csvCases {
		t.Run("csv/"+tc.name, func(t *testing.T) {
			dsn := pg.URL(t, svc.Migrations)
			file := writeFile(t, "items.csv", csvText(t, append([][]string{header}, append(rows, tc.row)...)))
			code, out, errb := run(svc, "load", "-database-url", dsn, "-table", "items", "-chunk-size", "1", file)
			if code != 1 || !strings.Contains(errb, tc.want) {
				t.Fatalf("exit %d, want 1 and an error containing\n%s\ngot:\n%s%s", code, tc.want, out, errb)
			}
			var n int
			query1(t, dsn, `SELECT count(*) FROM items`, &n)
			if n != 0 {
				t.Fatalf("%d rows in items after a failed load", n)
			}
		})
	}
}

// TestLoadColumns covers how the columns are chosen: a CSV header must name
// table columns and every NOT NULL column without a default; NDJSON takes
// the first line's keys beside the columns without a default, or -columns.
func TestLoadColumns(t *testing.T) {
	svc := fixture(t)
	dsn := pg.URL(t, svc.Migrations)
	for _, tc := range []struct {
		name          string
		args          []string
		file, content string
		code          int
		want          string
	}{
		{"unknown header", nil, "a.csv", "id,count,colour\n", 1, `line 1: unknown column "colour" (want id, customer_id,`},
		{"missing NOT NULL column", nil, "a.csv", "id\n", 1, `line 1: column count (integer): missing column: it is NOT NULL and has no default`},
		{"column twice", nil, "a.csv", "id,count,count\n", 1, `line 1: column count (integer): column named twice`},
		{"empty csv", nil, "a.csv", "", 1, `line 1: empty file`},
		{"ragged csv", nil, "a.csv", "id,count\n00000000-0000-0000-0000-00000000000a,1,2\n", 1, `line 2: wrong number of fields`},
		{"later key outside the first line's", nil, "a.ndjson", `{"id":"00000000-0000-0000-0000-00000000000a","count":1}` + "\n" + `{"id":"00000000-0000-0000-0000-00000000000b","count":1,"serial":5}` + "\n", 1, `line 2: unknown column "serial"`},
		{"a default column given by the first line only", nil, "a.ndjson", `{"id":"00000000-0000-0000-0000-00000000000a","count":1,"serial":4}` + "\n" + `{"id":"00000000-0000-0000-0000-00000000000b","count":1}` + "\n", 1, `line 2: column serial (bigserial): missing value for a NOT NULL column: every line must give it once the first does`},
		{"-columns allows it", []string{"-columns", "id,count,serial"}, "a.ndjson", `{"id":"00000000-0000-0000-0000-00000000000a","count":1,"serial":4}` + "\n" + `{"id":"00000000-0000-0000-0000-00000000000b","count":1,"serial":5}` + "\n", 0, `loaded 2 rows into items`},
		{"-columns with csv", []string{"-columns", "id"}, "a.csv", "id,count\n", 2, `-columns is for NDJSON`},
		{"unknown table", []string{"-table", "nope"}, "a.csv", "id\n", 2, `unknown table "nope" (want customers, items)`},
		{"unknown format", []string{"-format", "xml"}, "a.csv", "id\n", 2, `unknown -format "xml"`},
		{"no format", nil, "a.txt", "id\n", 2, `cannot tell the format`},
		{"bad chunk size", []string{"-chunk-size", "0"}, "a.csv", "id\n", 2, `-chunk-size must be at least 1`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"load", "-database-url", dsn, "-table", "items"}, tc.args...)
			code, out, errb := run(svc, append(args, writeFile(t, tc.file, tc.content))...)
			if code != tc.code || !strings.Contains(out+errb, tc.want) {
				t.Fatalf("exit %d, want %d and output containing\n%s\ngot:\n%s%s", code, tc.code, tc.want, out, errb)
			}
		})
	}
	var n int
	query1(t, dsn, `SELECT count(*) FROM items WHERE serial IN (4, 5)`, &n)
	if n != 2 {
		t.Fatalf("-columns load left %d rows, want 2", n)
	}
}

// TestLoadEnvFallbacks sets load's flags from the environment.
func TestLoadEnvFallbacks(t *testing.T) {
	svc := fixture(t)
	dsn := pg.URL(t, svc.Migrations)
	t.Setenv("DATABASE_URL", dsn)
	t.Setenv("SHOP_LOAD_TABLE", "customers")
	t.Setenv("SHOP_LOAD_FORMAT", "csv")
	t.Setenv("SHOP_LOAD_CHUNK_SIZE", "1")
	file := writeFile(t, "people.txt", "email\na@example.com\nb@example.com\n")
	if code, out, errb := run(svc, "load", file); code != 0 || !strings.Contains(out, "loaded 2 rows into customers") {
		t.Fatalf("exit %d\n%s%s", code, out, errb)
	}
	t.Setenv("SHOP_LOAD_CHUNK_SIZE", "many")
	if code, _, errb := run(svc, "load", file); code != 2 || !strings.Contains(errb, "SHOP_LOAD_CHUNK_SIZE") {
		t.Fatalf("bad env: exit %d %s", code, errb)
	}
}

func TestLoadWithoutRegistry(t *testing.T) {
	svc := fixture(t)
	svc.Registry = nil
	for _, args := range [][]string{{"ddl"}, {"check", "-database-url", "postgres://nowhere"}, {"load", "-table", "items", "x.csv"}} {
		if code, _, errb := run(svc, args...); code != 1 || !strings.Contains(errb, "no model registry") {
			t.Errorf("%s: exit %d %s", args[0], code, errb)
		}
	}
}
