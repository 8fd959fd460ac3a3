package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMigrateCreate writes the next zero-padded version after the highest
// in the directory, with goose's markers, and the file migrates.
func TestMigrateCreate(t *testing.T) {
	svc := fixture(t)
	dir := t.TempDir()
	for name, body := range map[string]string{"00001_shop.sql": "-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\nDROP TABLE a;\n", "00007_b.sql": "-- +goose Up\n-- +goose Down\n", "README.md": "x"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errb := run(svc, "migrate", "create", "-dir", dir, "Add Orders-table")
	want := filepath.Join(dir, "00008_add_orders_table.sql")
	if code != 0 || strings.TrimSpace(out) != "created "+want {
		t.Fatalf("exit %d\n%s%s", code, out, errb)
	}
	body, err := os.ReadFile(want)
	if err != nil || string(body) != "-- +goose Up\n\n-- +goose Down\n" {
		t.Fatalf("%s: %q %v", want, body, err)
	}

	// The default directory is Service.MigrationsDir, then the environment.
	svc.MigrationsDir = dir
	if code, out, errb := run(svc, "migrate", "create", "second"); code != 0 || !strings.Contains(out, "00009_second.sql") {
		t.Fatalf("default dir: exit %d\n%s%s", code, out, errb)
	}
	empty := t.TempDir()
	t.Setenv("SHOP_MIGRATIONS_DIR", empty)
	if code, out, errb := run(svc, "migrate", "create", "first"); code != 0 || !strings.Contains(out, filepath.Join(empty, "00001_first.sql")) {
		t.Fatalf("env dir: exit %d\n%s%s", code, out, errb)
	}

	// The directory's files migrate, the new ones included.
	svc.Migrations = os.DirFS(dir)
	if code, out, errb := run(svc, "migrate", "-database-url", pg.URL(t, nil), "up"); code != 0 || !strings.Contains(out, "00009_second.sql") {
		t.Fatalf("migrate up: exit %d\n%s%s", code, out, errb)
	}

	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"../escape"}, 2, `migration name "../escape"`},
		{[]string{""}, 2, `migration name ""`},
		{nil, 2, "migrate create needs one NAME"},
		{[]string{"a", "b"}, 2, "migrate create needs one NAME"},
		{[]string{"-dir", filepath.Join(dir, "missing"), "x"}, 1, "no such file or directory"},
	} {
		code, out, errb := run(svc, append([]string{"migrate", "create"}, tc.args...)...)
		if code != tc.code || !strings.Contains(out+errb, tc.want) {
			t.Errorf("migrate create %q: exit %d, want %d with %q\n%s%s", tc.args, code, tc.code, tc.want, out, errb)
		}
	}
}
