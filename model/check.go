package model

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// DiffKind is the kind of a schema difference.
type DiffKind uint8

// The kinds of difference Check reports. "Missing" means declared in the
// metadata but absent from the database; "extra" the reverse.
const (
	MissingTable DiffKind = iota + 1
	ExtraTable
	MissingColumn
	ExtraColumn
	ColumnType
	ColumnNullable
	ColumnDefault
	ColumnIdentity
	MissingConstraint
	ExtraConstraint
	ConstraintChanged
	MissingIndex
	ExtraIndex
	IndexChanged
)

// Diff is one difference between the metadata and the database.
type Diff struct {
	Kind  DiffKind
	Table string
	// Name is the column, constraint or index; empty for a table.
	Name string
	// Constraint is "primary key", "unique", "check" or "foreign key" for
	// the constraint kinds.
	Constraint string
	// Want is what the metadata declares, Got what the database has, as
	// PostgreSQL renders them (type, default, constraint or index
	// definition); empty when absent.
	Want, Got string
}

// String describes d on one line, e.g. `missing column books.pages` or
// `column books.pages: type is text, want integer`.
func (d Diff) String() string {
	obj := d.Table + "." + d.Name
	orNone := func(s string) string {
		if s == "" {
			return "none"
		}
		return s
	}
	switch d.Kind {
	case MissingTable:
		return "missing table " + d.Table
	case ExtraTable:
		return "extra table " + d.Table
	case MissingColumn:
		return "missing column " + obj + " (" + d.Want + ")"
	case ExtraColumn:
		return "extra column " + obj + " (" + d.Got + ")"
	case ColumnType:
		return "column " + obj + ": type is " + d.Got + ", want " + d.Want
	case ColumnNullable:
		return "column " + obj + ": is " + d.Got + ", want " + d.Want
	case ColumnDefault:
		return "column " + obj + ": default is " + orNone(d.Got) + ", want " + orNone(d.Want)
	case ColumnIdentity:
		return "column " + obj + ": identity is " + orNone(d.Got) + ", want " + orNone(d.Want)
	case MissingConstraint:
		return "missing " + d.Constraint + " " + obj + ": " + d.Want
	case ExtraConstraint:
		return "extra " + d.Constraint + " " + obj + ": " + d.Got
	case ConstraintChanged:
		return d.Constraint + " " + obj + ": is " + d.Got + ", want " + d.Want
	case MissingIndex:
		return "missing index " + obj + ": " + d.Want
	case ExtraIndex:
		return "extra index " + obj + ": " + d.Got
	case IndexChanged:
		return "index " + obj + ": is " + d.Got + ", want " + d.Want
	}
	return fmt.Sprintf("diff(%d) %s", d.Kind, obj)
}

// CheckOption configures Check.
type CheckOption func(*checkConfig)

type checkConfig struct {
	schema string
	ignore map[string]bool
}

// InSchema checks the tables of schema instead of current_schema().
func InSchema(schema string) CheckOption { return func(c *checkConfig) { c.schema = schema } }

// IgnoreTables leaves tables of the database that the metadata does not
// declare out of the comparison. goose's goose_db_version is always ignored.
func IgnoreTables(names ...string) CheckOption {
	return func(c *checkConfig) {
		for _, n := range names {
			c.ignore[n] = true
		}
	}
}

// Check compares the registry with the tables of the database's current
// schema and returns the differences (none when they match): missing and
// extra tables, columns, constraints and indexes; column types,
// nullability, defaults and identity; constraint and index definitions.
// Objects are matched by name.
//
// Both sides are read through the same pg_catalog queries: Check applies
// the registry's DDL to a scratch schema inside a transaction that it rolls
// back, so types, defaults and CHECK expressions are compared as the server
// normalises them, not as they were written. It changes nothing, but needs
// the CREATE privilege on the database for the scratch schema.
func Check(ctx context.Context, db DBTX, r *Registry, opts ...CheckOption) ([]Diff, error) {
	cfg := newCheckConfig(opts)
	tx, err := db.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("check: begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	c, err := compareIn(ctx, tx, r, cfg, nil)
	if err != nil {
		return nil, fmt.Errorf("check: %w", err)
	}
	return c.diffs, nil
}

func newCheckConfig(opts []CheckOption) checkConfig {
	cfg := checkConfig{ignore: map[string]bool{"goose_db_version": true}}
	for _, o := range opts {
		o(&cfg)
	}
	return cfg
}

// comparison is what compareIn found: the live schema's name, both
// snapshots and their differences.
type comparison struct {
	live      string
	want, got *snapshot
	diffs     []Diff
}

// compareIn reads the live schema and the registry applied to a scratch
// schema inside tx, which the caller rolls back, and compares them. prepare,
// when set, runs first with search_path set to the live schema (PlanMigration
// applies the renames it was given there). On return search_path lists the
// live schema only.
func compareIn(ctx context.Context, tx pgx.Tx, r *Registry, cfg checkConfig, prepare func(pgx.Tx) error) (*comparison, error) {
	live := cfg.schema
	if live == "" {
		var s *string
		if err := tx.QueryRow(ctx, "SELECT current_schema()").Scan(&s); err != nil {
			return nil, err
		}
		if s == nil {
			return nil, errors.New("no current schema: search_path names no existing schema")
		}
		live = *s
	}
	if err := setSearchPath(ctx, tx, live); err != nil {
		return nil, err
	}
	if prepare != nil {
		if err := prepare(tx); err != nil {
			return nil, err
		}
	}
	got, err := inspect(ctx, tx, live, cfg.ignore)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", live, err)
	}

	var suffix [6]byte
	rand.Read(suffix[:])
	scratch := "aquila_check_" + hex.EncodeToString(suffix[:])
	if _, err := tx.Exec(ctx, "CREATE SCHEMA "+quoteIdent(scratch)); err != nil {
		return nil, fmt.Errorf("create scratch schema: %w", err)
	}
	// The live schema stays on the path so that expressions naming its
	// functions or types resolve; new objects go to the scratch schema.
	if err := setSearchPath(ctx, tx, scratch, live); err != nil {
		return nil, err
	}
	for _, stmt := range r.CreateStatements() {
		if _, err := tx.Exec(ctx, stmt); err != nil {
			return nil, fmt.Errorf("apply metadata DDL: %w\n%s", err, stmt)
		}
	}
	want, err := inspect(ctx, tx, scratch, nil)
	if err != nil {
		return nil, err
	}
	if err := setSearchPath(ctx, tx, live); err != nil {
		return nil, err
	}
	return &comparison{live: live, want: want, got: got, diffs: compare(r, want, got)}, nil
}

