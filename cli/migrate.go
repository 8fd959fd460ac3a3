package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aquila-go/aquila/postgres"
)

// migrateCommand is one entry of migrate's subcommand table. A subcommand
// parses its own flags and arguments from args (the migrate flags before
// its name are parsed already); one that works on the database opens it
// with m.open, or is made with withMigrator.
type migrateCommand struct {
	name     string
	synopsis string // after "migrate [flags] "
	summary  string
	run      func(ctx context.Context, m *migrateRun, args []string) error
}

// migrateCommands is migrate's subcommand table, in usage order.
func migrateCommands() []migrateCommand {
	return []migrateCommand{
		{"up", "up", "apply every pending migration", withMigrator("up", migrateUp)},
		{"down", "down", "roll back the latest applied migration", withMigrator("down", migrateDown)},
		{"status", "status", "list every migration with its state", withMigrator("status", migrateStatus)},
		{"version", "version", "print the database's schema version", withMigrator("version", migrateVersion)},
		{"create", "create [-dir DIR] NAME", "write the next numbered, empty migration file", migrateCreate},
		{"diff", "diff [-check] [-rename FROM=TO] [-allow-destructive] [-dir DIR] NAME",
			"write the next migration from the model metadata (-check: exit 1 if one is due)", migrateDiff},
		{"lint", "lint [-dir DIR] [-queries DIR] [-rules] [FILE...]",
			"check the migrations for statements that lock busy tables or lose data", migrateLint},
	}
}

func migrateNames() string {
	var names []string
	for _, c := range migrateCommands() {
		names = append(names, c.name)
	}
	return strings.Join(names, ", ")
}

// migrateRun is one run of a migrate subcommand.
type migrateRun struct {
	*runner
	db dbFlags
}

// open connects (starting the embedded server when no DSN is given) and
// opens the service's migrations there; close undoes both.
func (m *migrateRun) open(ctx context.Context) (mg *postgres.Migrator, close func(), err error) {
	dsn, stop, err := m.connect(ctx, m.db)
	if err != nil {
		return nil, nil, err
	}
	mg, err = m.migrator(dsn)
	if err != nil {
		stop()
		return nil, nil, err
	}
	return mg, func() { mg.Close(); stop() }, nil
}

func migrateCmd(ctx context.Context, r *runner, args []string) error {
	var synopses []string
	for _, c := range migrateCommands() {
		synopses = append(synopses, c.synopsis)
	}
	fs := r.newFlagSet("migrate", "migrate [flags] "+strings.Join(synopses, " | "))
	m := &migrateRun{runner: r}
	m.db.register(fs)
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fs.usageError("migrate needs one of %s", migrateNames())
	}
	for _, c := range migrateCommands() {
		if c.name == fs.Arg(0) {
			return c.run(ctx, m, fs.Args()[1:])
		}
	}
	return fs.usageError("unknown migrate command %q (want one of %s)", fs.Arg(0), migrateNames())
}

// withMigrator makes a subcommand that takes no arguments and runs fn on
// the service's migrations over the database.
func withMigrator(name string, fn func(ctx context.Context, m *migrateRun, mg *postgres.Migrator) error) func(context.Context, *migrateRun, []string) error {
	return func(ctx context.Context, m *migrateRun, args []string) error {
		fs := m.newFlagSet("migrate "+name, "migrate [flags] "+name)
		if err := fs.parse(args); err != nil {
			return err
		}
		if fs.NArg() != 0 {
			return fs.usageError("migrate %s takes no arguments", name)
		}
		mg, closeFn, err := m.open(ctx)
		if err != nil {
			return err
		}
		defer closeFn()
		return fn(ctx, m, mg)
	}
}

func migrateUp(ctx context.Context, m *migrateRun, mg *postgres.Migrator) error {
	res, err := mg.Up(ctx)
	for _, r := range res {
		fmt.Fprintf(m.stdout, "OK   %s (%s)\n", r.Source.Path, r.Duration.Round(time.Millisecond))
	}
	if err != nil {
		return fmt.Errorf("migrate up: %w", err)
	}
	if len(res) == 0 {
		fmt.Fprintln(m.stdout, "no migrations to apply")
	}
	return nil
}

func migrateDown(ctx context.Context, m *migrateRun, mg *postgres.Migrator) error {
	r, err := mg.Down(ctx)
	if err != nil {
		return fmt.Errorf("migrate down: %w", err)
	}
	fmt.Fprintf(m.stdout, "OK   %s down (%s)\n", r.Source.Path, r.Duration.Round(time.Millisecond))
	return nil
}

func migrateStatus(ctx context.Context, m *migrateRun, mg *postgres.Migrator) error {
	st, err := mg.Status(ctx)
	if err != nil {
		return fmt.Errorf("migrate status: %w", err)
	}
	tw := tabwriter.NewWriter(m.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tSTATE\tAPPLIED AT\tFILE")
	for _, s := range st {
		at := "-"
		if !s.AppliedAt.IsZero() {
			at = s.AppliedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", s.Source.Version, s.State, at, s.Source.Path)
	}
	return tw.Flush()
}

func migrateVersion(ctx context.Context, m *migrateRun, mg *postgres.Migrator) error {
	v, err := mg.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("migrate version: %w", err)
	}
	_, err = fmt.Fprintln(m.stdout, v)
	return err
}
