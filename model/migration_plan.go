package model

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"

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

func (p *planner) createTable(t *TableDef) {
	i := p.tableIndex[t.name]
	var skip []*constraint
	for _, c := range t.fks {
		switch {
		case p.lateKeys[key(c.refTable, sorted(c.refCols)...)]:
			skip = append(skip, c)
			p.addForeignKeyLate(t, c)
		case c.deferred:
			skip = append(skip, c)
			p.add(&step{phase: phAddFK, table: i,
				up:   []string{"ALTER TABLE " + t.quoted + " ADD " + string(appendConstraint(nil, c))},
				down: []string{"ALTER TABLE " + t.quoted + " DROP CONSTRAINT " + quoteIdent(c.name)}})
		}
	}
	p.add(&step{phase: phCreateTable, table: i, up: []string{t.createSQL(skip)}, down: []string{"DROP TABLE " + t.quoted}})
	if len(t.indexes) > 0 {
		s := &step{phase: phCreateTable, table: i, sub: 1}
		for _, x := range t.indexes {
			s.up = append(s.up, t.indexSQL(x, false))
		}
		p.add(s)
	}
}

func (p *planner) dropTable(name string) {
	gt := p.cmp.got.tables[name]
	i := p.tableIndex[name]
	q := quoteIdent(name)
	// Foreign keys between dropped tables go first, so that the tables can
	// be dropped, and recreated by Down, in any order.
	var skip []string
	for _, cn := range gt.conNames {
		gc := gt.constraints[cn]
		if gc.kind == conForeign && gc.refTable != name && p.dropTables[gc.refTable] {
			skip = append(skip, cn)
			p.add(&step{phase: phDropTableFK, table: i,
				up:   []string{"ALTER TABLE " + q + " DROP CONSTRAINT " + quoteIdent(cn)},
				down: []string{"ALTER TABLE " + q + " ADD CONSTRAINT " + quoteIdent(cn) + " " + gc.def}})
		}
	}
	down := []string{liveCreateTable(name, gt, skip)}
	for _, xn := range gt.idxNames {
		down = append(down, liveIndexSQL(name, xn, gt.indexes[xn], false))
	}
	p.destroy(name, "", "drop table (its rows are lost)")
	p.add(&step{phase: phDropTable, table: i, up: []string{"DROP TABLE " + q}, down: down,
		comment:     append(p.hint("table "+name), allowed("ban-drop-table")),
		downComment: []string{"Recreates table " + name + " empty: its rows are not restored."}})
}

// allowed is the comment that tells migrate lint that the destructive
// statement after it was asked for.
func allowed(rule string) string {
	return "aquila:lint-ignore " + rule + " destructive change allowed when the migration was written"
}

func (p *planner) destroy(table, column, detail string) {
	p.destructive = append(p.destructive, &Error{Table: table, Column: column, Err: ErrDestructive, Detail: detail})
}

func (p *planner) addColumn(t *TableDef, c *ColumnDef) {
	p.add(&step{phase: phColumn, table: p.tableIndex[t.name], sub: subAddColumn,
		up:   []string{"ALTER TABLE " + t.quoted + " ADD COLUMN " + c.quoted + " " + c.spec},
		down: []string{"ALTER TABLE " + t.quoted + " DROP COLUMN " + c.quoted}})
}

func (p *planner) dropColumn(table, name string) {
	gc := p.cmp.got.tables[table].columns[name]
	q, cq := quoteIdent(table), quoteIdent(name)
	downComment := []string{"Adds " + table + "." + name + " back empty: its data is not restored."}
	if gc.notNull && gc.def == "" && gc.identity == "" && !gc.serial {
		downComment = append(downComment, "It is NOT NULL without a default: this fails while "+table+" has rows.")
	}
	p.destroy(table, name, "drop column (its data is lost)")
	p.add(&step{phase: phColumn, table: p.tableIndex[table], sub: subDropColumn,
		up:          []string{"ALTER TABLE " + q + " DROP COLUMN " + cq},
		down:        []string{"ALTER TABLE " + q + " ADD COLUMN " + cq + " " + liveColumnSpec(gc)},
		comment:     append(p.hint("column "+table+"."+name), allowed("ban-drop-column")),
		downComment: downComment})
}

