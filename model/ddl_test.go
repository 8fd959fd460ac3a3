package model_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/aquila-go/aquila/internal/library"
	"github.com/aquila-go/aquila/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the generated DDL (run go test -update to accept):\n%s", path, got)
	}
}

// TestDDLGolden checks the generated DDL against the golden files and
// executes every golden statement on an empty database: the CREATE
// statements must give a schema that Check finds identical to the metadata,
// and the DROP statements must remove it all.
func TestDDLGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		reg  *model.Registry
	}{
		{"library", libraryRegistry(t)},
		{"features", featureRegistry(t)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			create, drop := tc.reg.CreateStatements(), tc.reg.DropStatements()
			if tc.name == "library" {
				// The library's golden file is its goose migration.
				want, err := library.FS.ReadFile(library.Migration)
				script := "-- +goose Up\n" + model.Script(create) + "\n-- +goose Down\n" + model.Script(drop)
				if err != nil || script != string(want) {
					t.Errorf("internal/library/%s differs from the generated DDL (go test -update in internal/library accepts it): %v\n%s", library.Migration, err, script)
				}
			} else {
				golden(t, tc.name+".create.sql", model.Script(create))
				golden(t, tc.name+".drop.sql", model.Script(drop))
			}

			ctx := context.Background()
			pool := pg.Pool(t, nil)
			for _, stmt := range create {
				if _, err := pool.Exec(ctx, stmt); err != nil {
					t.Fatalf("%v\n%s", err, stmt)
				}
			}
			diffs, err := model.Check(ctx, pool, tc.reg)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range diffs {
				t.Errorf("after applying the DDL: %s", d)
			}
			for _, stmt := range drop {
				if _, err := pool.Exec(ctx, stmt); err != nil {
					t.Fatalf("%v\n%s", err, stmt)
				}
			}
			var n int
			if err := pool.QueryRow(ctx, "SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("%d relations left after the DROP statements", n)
			}
		})
	}
}

func TestDDLDeterministic(t *testing.T) {
	a := model.Script(featureRegistry(t).CreateStatements())
	for range 10 {
		if b := model.Script(featureRegistry(t).CreateStatements()); a != b {
			t.Fatal("DDL differs between two registries of the same tables")
		}
	}
}

// TestAppendCreateSQL checks that AppendCreateSQL appends CreateSQL's
// statement after what the buffer holds, for every table of a registry.
func TestAppendCreateSQL(t *testing.T) {
	reg := featureRegistry(t)
	buf := []byte("-- start\n")
	want := "-- start\n"
	for _, tbl := range reg.Tables() {
		buf = tbl.AppendCreateSQL(buf)
		buf = append(buf, ";\n"...)
		want += tbl.CreateSQL() + ";\n"
	}
	if string(buf) != want {
		t.Fatalf("AppendCreateSQL:\n%s\nwant:\n%s", buf, want)
	}
	if len(reg.Tables()) < 2 {
		t.Fatal("the feature registry should have several tables")
	}
}