// compare lists the differences between want (the metadata applied to a
// scratch schema) and got (the database), in registry order.
func compare(r *Registry, want, got *snapshot) []Diff {
	var diffs []Diff
	add := func(d Diff) { diffs = append(diffs, d) }
	for _, t := range r.tables {
		w, g := want.tables[t.name], got.tables[t.name]
		if g == nil {
			add(Diff{Kind: MissingTable, Table: t.name})
			continue
		}
		for _, n := range w.colNames {
			wc, gc := w.columns[n], g.columns[n]
			if _, ok := g.columns[n]; !ok {
				add(Diff{Kind: MissingColumn, Table: t.name, Name: n, Want: describeColumn(wc)})
				continue
			}
			if wc.typ != gc.typ {
				add(Diff{Kind: ColumnType, Table: t.name, Name: n, Want: wc.typ, Got: gc.typ})
			}
			if wc.notNull != gc.notNull {
				add(Diff{Kind: ColumnNullable, Table: t.name, Name: n, Want: nullability(wc.notNull), Got: nullability(gc.notNull)})
			}
			if wc.identity != gc.identity {
				add(Diff{Kind: ColumnIdentity, Table: t.name, Name: n, Want: wc.identity, Got: gc.identity})
			}
			if wc.def != gc.def {
				add(Diff{Kind: ColumnDefault, Table: t.name, Name: n, Want: wc.def, Got: gc.def})
			}
		}
		for _, n := range g.colNames {
			if _, ok := w.columns[n]; !ok {
				add(Diff{Kind: ExtraColumn, Table: t.name, Name: n, Got: describeColumn(g.columns[n])})
			}
		}
		for _, n := range w.conNames {
			wc := w.constraints[n]
			gc, ok := g.constraints[n]
			switch {
			case !ok:
				add(Diff{Kind: MissingConstraint, Table: t.name, Name: n, Constraint: wc.kind.String(), Want: wc.def})
			case wc.kind != gc.kind || wc.def != gc.def:
				add(Diff{Kind: ConstraintChanged, Table: t.name, Name: n, Constraint: wc.kind.String(), Want: wc.def, Got: gc.def})
			}
		}
		for _, n := range g.conNames {
			if _, ok := w.constraints[n]; !ok {
				gc := g.constraints[n]
				add(Diff{Kind: ExtraConstraint, Table: t.name, Name: n, Constraint: gc.kind.String(), Got: gc.def})
			}
		}
		for _, n := range w.idxNames {
			gi, ok := g.indexes[n]
			switch {
			case !ok:
				add(Diff{Kind: MissingIndex, Table: t.name, Name: n, Want: w.indexes[n].def})
			case gi.def != w.indexes[n].def:
				add(Diff{Kind: IndexChanged, Table: t.name, Name: n, Want: w.indexes[n].def, Got: gi.def})
			}
		}
		for _, n := range g.idxNames {
			if _, ok := w.indexes[n]; !ok {
				add(Diff{Kind: ExtraIndex, Table: t.name, Name: n, Got: g.indexes[n].def})
			}
		}
	}
	for _, n := range got.names {
		if r.byName[n] == nil {
			add(Diff{Kind: ExtraTable, Table: n})
		}
	}
	return diffs
}

func nullability(notNull bool) string {
	if notNull {
		return "NOT NULL"
	}
	return "nullable"
}

func describeColumn(c columnSnap) string {
	var b strings.Builder
	b.WriteString(c.typ)
	if c.identity != "" {
		b.WriteString(" GENERATED " + c.identity + " AS IDENTITY")
	} else if c.notNull {
		b.WriteString(" NOT NULL")
	}
	if c.def != "" {
		b.WriteString(" DEFAULT " + c.def)
	}
	return b.String()
}
