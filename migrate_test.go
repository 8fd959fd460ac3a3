package main

import (
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
	code, stdout, stderr := aquila(t, "migrate", "-database-url", viaAquila, "up")
	if code != 0 {
		t.Fatalf("aquila migrate up: exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "00001_catalog.sql") {
		t.Errorf("migrate up output does not name the file:\n%s", stdout)
	}
	a, b := schemaDump(t, viaGoose), schemaDump(t, viaAquila)
	if !strings.Contains(a, "books.isbn text") || !strings.Contains(a, "book_tags_pkey") {
		t.Fatalf("goose CLI schema is missing the catalog:\n%s", a)
	}
	if a != b {
		t.Fatalf("schemas differ\ngoose CLI:\n%s\naquila migrate up:\n%s", a, b)
	}
}
