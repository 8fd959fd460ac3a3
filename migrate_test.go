package main

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// schemaDump lists the public schema's tables, columns, constraints and
// indexes in a stable text form.
func schemaDump(t *testing.T, dsn string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var b strings.Builder
	for _, q := range []string{
		`SELECT table_name || '.' || column_name || ' ' || data_type || ' null=' || is_nullable || ' default=' || coalesce(column_default, '') || ' identity=' || is_identity
		   FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
		`SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
		   FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY conrelid::regclass::text, conname`,
		`SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`,
	} {
		rows, err := conn.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range lines {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

func TestGooseCLIAndMigrateUpGiveTheSameSchema(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the goose CLI")
	}
	viaGoose, viaAquila := pg.URL(t, nil), pg.URL(t, nil)

	cmd := exec.Command("go", "tool", "-modfile=tools/go.mod", "goose", "-dir", "schema", "postgres", viaGoose, "up")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("goose up: %v\n%s", err, out)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"migrate", "-database-url", viaAquila, "up"}, &stdout, &stderr); code != 0 {
		t.Fatalf("aquila migrate up: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "00001_catalog.sql") {
		t.Errorf("migrate up output does not name the file:\n%s", stdout.String())
	}
	a, b := schemaDump(t, viaGoose), schemaDump(t, viaAquila)
	if !strings.Contains(a, "books.isbn text") || !strings.Contains(a, "book_tags_pkey") {
		t.Fatalf("goose CLI schema is missing the catalog:\n%s", a)
	}
	if a != b {
		t.Fatalf("schemas differ\ngoose CLI:\n%s\naquila migrate up:\n%s", a, b)
	}
}

func TestMigrateStatusVersionDown(t *testing.T) {
	dsn := pg.URL(t, nil)
	migrate := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := run(append([]string{"migrate", "-database-url", dsn}, args...), &out, &errb)
		return code, out.String() + errb.String()
	}
	if code, out := migrate("status"); code != 0 || !strings.Contains(out, "00001_catalog.sql") || !strings.Contains(out, "pending") {
		t.Fatalf("status before up: exit %d\n%s", code, out)
	}
	if code, out := migrate("up"); code != 0 {
		t.Fatalf("up: exit %d\n%s", code, out)
	}
	if code, out := migrate("status"); code != 0 || !strings.Contains(out, "applied") {
		t.Fatalf("status after up: exit %d\n%s", code, out)
	}
	if code, out := migrate("version"); code != 0 || strings.TrimSpace(out) != "1" {
		t.Fatalf("version: exit %d %q", code, out)
	}
	if code, out := migrate("up"); code != 0 || !strings.Contains(out, "no migrations to apply") {
		t.Fatalf("second up: exit %d\n%s", code, out)
	}
	if code, out := migrate("down"); code != 0 {
		t.Fatalf("down: exit %d\n%s", code, out)
	}
	if code, out := migrate("version"); code != 0 || strings.TrimSpace(out) != "0" {
		t.Fatalf("version after down: exit %d %q", code, out)
	}
	if code, _ := migrate("sideways"); code != 2 {
		t.Fatalf("unknown subcommand: exit %d, want 2", code)
	}
	if code, _ := migrate(); code != 2 {
		t.Fatalf("no subcommand: exit %d, want 2", code)
	}
}

func TestBadFlagsAndEnv(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"serve", "-max-conns", "lots"}, &out, &errb); code != 2 {
		t.Fatalf("bad flag: exit %d", code)
	}
	t.Setenv("AQUILA_MIN_IDLE_CONNS", "many")
	errb.Reset()
	if code := run([]string{"serve"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "AQUILA_MIN_IDLE_CONNS") {
		t.Fatalf("bad env: exit %d, stderr %q", code, errb.String())
	}
	if code := run([]string{"frobnicate"}, &out, &errb); code != 2 {
		t.Fatalf("unknown command: exit %d", code)
	}
	out.Reset()
	if code := run([]string{"version"}, &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "aquila ") {
		t.Fatalf("version: exit %d %q", code, out.String())
	}
}
