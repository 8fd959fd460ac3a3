package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMigrateLint lints a migrations directory: a clean one passes, an
// unsafe file fails naming file, line and rule, -rules documents them, and
// naming a file reports that file only.
func TestMigrateLint(t *testing.T) {
	dir, queries := t.TempDir(), t.TempDir()
	write := func(d, name, src string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(d, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(dir, "00001_shop.sql", "-- +goose Up\nCREATE TABLE customers (id bigint PRIMARY KEY, email text);\nCREATE INDEX customers_email_idx ON customers (email);\n-- +goose Down\nDROP TABLE customers;\n")
	write(queries, "customers.sql", "-- name: GetCustomer :one\nSELECT id, email FROM customers WHERE id = $1;\n")
	svc := fixture(t)
	lint := func(args ...string) (int, string) {
		code, out, errb := run(svc, append([]string{"migrate", "lint", "-dir", dir, "-queries", queries}, args...)...)
		return code, out + errb
	}
	if code, out := lint(); code != 0 || out != "" {
		t.Fatalf("clean migrations: exit %d\n%s", code, out)
	}
	write(dir, "00002_unsafe.sql", "-- +goose Up\nALTER TABLE customers RENAME COLUMN email TO mail;\nCREATE INDEX customers_id_idx ON customers (id);\n-- +goose Down\n")
	code, out := lint()
	for _, want := range []string{
		filepath.Join(dir, "00002_unsafe.sql") + ":2 renaming-column: RENAME COLUMN customers.email TO mail while the queries still use email (" + filepath.Join(queries, "customers.sql") + ":1 GetCustomer)",
		filepath.Join(dir, "00002_unsafe.sql") + ":3 require-concurrent-index-creation: ",
		"lint findings: 2",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("lint output lacks %q:\n%s", want, out)
		}
	}
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if code, out := lint("00001_shop.sql"); code != 0 {
		t.Errorf("lint of the first file only: exit %d\n%s", code, out)
	}
	if code, out := lint("-rules"); code != 0 || !strings.Contains(out, "set-not-null-without-check\n") || !strings.Contains(out, "Instead: ") {
		t.Errorf("lint -rules: exit %d\n%s", code, out)
	}
	if code, _ := lint("00009_missing.sql"); code != 2 {
		t.Errorf("lint of a missing file: exit %d, want 2", code)
	}
}
