package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "sqlc.yaml")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

func TestReadConfig(t *testing.T) {
	file := writeConfig(t, `version: "2"
overrides:
  go:
    rename:
      url: URL
sql:
  - engine: postgresql
    schema: schema
    queries: queries
    gen:
      go:
        package: db
        out: internal/db
        sql_package: pgx/v5
        emit_interface: true
        emit_exported_queries: true
        initialisms: [id, api]
        rename:
          url: Link
          people: Human
        emit_exact_table_names: true
  - engine: postgresql
    schema: other
    queries: other
    gen:
      kotlin: {}
`)
	outs, err := readConfig(file)
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != 1 {
		t.Fatalf("%d outputs, want 1: %+v", len(outs), outs)
	}
	o := outs[0]
	if want := filepath.Join(filepath.Dir(file), "internal", "db"); o.dir != want {
		t.Errorf("dir = %q, want %q", o.dir, want)
	}
	n := o.naming
	for in, want := range map[string]string{"url": "URL", "api_key": "APIKey", "id": "ID", "people": "Human", "book_tags": "BookTags"} {
		if got := n.rowType(in); got != want {
			t.Errorf("rowType(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReadConfigErrors(t *testing.T) {
	base := `version: "2"
sql:
  - engine: postgresql
    gen:
      go:
        out: db
`
	for _, tc := range []struct{ text, want string }{
		{`version: "1"` + "\npackages: []\n", "version 2"},
		{base + "        sql_package: pgx/v4\n        emit_interface: true\n        emit_exported_queries: true\n", "pgx/v5"},
		{base + "        sql_package: pgx/v5\n        emit_interface: true\n", "emit_exported_queries"},
		{base + "        sql_package: pgx/v5\n        emit_interface: true\n        emit_exported_queries: true\n        output_files_suffix: _x\n", "output_files_suffix"},
		{strings.Replace(base, "postgresql", "mysql", 1), "postgresql"},
		{"version: \"2\"\nsql: []\n", "no sql block"},
		{"version: [", "yaml"},
	} {
		_, err := readConfig(writeConfig(t, tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("readConfig(%q) = %v, want an error about %s", tc.text, err, tc.want)
		}
	}
	t.Chdir(t.TempDir())
	if _, err := findConfig(""); !errors.Is(err, errNoConfig) {
		t.Errorf("findConfig in an empty directory = %v, want errNoConfig", err)
	}
}

func TestNaming(t *testing.T) {
	n := naming{initialisms: map[string]bool{"id": true}, exclude: []string{"news_items"}}
	for in, want := range map[string]string{
		"authors":     "Author",
		"book_tags":   "BookTag",
		"people":      "Person",
		"categories":  "Category",
		"campus":      "Campus",
		"calories":    "Calorie",
		"order_items": "OrderItem",
		"news_items":  "NewsItems",
		"status":      "Status",
	} {
		if got := n.rowType(in); got != want {
			t.Errorf("rowType(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"author_id": "AuthorID",
		"id":        "ID",
		"isbn13":    "Isbn13",
		"2fa":       "_2fa",
		"a__b":      "AB",
		"price-eur": "PriceEur",
		"ids":       "Ids",
		"élan":      "Élan",
	} {
		if got := n.structName(in); got != want {
			t.Errorf("structName(%q) = %q, want %q", in, got, want)
		}
	}
}
