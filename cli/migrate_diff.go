package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pressly/goose/v3"

	"github.com/aquila-go/aquila/model"
	"github.com/aquila-go/aquila/postgres"
)

// diffRun is one run of migrate diff.
type diffRun struct {
	*migrateRun
	dir     string
	scratch string // DSN of the scratch database
	reg     *model.Registry
	renames []model.MigrationOption
	allow   bool
	lock    time.Duration
}

// migrateDiff writes the next migration from the model metadata: it
// applies the migrations in -dir to a scratch database (created on the
// configured server, or the embedded one, and dropped afterwards), plans
// the change to the metadata there, writes it, and verifies it on the
// scratch database: Up gives no drift, Down gives the same plan again.
// With -check it writes nothing and fails naming the differences.
func migrateDiff(ctx context.Context, m *migrateRun, args []string) error {
	fset := m.newFlagSet("migrate diff", "migrate [flags] diff [-check] [-rename FROM=TO]... [-allow-destructive] [-lock-timeout D] [-dir DIR] NAME")
	dir := m.dirFlag(fset)
	check := fset.Bool("check", false, "write nothing; exit 1 naming the differences when a migration would be written")
	fset.fromEnv("check", "MIGRATE_DIFF_CHECK")
	var renames []string
	fset.Var(&listVar{&renames}, "rename", "declare a rename, TABLE=NEW or TABLE.COLUMN=NEW, instead of a drop and an add (repeatable)")
	fset.fromEnv("rename", "MIGRATE_DIFF_RENAMES")
	allow := fset.Bool("allow-destructive", false, "allow dropping tables and columns and narrowing column types")
	fset.fromEnv("allow-destructive", "MIGRATE_DIFF_ALLOW_DESTRUCTIVE")
	queries := m.queriesFlag(fset)
	lock := fset.Duration("lock-timeout", model.DefaultLockTimeout, "lock_timeout of the main file's statements (0: the server's setting)")
	fset.fromEnv("lock-timeout", "MIGRATE_DIFF_LOCK_TIMEOUT")
	if err := fset.parse(args); err != nil {
		return err
	}
	var name string
	switch {
	case fset.NArg() == 1:
		var err error
		if name, err = migrationName(fset.Arg(0)); err != nil {
			return err
		}
	case fset.NArg() > 1 || !*check:
		return fset.usageError("migrate diff needs one NAME")
	}
	d := &diffRun{migrateRun: m, dir: *dir, lock: *lock}
	var err error
	if d.reg, err = m.registry(); err != nil {
		return err
	}
	if d.renames, err = renameOptions(renames); err != nil {
		return err
	}
	d.allow = *allow || *check
	if st, err := os.Stat(d.dir); err != nil || !st.IsDir() {
		return fmt.Errorf("%w: migrations directory %s: not found (set -dir)", errUsage, d.dir)
	}

	dsn, stop, err := m.connect(ctx, m.db)
	if err != nil {
		return err
	}
	defer stop()
	scratch, drop, err := scratchDatabase(ctx, dsn)
	if err != nil {
		return err
	}
	defer func() {
		if err := drop(); err != nil {
			fmt.Fprintln(m.stderr, m.name+": warning:", err)
		}
	}()
	d.scratch = scratch
	if err := d.migrate(ctx, 0); err != nil {
		return err
	}
	plan, err := d.plan(ctx, d.allow, d.renames)
	if err != nil {
		return err
	}
	if *check {
		return d.check(plan)
	}
	if plan.Empty() {
		_, err := fmt.Fprintf(m.stdout, "no changes: the migrations in %s match the model metadata\n", d.dir)
		return err
	}
	paths, err := d.write(name, plan)
	if err != nil {
		return err
	}
	if err := d.verify(ctx, plan); err != nil {
		for _, p := range paths {
			os.Remove(p)
		}
		return fmt.Errorf("the new migration failed on the scratch database, nothing written: %w", err)
	}
	for i, p := range paths {
		note := ""
		if plan.Files[i].NoTransaction {
			note = " (runs outside a transaction)"
		}
		fmt.Fprintf(m.stdout, "wrote %s%s\n", p, note)
	}
	for _, r := range plan.Renames {
		fmt.Fprintln(m.stdout, "  "+r)
	}
	for _, w := range plan.Warnings {
		fmt.Fprintln(m.stdout, "warning: "+w)
	}
	fmt.Fprintln(m.stdout, "verified on a scratch database: up matches the model metadata, down restores the schema")
	var names []string
	for _, p := range paths {
		names = append(names, filepath.Base(p))
	}
	findings, err := m.lint(d.dir, *queries, names)
	if err != nil {
		return err
	}
	if err := m.report(findings, " in the migration just written"); err != nil {
		return err
	}
	fmt.Fprintln(m.stdout, "next: review the file, then go generate ./... (sqlc reads the migrations)")
	return nil
}

