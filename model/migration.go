package model

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Migration is the change that takes a database's schema to a registry,
// as PlanMigration computed it: goose files with Up and Down sections.
type Migration struct {
	// Diffs are the differences between the database, after the declared
	// renames, and the registry: what the drift check reports.
	Diffs []Diff
	// Renames describe the declared renames and the constraints and
	// indexes renamed because only their name differs, e.g.
	// "rename column books.title to name".
	Renames []string
	// Files are the goose files to write, in version order: none when the
	// database matches the registry; the main file, which runs in one
	// transaction; and, when the change builds indexes or validates
	// constraints on tables that already exist, a second file that runs
	// outside a transaction after the first has committed.
	Files []MigrationFile
	// Warnings are what a reviewer must know: a table or column dropped
	// while another is added (a possible rename), data a Down section
	// cannot restore. Each is also written as a comment in the file.
	Warnings []string
}

// Empty reports whether the database already matches the registry.
func (m *Migration) Empty() bool { return len(m.Files) == 0 }

// MigrationFile is one goose migration file.
type MigrationFile struct {
	// Suffix is appended to the migration's name in the file name: empty
	// for the main file, "_concurrently" for the file that runs outside a
	// transaction.
	Suffix string
	// NoTransaction marks a file that goose runs statement by statement
	// outside a transaction (-- +goose NO TRANSACTION).
	NoTransaction bool

	up, down []*step
}

// Up returns the statements of the Up section, without semicolons.
func (f *MigrationFile) Up() []string { return statements(f.up, false) }

// Down returns the statements of the Down section, without semicolons.
func (f *MigrationFile) Down() []string { return statements(f.down, true) }

// MigrationOption configures PlanMigration.
type MigrationOption func(*migrationConfig)

type migrationConfig struct {
	lockTimeout      time.Duration
	check            []CheckOption
	tableRenames     []rename
	columnRenames    []rename
	allowDestructive bool
}

// rename is a declared rename: of table from to to, or, with table set,
// of column from of table to to.
type rename struct{ table, from, to string }

// RenameTable declares that the database's table from is the registry's
// table to. Without it a table that disappears while another appears is
// dropped and created (and PlanMigration says it might be a rename).
func RenameTable(from, to string) MigrationOption {
	return func(c *migrationConfig) { c.tableRenames = append(c.tableRenames, rename{from: from, to: to}) }
}

// RenameColumn declares that column from of table (named as in the
// registry, after any RenameTable) is the registry's column to.
func RenameColumn(table, from, to string) MigrationOption {
	return func(c *migrationConfig) {
		c.columnRenames = append(c.columnRenames, rename{table: table, from: from, to: to})
	}
}

// AllowDestructive lets the migration drop tables and columns and narrow
// column types. Without it PlanMigration fails with ErrDestructive, naming
// each such change.
func AllowDestructive() MigrationOption {
	return func(c *migrationConfig) { c.allowDestructive = true }
}

// DefaultLockTimeout is the lock_timeout of a migration's main file.
const DefaultLockTimeout = 5 * time.Second

// LockTimeout sets how long each statement of the main file waits for a
// lock before the migration fails (DefaultLockTimeout; 0 leaves the
// server's setting). It applies when the database has tables: a migration
// from an empty database has no traffic to wait for.
func LockTimeout(d time.Duration) MigrationOption {
	return func(c *migrationConfig) { c.lockTimeout = d }
}

// WithCheckOptions passes options of the drift check (InSchema,
// IgnoreTables) to PlanMigration.
func WithCheckOptions(opts ...CheckOption) MigrationOption {
	return func(c *migrationConfig) { c.check = append(c.check, opts...) }
}

