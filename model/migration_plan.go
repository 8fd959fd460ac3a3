package model

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// phase orders the steps of a migration. The phases before phValidate go
// to the main file, which runs in one transaction; the others to the file
// that runs outside a transaction once the main one has committed.
type phase uint8

const (
	phRename phase = iota
	phDropFK
	phDropIndex
	phDropConstraint
	phDropTableFK
	phDropTable
	phCreateTable
	phColumn
	phAddConstraint
	phAddFK

	phValidate
	phNotNull
	phIdentity
	phDropIndexConcurrently
	phCreateIndexConcurrently
	phUsingIndex
	phAddFKLate
)

func (p phase) late() bool { return p >= phValidate }

// The order of a column's changes within phColumn.
const (
	subAddColumn = iota
	subType
	subDropDefault
	subDropIdentity
	subDropNotNull
	subIdentity
	subSetDefault
	subDropColumn
)

// step is one change: the statements that make it and, in run order, the
// statements that undo it. The Up section runs the steps in order, the
// Down section runs their undo statements in reverse order.
type step struct {
	phase phase
	table int // the table's position, so that a table's changes stay together
	sub   int
	seq   int

	up, down    []string
	comment     []string // written above the up statements
	downComment []string // written above the down statements
}

// planner turns the differences found by compareIn into steps.
type planner struct {
	ctx context.Context
	tx  pgx.Tx
	r   *Registry
	cfg migrationConfig
	cmp *comparison

	steps       []*step
	renames     []string
	warnings    []string
	destructive []error

	tableIndex map[string]int
	dropTables map[string]bool
	dropCols   map[string]map[string]bool
	lateKeys   map[string]bool // table + key columns built concurrently by this migration
	lateNN     map[string]bool // table + column set NOT NULL in the late file
}

func (p *planner) add(s *step) {
	s.seq = len(p.steps)
	p.steps = append(p.steps, s)
}

func (p *planner) renameTable(from, to string) {
	p.renames = append(p.renames, "rename table "+from+" to "+to)
	p.add(&step{phase: phRename,
		up:   []string{"ALTER TABLE " + quoteIdent(from) + " RENAME TO " + quoteIdent(to)},
		down: []string{"ALTER TABLE " + quoteIdent(to) + " RENAME TO " + quoteIdent(from)}})
}

func (p *planner) renameColumn(t *TableDef, from, to string) {
	p.renames = append(p.renames, "rename column "+t.name+"."+from+" to "+to)
	p.add(&step{phase: phRename, sub: 1,
		up:   []string{"ALTER TABLE " + t.quoted + " RENAME COLUMN " + quoteIdent(from) + " TO " + quoteIdent(to)},
		down: []string{"ALTER TABLE " + t.quoted + " RENAME COLUMN " + quoteIdent(to) + " TO " + quoteIdent(from)}})
}

func key(table string, cols ...string) string {
	return table + "\x00" + strings.Join(cols, "\x00")
}

