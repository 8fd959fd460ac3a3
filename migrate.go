package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"text/tabwriter"
	"time"

	"github.com/aquila-go/aquila/internal/app"
	"github.com/aquila-go/aquila/postgres"
	"github.com/aquila-go/aquila/postgres/pglocal"
	"github.com/aquila-go/aquila/schema"
)

func migrateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate", "migrate [flags] up|down|status|version", stderr)
	var db dbFlags
	db.register(fs)
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("%w: migrate needs exactly one of up, down, status, version", errUsage)
	}
	sub := fs.Arg(0)
	switch sub {
	case "up", "down", "status", "version":
	default:
		fs.Usage()
		return fmt.Errorf("%w: unknown migrate command %q (want up, down, status or version)", errUsage, sub)
	}

	dsn, stop, err := openDSN(ctx, db)
	if err != nil {
		return err
	}
	defer stop()
	m, err := postgres.NewMigrator(dsn, schema.FS)
	if err != nil {
		return err
	}
	defer m.Close()

	switch sub {
	case "up":
		res, err := m.Up(ctx)
		for _, r := range res {
			fmt.Fprintf(stdout, "OK   %s (%s)\n", r.Source.Path, r.Duration.Round(time.Millisecond))
		}
		if err != nil {
			return fmt.Errorf("migrate up: %w", err)
		}
		if len(res) == 0 {
			fmt.Fprintln(stdout, "no migrations to apply")
		}
	case "down":
		r, err := m.Down(ctx)
		if err != nil {
			return fmt.Errorf("migrate down: %w", err)
		}
		fmt.Fprintf(stdout, "OK   %s down (%s)\n", r.Source.Path, r.Duration.Round(time.Millisecond))
	case "status":
		st, err := m.Status(ctx)
		if err != nil {
			return fmt.Errorf("migrate status: %w", err)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "VERSION\tSTATE\tAPPLIED AT\tFILE")
		for _, s := range st {
			at := "-"
			if !s.AppliedAt.IsZero() {
				at = s.AppliedAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", s.Source.Version, s.State, at, s.Source.Path)
		}
		return tw.Flush()
	case "version":
		v, err := m.GetDBVersion(ctx)
		if err != nil {
			return fmt.Errorf("migrate version: %w", err)
		}
		fmt.Fprintln(stdout, v)
	}
	return nil
}

// openDSN returns the -database-url, or starts the embedded server in
// -data-dir for the duration of the command (app.ProvideDSN, logging
// warnings only).
func openDSN(ctx context.Context, db dbFlags) (string, func(), error) {
	dsn, stop, err := app.ProvideDSN(ctx, app.Config{DatabaseURL: db.url, DataDir: db.dataDir}, newLogger(os.Stderr, slog.LevelWarn))
	if err != nil {
		if errors.Is(err, pglocal.ErrNoBinaries) {
			return "", nil, err
		}
		return "", nil, fmt.Errorf("embedded database: %w", err)
	}
	return string(dsn), stop, nil
}