// alterColumn writes a change of type, nullability, default or identity of
// a column both sides have.
func (p *planner) alterColumn(d Diff) error {
	t := p.r.byName[d.Table]
	c := t.Column(d.Name)
	wc, gc := p.cmp.want.tables[d.Table].columns[d.Name], p.cmp.got.tables[d.Table].columns[d.Name]
	alter := "ALTER TABLE " + t.quoted + " ALTER COLUMN " + c.quoted + " "
	s := &step{phase: phColumn, table: p.tableIndex[t.name]}
	switch d.Kind {
	case ColumnType:
		s.sub = subType
		up, down := string(c.typ.Base()), gc.typ
		upUsing, err := p.using(c.quoted, d.Got, d.Want, up)
		if err != nil {
			return err
		}
		downUsing, err := p.using(c.quoted, d.Want, d.Got, down)
		if err != nil {
			return err
		}
		s.up = []string{alter + "TYPE " + up + upUsing}
		s.down = []string{alter + "TYPE " + down + downUsing}
		if !widens(d.Got, d.Want) {
			p.destroy(d.Table, d.Name, "type "+d.Got+" to "+d.Want+" (values that do not fit are lost or fail)")
			s.comment = []string{"Converts " + d.Table + "." + d.Name + " from " + d.Got + " to " + d.Want + ": values that do not fit fail or lose precision.",
				allowed("changing-column-type")}
		}
	case ColumnDefault:
		switch {
		case wc.serial && !gc.serial:
			return &Error{Table: d.Table, Column: d.Name, Err: ErrUnsupportedChange,
				Detail: "an existing column cannot become serial: make it an identity column"}
		case d.Want == "":
			s.sub = subDropDefault
			s.up = []string{alter + "DROP DEFAULT"}
			s.down = []string{alter + "SET DEFAULT " + d.Got}
		default:
			s.sub = subSetDefault
			s.up = []string{alter + "SET DEFAULT " + c.def}
			s.down = []string{alter + "DROP DEFAULT"}
			if d.Got != "" {
				s.down = []string{alter + "SET DEFAULT " + d.Got}
			}
		}
	case ColumnIdentity:
		add := []string{alter + "ADD GENERATED " + d.Want + " AS IDENTITY", setval(t.quoted, c.name)}
		switch {
		case d.Got == "":
			s.sub = subIdentity
			s.up, s.down = add, []string{alter + "DROP IDENTITY"}
			if p.lateNN[key(t.name, c.name)] || (!gc.notNull && wc.notNull) {
				s.phase = phIdentity
			}
		case d.Want == "":
			s.sub = subDropIdentity
			s.up = []string{alter + "DROP IDENTITY"}
			s.down = []string{alter + "ADD GENERATED " + d.Got + " AS IDENTITY", setval(t.quoted, c.name)}
		default:
			s.sub = subIdentity
			s.up = []string{alter + "SET GENERATED " + d.Want}
			s.down = []string{alter + "SET GENERATED " + d.Got}
		}
	case ColumnNullable:
		if !wc.notNull {
			s.sub = subDropNotNull
			s.up = []string{alter + "DROP NOT NULL"}
			s.down = []string{alter + "SET NOT NULL"}
			break
		}
		// SET NOT NULL scans the table under an ACCESS EXCLUSIVE lock
		// unless a validated CHECK (column IS NOT NULL) proves it: add
		// one NOT VALID here, validate it and set NOT NULL in the late
		// file, then drop it.
		p.lateNN[key(t.name, c.name)] = true
		name := notNullCheckName(t.name, c.name)
		addCheck := "ALTER TABLE " + t.quoted + " ADD CONSTRAINT " + quoteIdent(name) + " CHECK (" + c.quoted + " IS NOT NULL) NOT VALID"
		s.phase, s.sub = phAddConstraint, 0
		s.up = []string{addCheck}
		s.down = []string{"ALTER TABLE " + t.quoted + " DROP CONSTRAINT IF EXISTS " + quoteIdent(name)}
		p.add(&step{phase: phNotNull, table: s.table,
			up: []string{
				"ALTER TABLE " + t.quoted + " VALIDATE CONSTRAINT " + quoteIdent(name),
				alter + "SET NOT NULL",
				"ALTER TABLE " + t.quoted + " DROP CONSTRAINT " + quoteIdent(name),
			},
			down: []string{addCheck, alter + "DROP NOT NULL"}})
	}
	p.add(s)
	return nil
}

// setval moves an identity column's sequence past the values the column
// already holds.
func setval(table, column string) string {
	seq, _ := quoteLiteral(table)
	col, _ := quoteLiteral(column)
	return "SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence(" + seq + ", " + col + "), coalesce(max(" +
		quoteIdent(column) + "), 0) + 1, false) FROM " + table
}

// notNullCheckName names the CHECK (column IS NOT NULL) that SET NOT NULL
// relies on. PostgreSQL 18 names its own not-null constraints
// <table>_<column>_not_null, so this one differs.
func notNullCheckName(table, column string) string {
	name := table + "_" + column + "_nn_check"
	if len(name) > maxIdent {
		name = name[len(name)-maxIdent:]
	}
	return name
}

// using returns the USING clause a type change from (as the server names
// the type) to to needs: none when PostgreSQL has an assignment cast.
func (p *planner) using(col, from, to, toSQL string) (string, error) {
	var ok bool
	if err := p.tx.QueryRow(p.ctx, assignableQuery, from, to).Scan(&ok); err != nil {
		return "", err
	}
	if ok {
		return "", nil
	}
	return " USING " + col + "::" + toSQL, nil
}