// plan computes the steps.
func (p *planner) plan() error {
	want, got := p.cmp.want, p.cmp.got
	p.tableIndex = map[string]int{}
	for i, t := range p.r.order {
		p.tableIndex[t.name] = i
	}
	p.dropTables = map[string]bool{}
	p.dropCols = map[string]map[string]bool{}
	p.lateKeys = map[string]bool{}
	p.lateNN = map[string]bool{}

	// Sort the differences by kind of object.
	var newTables, extraTables []string
	missingCols := map[string][]string{}
	type objDiff struct {
		table, name string
	}
	var missingCons, extraCons, missingIdx, extraIdx []objDiff
	var colDiffs []Diff
	for _, d := range p.cmp.diffs {
		switch d.Kind {
		case MissingTable:
			newTables = append(newTables, d.Table)
		case ExtraTable:
			extraTables = append(extraTables, d.Table)
			p.dropTables[d.Table] = true
			p.tableIndex[d.Table] = len(p.r.order) + len(extraTables)
		case MissingColumn:
			missingCols[d.Table] = append(missingCols[d.Table], d.Name)
		case ExtraColumn:
			if p.dropCols[d.Table] == nil {
				p.dropCols[d.Table] = map[string]bool{}
			}
			p.dropCols[d.Table][d.Name] = true
		case ColumnType, ColumnNullable, ColumnDefault, ColumnIdentity:
			colDiffs = append(colDiffs, d)
		case MissingConstraint:
			missingCons = append(missingCons, objDiff{d.Table, d.Name})
		case ExtraConstraint:
			extraCons = append(extraCons, objDiff{d.Table, d.Name})
		case ConstraintChanged:
			w, g := want.tables[d.Table].constraints[d.Name], got.tables[d.Table].constraints[d.Name]
			if g.def == w.def+" NOT VALID" {
				// Added NOT VALID by a migration whose validation did not
				// run: validate it.
				p.add(&step{phase: phValidate, table: p.tableIndex[d.Table],
					up: []string{"ALTER TABLE " + quoteIdent(d.Table) + " VALIDATE CONSTRAINT " + quoteIdent(d.Name)}})
				continue
			}
			extraCons = append(extraCons, objDiff{d.Table, d.Name})
			missingCons = append(missingCons, objDiff{d.Table, d.Name})
		case MissingIndex:
			missingIdx = append(missingIdx, objDiff{d.Table, d.Name})
		case ExtraIndex:
			extraIdx = append(extraIdx, objDiff{d.Table, d.Name})
		case IndexChanged:
			extraIdx = append(extraIdx, objDiff{d.Table, d.Name})
			missingIdx = append(missingIdx, objDiff{d.Table, d.Name})
		}
	}

	// A constraint or index that only changed its name is renamed.
	for i := 0; i < len(missingCons); i++ {
		m := missingCons[i]
		wc := want.tables[m.table].constraints[m.name]
		j := slices.IndexFunc(extraCons, func(e objDiff) bool {
			gc := got.tables[e.table].constraints[e.name]
			return e.table == m.table && e.name != m.name && gc.kind == wc.kind && gc.def == wc.def
		})
		if j < 0 {
			continue
		}
		e := extraCons[j]
		t := quoteIdent(m.table)
		p.renames = append(p.renames, "rename "+wc.kind.String()+" "+m.table+"."+e.name+" to "+m.name)
		p.add(&step{phase: phRename, sub: 2,
			up:   []string{"ALTER TABLE " + t + " RENAME CONSTRAINT " + quoteIdent(e.name) + " TO " + quoteIdent(m.name)},
			down: []string{"ALTER TABLE " + t + " RENAME CONSTRAINT " + quoteIdent(m.name) + " TO " + quoteIdent(e.name)}})
		missingCons = slices.Delete(missingCons, i, i+1)
		extraCons = slices.Delete(extraCons, j, j+1)
		i--
	}
	for i := 0; i < len(missingIdx); i++ {
		m := missingIdx[i]
		wx := want.tables[m.table].indexes[m.name]
		j := slices.IndexFunc(extraIdx, func(e objDiff) bool {
			return e.table == m.table && e.name != m.name && got.tables[e.table].indexes[e.name].def == wx.def
		})
		if j < 0 {
			continue
		}
		e := extraIdx[j]
		p.renames = append(p.renames, "rename index "+m.table+"."+e.name+" to "+m.name)
		p.add(&step{phase: phRename, sub: 3,
			up:   []string{"ALTER INDEX " + quoteIdent(e.name) + " RENAME TO " + quoteIdent(m.name)},
			down: []string{"ALTER INDEX " + quoteIdent(m.name) + " RENAME TO " + quoteIdent(e.name)}})
		missingIdx = slices.Delete(missingIdx, i, i+1)
		extraIdx = slices.Delete(extraIdx, j, j+1)
		i--
	}

	// Keys built concurrently, which foreign keys added by this migration
	// may have to wait for.
	for _, m := range missingCons {
		if c := p.r.byName[m.table].constraint(m.name); c != nil && (c.kind == conPrimary || c.kind == conUnique) {
			p.lateKeys[key(m.table, sorted(c.columns)...)] = true
		}
	}
	for _, m := range missingIdx {
		if x := p.r.byName[m.table].index(m.name); x != nil && x.unique && x.where == "" {
			p.lateKeys[key(m.table, sorted(x.columns)...)] = true
		}
	}

	// Foreign keys that depend on a key this migration drops are dropped
	// first and added again.
	dropped := map[string]bool{}
	for _, e := range extraCons {
		if gc := got.tables[e.table].constraints[e.name]; gc.index != "" && gc.kind != conForeign {
			dropped[key(e.table, gc.index)] = true
		}
	}
	for _, e := range extraIdx {
		dropped[key(e.table, e.name)] = true
	}
	for _, tn := range got.names {
		if p.dropTables[tn] {
			continue
		}
		gt := got.tables[tn]
		for _, cn := range gt.conNames {
			gc := gt.constraints[cn]
			if gc.kind != conForeign || !dropped[key(gc.refTable, gc.index)] || p.dropTables[gc.refTable] {
				continue
			}
			o := objDiff{tn, cn}
			if slices.Contains(extraCons, o) {
				continue
			}
			extraCons = append(extraCons, o)
			missingCons = append(missingCons, o)
		}
	}

	p.renameHints(newTables, extraTables, missingCols)
	for _, t := range p.r.order {
		if slices.Contains(newTables, t.name) {
			p.createTable(t)
		}
	}
	for _, name := range extraTables {
		p.dropTable(name)
	}
	for _, t := range p.r.order {
		for _, n := range missingCols[t.name] {
			p.addColumn(t, t.Column(n))
		}
	}
	for _, tn := range got.names {
		for _, n := range got.tables[tn].colNames {
			if p.dropCols[tn][n] {
				p.dropColumn(tn, n)
			}
		}
	}
	var errs []error
	for _, d := range colDiffs {
		if err := p.alterColumn(d); err != nil {
			errs = append(errs, err)
		}
	}
	for _, e := range extraCons {
		p.dropConstraint(e.table, e.name)
	}
	for _, m := range missingCons {
		if t := p.r.byName[m.table]; t.constraint(m.name) != nil {
			p.addConstraint(t, m.name)
		}
	}
	for _, e := range extraIdx {
		p.dropIndex(e.table, e.name)
	}
	for _, m := range missingIdx {
		t := p.r.byName[m.table]
		x := t.index(m.name)
		p.add(&step{phase: phCreateIndexConcurrently, table: p.tableIndex[t.name],
			up:   []string{t.indexSQL(x, true)},
			down: []string{"DROP INDEX CONCURRENTLY IF EXISTS " + quoteIdent(x.name)}})
	}
	if !p.cfg.allowDestructive {
		errs = append(errs, p.destructive...)
	}
	return errors.Join(errs...)
}

