// Command catalog is a minimal service built on aquila's public packages: it
// migrates its own goose files, opens a warmed pool and runs one query. With
// DATABASE_URL unset it starts a local PostgreSQL in ./.data.
package main

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"

	"github.com/aquila-go/aquila/postgres"
	"github.com/aquila-go/aquila/postgres/pglocal"
)

//go:embed migrations/*.sql
var migrations embed.FS

const countNotes = `SELECT count(*) FROM "notes"`

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "catalog:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	dsn := os.Getenv("DATABASE_URL")
	if dsn == "" {
		srv, err := pglocal.Start(ctx, pglocal.Config{Dir: ".data"})
		if err != nil {
			return err
		}
		defer srv.Stop(context.Background())
		dsn = srv.DSN("postgres")
	}

	files, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	m, err := postgres.NewMigrator(dsn, files)
	if err != nil {
		return err
	}
	defer m.Close()
	if _, err := m.Up(ctx); err != nil {
		return err
	}

	pool, err := postgres.Open(ctx, postgres.Config{DSN: dsn, MinIdleConns: 2, Prepare: []string{countNotes}})
	if err != nil {
		return err
	}
	defer pool.Close()

	var n int64
	if err := pool.QueryRow(ctx, countNotes).Scan(&n); err != nil {
		return fmt.Errorf("count notes: %w", err)
	}
	fmt.Println("notes:", n)
	return nil
}