// renameOptions parses -rename values: TABLE=NEW renames a table,
// TABLE.COLUMN=NEW (or TABLE.COLUMN=TABLE.NEW) a column.
func renameOptions(values []string) ([]model.MigrationOption, error) {
	var opts []model.MigrationOption
	for _, v := range values {
		from, to, ok := strings.Cut(v, "=")
		if !ok || from == "" || to == "" {
			return nil, fmt.Errorf("%w: -rename %q: want TABLE=NEW or TABLE.COLUMN=NEW", errUsage, v)
		}
		table, col, isCol := strings.Cut(from, ".")
		if !isCol {
			opts = append(opts, model.RenameTable(from, to))
			continue
		}
		if t, c, ok := strings.Cut(to, "."); ok {
			if t != table {
				return nil, fmt.Errorf("%w: -rename %q: a column stays in its table", errUsage, v)
			}
			to = c
		}
		opts = append(opts, model.RenameColumn(table, col, to))
	}
	return opts, nil
}

// migrate applies the migrations of the directory to the scratch
// database, then rolls back the last down of them.
func (d *diffRun) migrate(ctx context.Context, down int) error {
	mg, err := postgres.NewMigrator(d.scratch, os.DirFS(d.dir))
	if errors.Is(err, goose.ErrNoMigrations) {
		return nil
	}
	if err != nil {
		return err
	}
	defer mg.Close()
	if _, err := mg.Up(ctx); err != nil {
		return fmt.Errorf("apply the migrations of %s: %w", d.dir, err)
	}
	for range down {
		if _, err := mg.Down(ctx); err != nil {
			return fmt.Errorf("migrate down: %w", err)
		}
	}
	return nil
}

// plan plans the migration on the scratch database.
func (d *diffRun) plan(ctx context.Context, allowDestructive bool, renames []model.MigrationOption) (*model.Migration, error) {
	conn, err := pgx.Connect(ctx, d.scratch)
	if err != nil {
		return nil, fmt.Errorf("connect to the scratch database: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	opts := append(slices.Clip(renames), model.LockTimeout(d.lock))
	if allowDestructive {
		opts = append(opts, model.AllowDestructive())
	}
	return model.PlanMigration(ctx, conn, d.reg, opts...)
}

// check reports the differences -check found.
func (d *diffRun) check(plan *model.Migration) error {
	if plan.Empty() {
		_, err := fmt.Fprintf(d.stdout, "no changes: the migrations in %s match the model metadata\n", d.dir)
		return err
	}
	for _, x := range plan.Diffs {
		fmt.Fprintln(d.stdout, x)
	}
	return fmt.Errorf("%w: the migrations in %s lag behind the model metadata by %d difference(s): run migrate diff NAME",
		model.ErrDrift, d.dir, len(plan.Diffs))
}

// write writes the files of plan as the next versions of the directory,
// all or none.
func (d *diffRun) write(name string, plan *model.Migration) ([]string, error) {
	next, err := nextVersion(os.DirFS(d.dir))
	if err != nil {
		return nil, fmt.Errorf("migrations in %s: %w", d.dir, err)
	}
	var paths []string
	for i, f := range plan.Files {
		path := filepath.Join(d.dir, fmt.Sprintf("%05d_%s%s.sql", next+int64(i), name, f.Suffix))
		if err := writeNew(path, f.String()); err != nil {
			for _, p := range paths {
				os.Remove(p)
			}
			return nil, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// writeNew writes a file that must not exist yet.
func writeNew(path, content string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(content); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// verify applies the written files to the scratch database: afterwards
// the schema must match the metadata; after their Down sections, planning
// again must give the same migration.
func (d *diffRun) verify(ctx context.Context, plan *model.Migration) error {
	if err := d.migrate(ctx, 0); err != nil {
		return err
	}
	after, err := d.plan(ctx, true, nil)
	if err != nil {
		return err
	}
	if !after.Empty() {
		return fmt.Errorf("after Up the schema still differs from the metadata: %s", after.Diffs[0])
	}
	if err := d.migrate(ctx, len(plan.Files)); err != nil {
		return err
	}
	again, err := d.plan(ctx, true, d.renames)
	if err != nil {
		return err
	}
	if len(again.Files) != len(plan.Files) {
		return errors.New("after Down the schema differs from the one the migration was planned on")
	}
	for i := range again.Files {
		if again.Files[i].String() != plan.Files[i].String() {
			return fmt.Errorf("after Down the schema differs from the one the migration was planned on:\n%s", again.Files[i].String())
		}
	}
	return nil
}
