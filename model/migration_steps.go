package model

// The steps of each kind of change, written from the metadata (Up) and the
// database's catalog (Down).

// createTable creates a table of the registry, then its indexes; a foreign
// key that closes a cycle, or that needs a key the late file builds, is
// added afterwards.
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

// dropTable drops a table of the database; Down recreates it, empty, from
// the catalog.
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

// destroy records a change that loses data: without AllowDestructive it
// is an error.
func (p *planner) destroy(table, column, detail string) {
	p.destructive = append(p.destructive, &Error{Table: table, Column: column, Err: ErrDestructive, Detail: detail})
}

// addColumn adds a column of the registry as the metadata defines it; its
// constraints and indexes are steps of their own.
func (p *planner) addColumn(t *TableDef, c *ColumnDef) {
	p.add(&step{phase: phColumn, table: p.tableIndex[t.name], sub: subAddColumn,
		up:   []string{"ALTER TABLE " + t.quoted + " ADD COLUMN " + c.quoted + " " + c.spec},
		down: []string{"ALTER TABLE " + t.quoted + " DROP COLUMN " + c.quoted}})
}

// dropColumn drops a column of the database; Down adds it back, empty.
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

// dropConstraint drops a constraint of the database; Down adds it back as
// the catalog renders it.
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
// file, unless a column it uses is dropped, which drops the index too.
func (p *planner) dropIndex(table, name string) {
	gx := p.cmp.got.tables[table].indexes[name]
	s := &step{phase: phDropIndexConcurrently, table: p.tableIndex[table],
		up:   []string{"DROP INDEX CONCURRENTLY IF EXISTS " + quoteIdent(name)},
		down: []string{liveIndexSQL(table, name, gx, true)}}
	for _, c := range gx.columns {
		if p.dropCols[table][c] {
			// Dropping the column drops the index; Down builds it again
			// once the column is back.
			s.phase, s.up = phDropIndex, nil
			s.down = []string{liveIndexSQL(table, name, gx, false)}
			break
		}
	}
	p.add(s)
}
