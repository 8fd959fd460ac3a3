package postgres_test

import (
	"context"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"

	"github.com/aquila-go/aquila/internal/library"
	"github.com/aquila-go/aquila/postgres"
)

func TestMigratorConcurrentUpAppliesEachVersionOnce(t *testing.T) {
	ctx := context.Background()
	dsn := pg.URL(t, nil) // empty database
	const migrators = 4
	var wg sync.WaitGroup
	applied := make([]int, migrators)
	errs := make([]error, migrators)
	for i := range migrators {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, err := postgres.NewMigrator(dsn, library.FS)
			if err != nil {
				errs[i] = err
				return
			}
			defer m.Close()
			res, err := m.Up(ctx)
			applied[i], errs[i] = len(res), err
		}()
	}
	wg.Wait()
	total := 0
	for i := range migrators {
		if errs[i] != nil {
			t.Fatalf("migrator %d: %v", i, errs[i])
		}
		total += applied[i]
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var versions, distinct int
	err = conn.QueryRow(ctx, `SELECT count(*), count(DISTINCT "version_id") FROM "goose_db_version" WHERE "version_id" > 0`).Scan(&versions, &distinct)
	if err != nil {
		t.Fatal(err)
	}
	m, err := postgres.NewMigrator(dsn, library.FS)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	sources := len(m.ListSources())
	if versions != sources || distinct != sources || total != sources {
		t.Fatalf("%d migrators applied %d migrations, goose_db_version has %d rows (%d distinct), want %d each", migrators, total, versions, distinct, sources)
	}
}

func TestMigratorDownAndUp(t *testing.T) {
	ctx := context.Background()
	dsn := pg.URL(t, library.FS)
	m, err := postgres.NewMigrator(dsn, library.FS)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	v, err := m.GetDBVersion(ctx)
	if err != nil || v != 1 {
		t.Fatalf("version = %d, %v; want 1", v, err)
	}
	if _, err := m.Down(ctx); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var tables int
	conn.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'goose_db_version'`).Scan(&tables)
	if tables != 0 {
		t.Fatalf("after down: %d tables remain", tables)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}
	conn.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'goose_db_version'`).Scan(&tables)
	if tables != 4 {
		t.Fatalf("after up: %d tables, want 4", tables)
	}
}

func TestNewMigratorRejectsBadInput(t *testing.T) {
	if _, err := postgres.NewMigrator("postgres://u:p@h:notaport/db", library.FS); err == nil {
		t.Fatal("bad DSN accepted")
	}
	if _, err := postgres.NewMigrator("postgres://u@127.0.0.1/db", fstest.MapFS{}); err == nil {
		t.Fatal("empty migration set accepted")
	}
}
