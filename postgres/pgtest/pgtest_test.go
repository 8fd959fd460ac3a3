package pgtest_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aquila-go/aquila/postgres/pgtest"
)

var pg = pgtest.New()

func TestMain(m *testing.M) { os.Exit(pg.Run(m)) }

var migrations = fstest.MapFS{
	"00001_items.sql": {Data: []byte(`-- +goose Up
create table "items" (
	"id"   bigint primary key,
	"name" text not null
);

-- +goose Down
drop table "items";
`)},
}

func TestIsolated(t *testing.T) {
	// Both tests insert a row, wait for each other, then look: each must see
	// only its own row.
	inserted := map[string]chan struct{}{"a": make(chan struct{}), "b": make(chan struct{})}
	other := map[string]string{"a": "b", "b": "a"}
	for name := range inserted {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			pool := pg.Pool(t, migrations)
			if _, err := pool.Exec(ctx, `insert into "items" ("id", "name") values (1, $1)`, name); err != nil {
				t.Fatal(err)
			}
			close(inserted[name])
			select {
			case <-inserted[other[name]]:
			case <-time.After(30 * time.Second):
				t.Fatal("the other test did not insert its row (is -parallel at least 2?)")
			}
			rows, err := pool.Query(ctx, `select "name" from "items"`)
			if err != nil {
				t.Fatal(err)
			}
			names, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				t.Fatal(err)
			}
			if len(names) != 1 || names[0] != name {
				t.Fatalf("items = %v, want only %q", names, name)
			}
		})
	}
}

func TestURLWithoutMigrations(t *testing.T) {
	t.Parallel()
	conn := connect(t, pg.URL(t, nil))
	var n int
	if err := conn.QueryRow(context.Background(),
		`select count(*) from "pg_tables" where "schemaname" = 'public'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("public tables = %d, %v; want an empty database", n, err)
	}
}

func TestAdminURL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	testDB := connect(t, pg.URL(t, migrations))
	var name string
	if err := testDB.QueryRow(ctx, "select current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}

	admin := connect(t, pg.AdminURL(t))
	var db string
	var super, exists bool
	err := admin.QueryRow(ctx, `select current_database(),
		(select "rolsuper" from "pg_roles" where "rolname" = current_user),
		exists (select from "pg_database" where "datname" = $1)`, name).Scan(&db, &super, &exists)
	if err != nil {
		t.Fatal(err)
	}
	if db != "postgres" || !super || !exists {
		t.Fatalf("admin: database %q, superuser %v, sees %s %v", db, super, name, exists)
	}
}

// TestClose runs a second Server, which must not be confused by the first
// one's templates, and checks that Close leaves nothing behind.
func TestClose(t *testing.T) {
	if os.Getenv(pgtest.DatabaseURLEnv) != "" {
		t.Skip("Close only cleans up an embedded server")
	}
	t.Parallel()
	ctx := context.Background()
	s := pgtest.New()
	t.Cleanup(func() { s.Close() })

	var dataDir string
	t.Run("use", func(t *testing.T) {
		conn := connect(t, s.URL(t, migrations))
		if _, err := conn.Exec(ctx, `insert into "items" ("id", "name") values (1, 'x')`); err != nil {
			t.Fatal(err)
		}
		admin := connect(t, s.AdminURL(t))
		if err := admin.QueryRow(ctx, "show data_directory").Scan(&dataDir); err != nil {
			t.Fatal(err)
		}
	})
	if dataDir == "" {
		t.FailNow()
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if out, err := exec.Command("pgrep", "-af", dataDir).Output(); err == nil {
		t.Errorf("postgres still running after Close:\n%s", out)
	}
	root := strings.TrimSuffix(dataDir, "/data")
	if _, err := os.Stat(root); !os.IsNotExist(err) {
		t.Errorf("%s still exists after Close (%v)", root, err)
	}
}

func connect(t testing.TB, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}
