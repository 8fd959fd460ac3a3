package tables_test

import (
	"context"
	"os"
	"testing"

	"github.com/aquila-go/aquila/examples/service/internal/tables"
	"github.com/aquila-go/aquila/examples/service/schema"
	"github.com/aquila-go/aquila/model"
	"github.com/aquila-go/aquila/postgres/pgtest"
)

var pg = pgtest.New()

func TestMain(m *testing.M) { os.Exit(pg.Run(m)) }

// TestMatchesMigrations keeps the metadata and the migrations (and,
// through them, the sqlc code) from drifting apart silently.
func TestMatchesMigrations(t *testing.T) {
	t.Parallel()
	reg, err := tables.Registry()
	if err != nil {
		t.Fatal(err)
	}
	diffs, err := model.Check(context.Background(), pg.Pool(t, schema.FS), reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Errorf("schema/ and internal/tables differ: %s", d)
	}
}

// TestCheckSeesDrift proves the guard above can fail: a column the
// migrations do not have is reported.
func TestCheckSeesDrift(t *testing.T) {
	t.Parallel()
	ts := tables.Tables()
	ts = append(ts, model.Table("returns", model.Col("id", model.BigInt).Identity().PrimaryKey()))
	reg, err := model.NewRegistry(ts...)
	if err != nil {
		t.Fatal(err)
	}
	diffs, err := model.Check(context.Background(), pg.Pool(t, schema.FS), reg)
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) == 0 {
		t.Fatal("a table missing from the database was not reported")
	}
}
