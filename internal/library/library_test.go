package library_test

import (
	"context"
	"flag"
	"os"
	"testing"

	"github.com/aquila-go/aquila/internal/library"
	"github.com/aquila-go/aquila/model"
	"github.com/aquila-go/aquila/postgres/pgtest"
)

var pg = pgtest.New()

func TestMain(m *testing.M) { os.Exit(pg.Run(m)) }

var update = flag.Bool("update", false, "rewrite 00001_library.sql from the metadata")

// TestMigrationIsTheMetadata keeps the migration equal to what the
// metadata writes (go test -update rewrites it) and checks that it leaves
// no drift.
func TestMigrationIsTheMetadata(t *testing.T) {
	t.Parallel()
	l := library.Load(t)
	name := library.Migration
	if *update {
		if err := os.WriteFile(name, []byte(l.Script()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := library.FS.ReadFile(name); err != nil || string(got) != l.Script() {
		t.Errorf("%s is not the metadata's script (go test -update rewrites it): %v", name, err)
	}
	diffs, err := model.Check(context.Background(), pg.Pool(t, library.FS), l.Registry)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Errorf("after the migration: %s", d)
	}
}