// PlanMigration computes the migration that takes the database's schema
// to the registry and back. It compares them as Check does, inside a
// transaction that it rolls back: the declared renames are applied there
// first, so the comparison sees the renamed objects. Run it against a
// scratch database that the existing migrations were applied to, never a
// production one: it changes nothing, but the renames lock the tables they
// touch until it returns.
//
// The Up section is safe to run on tables with rows and live traffic: an
// index on an existing table is built CONCURRENTLY; a primary key or
// unique constraint on one is added USING such an index; a check or
// foreign key is added NOT VALID and validated later; SET NOT NULL first
// validates a CHECK (column IS NOT NULL). Whatever must run after the
// main file has committed goes to a second file that runs outside a
// transaction. Destructive changes need AllowDestructive, and the Down of
// a drop says that the data is not restored.
//
// Errors: a rename naming an unknown table or column wraps ErrInvalidRename;
// a destructive change without AllowDestructive wraps ErrDestructive; a
// change the generator cannot write (turning an existing column into a
// serial) wraps ErrUnsupportedChange. Each is an *Error naming the table
// and column, joined when there are several.
func PlanMigration(ctx context.Context, db DBTX, r *Registry, opts ...MigrationOption) (*Migration, error) {
	cfg := migrationConfig{lockTimeout: DefaultLockTimeout}
	for _, o := range opts {
		o(&cfg)
	}
	tx, err := db.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("plan migration: begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))

	p := &planner{ctx: ctx, tx: tx, r: r, cfg: cfg}
	cmp, err := compareIn(ctx, tx, r, newCheckConfig(cfg.check), p.applyRenames)
	if err != nil {
		var merr *Error
		if errors.As(err, &merr) {
			return nil, err
		}
		return nil, fmt.Errorf("plan migration: %w", err)
	}
	p.cmp = cmp
	if err := p.plan(); err != nil {
		return nil, err
	}
	return p.migration(), nil
}

// applyRenames checks the declared renames against the database and the
// registry and applies them to the database (inside the planning
// transaction), recording their steps.
func (p *planner) applyRenames(tx pgx.Tx) error {
	var errs []error
	fail := func(table, col, detail string) {
		errs = append(errs, &Error{Table: table, Column: col, Err: ErrInvalidRename, Detail: detail})
	}
	for _, rn := range p.cfg.tableRenames {
		switch {
		case p.r.byName[rn.to] == nil:
			fail(rn.to, "", "rename "+quote(rn.from)+" to it: no such table in the metadata")
		case p.r.byName[rn.from] != nil:
			fail(rn.from, "", "rename to "+quote(rn.to)+": the metadata still declares "+quote(rn.from))
		case !p.liveColumn(tx, rn.from, ""):
			fail(rn.from, "", "rename to "+quote(rn.to)+": no such table in the database")
		case p.liveColumn(tx, rn.to, ""):
			fail(rn.to, "", "rename "+quote(rn.from)+" to it: the database already has "+quote(rn.to))
		default:
			if _, err := tx.Exec(p.ctx, "ALTER TABLE "+quoteIdent(rn.from)+" RENAME TO "+quoteIdent(rn.to)); err != nil {
				return errors.Join(append(errs, fmt.Errorf("rename table %s to %s: %w", quote(rn.from), quote(rn.to), err))...)
			}
			p.renameTable(rn.from, rn.to)
		}
	}
	for _, rn := range p.cfg.columnRenames {
		t := p.r.byName[rn.table]
		switch {
		case t == nil:
			fail(rn.table, rn.from, "rename to "+quote(rn.to)+": no such table in the metadata")
		case t.Column(rn.to) == nil:
			fail(rn.table, rn.to, "rename "+quote(rn.from)+" to it: no such column in the metadata")
		case t.Column(rn.from) != nil:
			fail(rn.table, rn.from, "rename to "+quote(rn.to)+": the metadata still declares "+quote(rn.from))
		case !p.liveColumn(tx, rn.table, rn.from):
			fail(rn.table, rn.from, "rename to "+quote(rn.to)+": no such column in the database")
		case p.liveColumn(tx, rn.table, rn.to):
			fail(rn.table, rn.to, "rename "+quote(rn.from)+" to it: the database already has "+quote(rn.to))
		default:
			if _, err := tx.Exec(p.ctx, "ALTER TABLE "+t.quoted+" RENAME COLUMN "+quoteIdent(rn.from)+" TO "+quoteIdent(rn.to)); err != nil {
				return errors.Join(append(errs, fmt.Errorf("rename column %s.%s to %s: %w", rn.table, quote(rn.from), quote(rn.to), err))...)
			}
			p.renameColumn(t, rn.from, rn.to)
		}
	}
	return errors.Join(errs...)
}

// liveColumn reports whether the database's current schema has table, or,
// when column is set, that column of table. An error counts as absent: the
// rename that follows reports it.
func (p *planner) liveColumn(tx pgx.Tx, table, column string) bool {
	var ok bool
	err := tx.QueryRow(p.ctx, `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c
	JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
	LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped
	WHERE c.relname = $1 AND c.relkind IN ('r', 'p') AND ($2 = '' OR a.attname IS NOT NULL))`, table, column).Scan(&ok)
	return err == nil && ok
}