// renameHints warns about a table or column that disappears while another
// appears: PlanMigration never guesses a rename.
func (p *planner) renameHints(newTables, extraTables []string, missingCols map[string][]string) {
	if len(newTables) > 0 && len(extraTables) > 0 {
		for _, e := range extraTables {
			p.warnings = append(p.warnings, "table "+e+" is dropped while "+strings.Join(newTables, ", ")+
				" is created: if that is a rename, declare it (-rename "+e+"="+newTables[0]+"), or the rows of "+e+" are lost")
		}
	}
	for _, t := range p.r.order {
		added := missingCols[t.name]
		if len(added) == 0 || p.dropTables[t.name] {
			continue
		}
		gt := p.cmp.got.tables[t.name]
		if gt == nil {
			continue
		}
		for _, n := range gt.colNames {
			if p.dropCols[t.name][n] {
				p.warnings = append(p.warnings, "column "+t.name+"."+n+" is dropped while "+strings.Join(added, ", ")+
					" is added: if that is a rename, declare it (-rename "+t.name+"."+n+"="+added[0]+"), or the data of "+n+" is lost")
			}
		}
	}
}

// hint returns the warning about a possible rename of the dropped object
// prefix ("table x" or "column t.x"), if any.
func (p *planner) hint(prefix string) []string {
	for _, w := range p.warnings {
		if strings.HasPrefix(w, prefix+" is dropped") {
			return []string{w}
		}
	}
	return nil
}

// migration sorts the steps into files.
func (p *planner) migration() *Migration {
	slices.SortStableFunc(p.steps, func(a, b *step) int {
		return cmp.Or(cmp.Compare(a.phase, b.phase), cmp.Compare(a.table, b.table), cmp.Compare(a.sub, b.sub), cmp.Compare(a.seq, b.seq))
	})
	m := &Migration{Diffs: p.cmp.diffs, Renames: p.renames, Warnings: p.warnings}
	var main, late []*step
	for _, s := range p.steps {
		if s.phase.late() {
			late = append(late, s)
		} else {
			main = append(main, s)
		}
	}
	for _, f := range []struct {
		steps  []*step
		suffix string
		notx   bool
	}{{main, "", false}, {late, "_concurrently", true}} {
		if len(f.steps) == 0 {
			continue
		}
		up, down := f.steps, slices.Clone(f.steps)
		slices.Reverse(down)
		if t := p.lockTimeout(); t != nil && !f.notx {
			up = append([]*step{t}, up...)
			down = append([]*step{t}, down...)
		}
		m.Files = append(m.Files, MigrationFile{Suffix: f.suffix, NoTransaction: f.notx, up: up, down: down})
	}
	if len(m.Files) == 1 {
		m.Files[0].Suffix = ""
	}
	return m
}

// lockTimeout is the step that bounds the main file's lock waits, when
// the database has tables: an ALTER TABLE waiting for a long query would
// otherwise queue all the table's traffic behind it. SET LOCAL lasts until
// the file's transaction ends.
func (p *planner) lockTimeout() *step {
	d := p.cfg.lockTimeout
	if d == 0 || len(p.cmp.got.names) == 0 {
		return nil
	}
	v := strconv.FormatInt(d.Milliseconds(), 10) + "ms"
	if d%time.Second == 0 {
		v = strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	set := "SET LOCAL lock_timeout = '" + v + "'"
	comment := []string{"Waits at most " + d.String() + " for each lock instead of queueing the table's traffic behind it;",
		"when that is not enough the migration fails, changes nothing, and can run again."}
	return &step{up: []string{set}, down: []string{set}, comment: comment}
}

// constraint returns the table's constraint named name, or nil.
func (t *TableDef) constraint(name string) *constraint {
	for c := range t.constraints() {
		if c.name == name {
			return c
		}
	}
	return nil
}

// index returns the table's index named name, or nil.
func (t *TableDef) index(name string) *IndexDef {
	for _, x := range t.indexes {
		if x.name == name {
			return x
		}
	}
	return nil
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
