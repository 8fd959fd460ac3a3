package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func TestRouteOf(t *testing.T) {
	for _, tc := range []struct {
		cmd, sql, doc string
		read          bool
		reason        string
	}{
		{":one", `SELECT * FROM "t" WHERE "id" = $1`, "", true, ":one, SELECT"},
		{":many", "select a from t", "", true, ":many, SELECT"},
		{":many", "WITH x AS (SELECT 1) SELECT * FROM x", "", true, ":many, WITH"},
		{":many", "VALUES (1), (2)", "", true, ":many, VALUES"},
		{":many", `TABLE "t"`, "", true, ":many, TABLE"},
		{":one", "SELECT 'INSERT INTO x' AS s", "", true, ":one, SELECT"},
		{":one", `SELECT "update" FROM "delete"`, "", true, ":one, SELECT"},
		{":one", "SELECT 1 -- FOR UPDATE\n", "", true, ":one, SELECT"},
		{":one", "SELECT /* /* nested */ DELETE */ 1", "", true, ":one, SELECT"},
		{":one", "SELECT $$ UPDATE $$, $body$ DELETE $body$", "", true, ":one, SELECT"},
		{":one", `SELECT E'it\'s DELETE'`, "", true, ":one, SELECT"},
		{":one", "SELECT 'it''s DELETE'", "", true, ":one, SELECT"},
		{":one", "SELECT substring(a FOR 3) FROM t", "", true, ":one, SELECT"},
		{":one", "SELECT $1::int", "", true, ":one, SELECT"},
		{":one", "SELECT nextval_count FROM t", "", true, ":one, SELECT"},

		{":exec", "SELECT 1", "", false, ":exec"},
		{":execrows", "DELETE FROM t", "", false, ":execrows"},
		{":execresult", "UPDATE t SET a = 1", "", false, ":execresult"},
		{":copyfrom", "INSERT INTO t (a) VALUES ($1)", "", false, ":copyfrom"},
		{":batchone", "SELECT 1", "", false, ":batchone"},
		{":batchmany", "SELECT 1", "", false, ":batchmany"},
		{":batchexec", "UPDATE t SET a = 1", "", false, ":batchexec"},
		{":one", "INSERT INTO t (a) VALUES (1) RETURNING *", "", false, ":one, INSERT"},
		{":one", "UPDATE t SET a = 1 RETURNING *", "", false, ":one, UPDATE"},
		{":many", "DELETE FROM t RETURNING *", "", false, ":many, DELETE"},
		{":many", "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", "", false, ":many, DELETE"},
		{":many", "MERGE INTO t USING s ON t.a = s.a WHEN MATCHED THEN DO NOTHING", "", false, ":many, MERGE"},
		{":one", "SELECT * INTO t2 FROM t", "", false, ":one, SELECT INTO"},
		{":one", "SELECT * FROM t FOR UPDATE", "", false, ":one, FOR UPDATE"},
		{":one", "SELECT * FROM t FOR NO KEY UPDATE SKIP LOCKED", "", false, ":one, FOR UPDATE"},
		{":one", "SELECT * FROM t FOR SHARE", "", false, ":one, FOR SHARE"},
		{":one", "SELECT * FROM t FOR KEY SHARE", "", false, ":one, FOR SHARE"},
		{":one", "SELECT nextval('s')", "", false, ":one, calls nextval"},
		{":one", "SELECT setval ('s', 1)", "", false, ":one, calls setval"},
		{":one", "SELECT pg_advisory_xact_lock($1)", "", false, ":one, calls pg_advisory_xact_lock"},
		{":one", "SELECT pg_try_advisory_lock($1)", "", false, ":one, calls pg_try_advisory_lock"},
		{":one", "SELECT pg_notify('c', 'm')", "", false, ":one, calls pg_notify"},
		{":one", "SELECT pg_current_xact_id()", "", false, ":one, calls pg_current_xact_id"},
		{":one", "SELECT pg_current_wal_lsn()", "", false, ":one, calls pg_current_wal_lsn"},
		{":one", "SELECT lo_create(0)", "", false, ":one, calls lo_create"},
		{":one", "SELECT set_config('a.b', $1, true)", "", false, ":one, calls set_config"},
		{":many", "SHOW work_mem", "", false, ":many, SHOW"},
		{":one", "SELECT 'unterminated", "", false, ":one, malformed SQL"},
		{":one", "SELECT 1", "Fresh.\naquila:primary\n", false, ":one, marked aquila:primary"},
		{":one", "-- only a comment\n", "", false, ":one, empty statement"},
	} {
		got := routeOf(tc.cmd, tc.sql, tc.doc)
		if got.read != tc.read || got.reason != tc.reason {
			t.Errorf("routeOf(%s, %q) = %v %q, want %v %q", tc.cmd, tc.sql, got.read, got.reason, tc.read, tc.reason)
		}
	}
}

// TestGolden renders testdata/pkg, a sqlc-like package covering every route,
// and compares it with testdata/router_gen.golden (go test -update rewrites
// it).
func TestGolden(t *testing.T) {
	p, err := load("testdata/pkg", routerFile)
	if err != nil {
		t.Fatal(err)
	}
	got, err := render(p)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, filepath.Join("testdata", "router_gen.golden"), got)
}

// checkGolden compares got with the golden file, which go test -update
// rewrites.
func checkGolden(t *testing.T, golden string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the generator's output (go test -update rewrites it):\n%s", golden, got)
	}
}

func TestGenerateRoutesWritesFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"querier.go", "jobs.sql.go"} {
		data, err := os.ReadFile(filepath.Join("testdata", "pkg", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Stale output files must be ignored, not parsed as input.
	for _, name := range []string{routerFile, bindingsFile} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("package store\nconst X = `-- name: X :one\nSELECT 1`\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := generateRoutes(dir); err != nil {
		t.Fatal(err)
	}
	stmts, err := os.ReadFile(filepath.Join(dir, statementsFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(stmts, []byte("func Statements() []string {")) || !bytes.Contains(stmts, []byte("\t\tGetJob,\n")) || bytes.Contains(stmts, []byte("\t\tX,\n")) {
		t.Errorf("statement list is wrong (must list the package's queries, not the stale output's):\n%s", stmts)
	}
	got, err := os.ReadFile(filepath.Join(dir, routerFile))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("testdata", "router_gen.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("generateRoutes output differs from the golden file")
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.go"), []byte("package x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := load(dir, routerFile); !errors.Is(err, errNoQuerier) {
		t.Errorf("no Querier: %v, want errNoQuerier", err)
	}
	src := "package x\n\nimport \"context\"\n\ntype Querier interface {\n\tMissing(ctx context.Context) error\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "a.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := load(dir, routerFile); err == nil {
		t.Error("a method without a query constant was accepted")
	}
}