// assignableQuery reports whether a value of type $1 converts to type $2
// without USING: the same type (with another modifier), an assignment or
// implicit cast, an I/O conversion to a string type, element-wise for
// arrays.
const assignableQuery = `WITH t AS (
	SELECT s.oid AS s, d.oid AS d, s.typelem AS se, d.typelem AS de, s.typcategory AS sc, d.typcategory AS dc
	FROM pg_catalog.pg_type s, pg_catalog.pg_type d
	WHERE s.oid = $1::text::regtype AND d.oid = $2::text::regtype
), e AS (
	SELECT CASE WHEN sc = 'A' AND dc = 'A' THEN se ELSE s END AS s,
	       CASE WHEN sc = 'A' AND dc = 'A' THEN de ELSE d END AS d
	FROM t
)
SELECT e.s = e.d
	OR EXISTS (SELECT 1 FROM pg_catalog.pg_cast c WHERE c.castsource = e.s AND c.casttarget = e.d AND c.castcontext IN ('a', 'i'))
	OR (SELECT typcategory FROM pg_catalog.pg_type WHERE oid = e.d) = 'S'
FROM e`

func (p *planner) dropConstraint(table, name string) {
	gc := p.cmp.got.tables[table].constraints[name]
	q := quoteIdent(table)
	ph := phDropConstraint
	if gc.kind == conForeign {
		ph = phDropFK
	}
	p.add(&step{phase: ph, table: p.tableIndex[table],
		up:   []string{"ALTER TABLE " + q + " DROP CONSTRAINT " + quoteIdent(name)},
		down: []string{"ALTER TABLE " + q + " ADD CONSTRAINT " + quoteIdent(name) + " " + gc.def}})
}

// addConstraint adds a constraint of the registry to a table that exists:
// a check or foreign key NOT VALID, validated in the late file; a primary
// key or unique constraint over an index built concurrently.
func (p *planner) addConstraint(t *TableDef, name string) {
	c := t.constraint(name)
	i := p.tableIndex[t.name]
	drop := "ALTER TABLE " + t.quoted + " DROP CONSTRAINT " + quoteIdent(c.name)
	switch c.kind {
	case conCheck, conForeign:
		if c.kind == conForeign && p.lateKeys[key(c.refTable, sorted(c.refCols)...)] {
			p.addForeignKeyLate(t, c)
			return
		}
		ph := phAddConstraint
		if c.kind == conForeign {
			ph = phAddFK
		}
		p.add(&step{phase: ph, table: i,
			up:   []string{"ALTER TABLE " + t.quoted + " ADD " + string(appendConstraint(nil, c)) + " NOT VALID"},
			down: []string{drop}})
		p.add(&step{phase: phValidate, table: i,
			up: []string{"ALTER TABLE " + t.quoted + " VALIDATE CONSTRAINT " + quoteIdent(c.name)}})
	default:
		x := &IndexDef{name: c.name, columns: c.columns, unique: true}
		p.add(&step{phase: phCreateIndexConcurrently, table: i,
			up:   []string{t.indexSQL(x, true)},
			down: []string{"DROP INDEX CONCURRENTLY IF EXISTS " + quoteIdent(c.name)}})
		kind := " UNIQUE"
		if c.kind == conPrimary {
			kind = " PRIMARY KEY"
		}
		p.add(&step{phase: phUsingIndex, table: i,
			up:   []string{"ALTER TABLE " + t.quoted + " ADD CONSTRAINT " + quoteIdent(c.name) + kind + " USING INDEX " + quoteIdent(c.name)},
			down: []string{"ALTER TABLE " + t.quoted + " DROP CONSTRAINT IF EXISTS " + quoteIdent(c.name)}})
	}
}

// addForeignKeyLate adds a foreign key whose referenced key the late file
// builds.
func (p *planner) addForeignKeyLate(t *TableDef, c *constraint) {
	p.add(&step{phase: phAddFKLate, table: p.tableIndex[t.name],
		up: []string{
			"ALTER TABLE " + t.quoted + " ADD " + string(appendConstraint(nil, c)) + " NOT VALID",
			"ALTER TABLE " + t.quoted + " VALIDATE CONSTRAINT " + quoteIdent(c.name),
		},
		down: []string{"ALTER TABLE " + t.quoted + " DROP CONSTRAINT IF EXISTS " + quoteIdent(c.name)}})
}

// dropIndex drops an index of a table that stays: concurrently in the late
// file, unless a column it uses is dropped, which the main file does.
func (p *planner) dropIndex(table, name string) {
	gx := p.cmp.got.tables[table].indexes[name]
	s := &step{phase: phDropIndexConcurrently, table: p.tableIndex[table],
		up:   []string{"DROP INDEX CONCURRENTLY IF EXISTS " + quoteIdent(name)},
		down: []string{liveIndexSQL(table, name, gx, true)}}
	for _, c := range gx.columns {
		if p.dropCols[table][c] {
			s.phase = phDropIndex
			s.up = []string{"DROP INDEX " + quoteIdent(name)}
			s.down = []string{liveIndexSQL(table, name, gx, false)}
			break
		}
	}
	p.add(s)
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
		down := slices.Clone(f.steps)
		slices.Reverse(down)
		m.Files = append(m.Files, MigrationFile{Suffix: f.suffix, NoTransaction: f.notx, up: f.steps, down: down})
	}
	if len(m.Files) == 1 {
		m.Files[0].Suffix = ""
	}
	return m
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
