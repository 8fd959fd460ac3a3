package model

import (
	"errors"
	"slices"
	"strconv"
	"strings"
)

// maxIdent is PostgreSQL's identifier length limit (NAMEDATALEN-1). Longer
// names are silently truncated by the server, so NewRegistry rejects them.
const maxIdent = 63

// Registry is a validated set of tables. It is immutable and safe for
// concurrent use.
type Registry struct {
	tables []*TableDef // declaration order
	order  []*TableDef // creation order
	byName map[string]*TableDef
}

// NewRegistry validates tables and returns a registry holding a copy of
// them. Column-level constraints become named table constraints (using
// PostgreSQL's own naming rules), foreign keys without target columns point
// at the target's primary key, and the creation order is computed. Every
// problem found is reported: the error joins one *Error per problem, each
// wrapping a sentinel such as ErrDuplicateColumn or ErrTypeMismatch.
func NewRegistry(tables ...*TableDef) (*Registry, error) {
	r := &Registry{byName: make(map[string]*TableDef, len(tables))}
	var errs []error
	for _, src := range tables {
		if src == nil {
			errs = append(errs, &Error{Err: errNilTable})
			continue
		}
		if src.err != nil {
			errs = append(errs, src.err)
			continue
		}
		t, terrs := normalize(src)
		errs = append(errs, terrs...)
		if _, dup := r.byName[t.name]; dup {
			errs = append(errs, &Error{Table: t.name, Err: ErrDuplicateTable})
			continue
		}
		t.reg = r
		r.byName[t.name] = t
		r.tables = append(r.tables, t)
	}
	errs = append(errs, r.validateReferences()...)
	errs = append(errs, r.validateNames()...)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	r.order = r.sort()
	for _, t := range r.tables {
		t.render()
	}
	return r, nil
}

// Table returns the table named name, or nil.
func (r *Registry) Table(name string) *TableDef { return r.byName[name] }

// Tables returns the tables in declaration order.
func (r *Registry) Tables() []*TableDef { return slices.Clone(r.tables) }

// normalize copies src, checks what can be checked within one table and
// turns column-level constraints into named table constraints.
func normalize(src *TableDef) (*TableDef, []error) {
	n := &normalizer{src: src, t: &TableDef{name: src.name, quoted: quoteIdent(src.name), byCol: make(map[string]int, len(src.columns))}}
	checkName(src.name, "", n.fail)
	if len(src.columns) == 0 {
		n.fail("", ErrNoColumns, "")
	}
	pkCols := n.columns()
	n.constraints(pkCols)
	n.names()
	n.indexes()
	return n.t, n.errs
}

// normalizer builds the normalized copy t of one table src, collecting
// every problem it finds in errs.
type normalizer struct {
	src  *TableDef
	t    *TableDef
	errs []error
}

func (n *normalizer) fail(col string, err error, detail string) {
	n.errs = append(n.errs, &Error{Table: n.src.name, Column: col, Err: err, Detail: detail})
}

// columns copies and checks the columns and turns their constraints into
// table constraints, in declaration order. It returns the columns marked
// PrimaryKey.
func (n *normalizer) columns() (pkCols []string) {
	t := n.t
	for _, sc := range n.src.columns {
		c := &ColumnDef{name: sc.name, quoted: quoteIdent(sc.name), typ: sc.typ, notNull: sc.notNull, def: sc.def, hasDef: sc.hasDef, identity: sc.identity}
		checkName(c.name, c.name, n.fail)
		if _, dup := t.byCol[c.name]; dup && c.name != "" {
			n.fail(c.name, ErrDuplicateColumn, "")
		}
		t.byCol[c.name] = len(t.columns)
		t.columns = append(t.columns, c)
		n.checkColumn(c, sc.defErr)
		if sc.pk {
			pkCols = append(pkCols, c.name)
		}
		if sc.unique {
			t.uniques = append(t.uniques, &constraint{kind: conUnique, columns: []string{c.name}, column: c.name})
		}
		for _, e := range sc.checks {
			t.checks = append(t.checks, &constraint{kind: conCheck, expr: e, column: c.name})
		}
		if ref := sc.ref; ref != nil {
			t.fks = append(t.fks, &constraint{kind: conForeign, columns: []string{c.name}, column: c.name,
				refTable: ref.table, refCols: nonEmpty(ref.column), onDelete: ref.onDelete, onUpdate: ref.onUpdate})
		}
	}
	return pkCols
}

// checkColumn checks a column's type, default and identity.
func (n *normalizer) checkColumn(c *ColumnDef, defErr error) {
	if !c.typ.valid() {
		n.fail(c.name, ErrInvalidType, quote(string(c.typ)))
	}
	if defErr != nil {
		n.fail(c.name, ErrInvalidDefault, defErr.Error())
	}
	if c.identity != noIdentity {
		switch {
		case !c.typ.isInteger():
			n.fail(c.name, ErrInvalidIdentity, "type "+string(c.typ)+" is not smallint, integer or bigint")
		case c.hasDef:
			n.fail(c.name, ErrInvalidIdentity, "an identity column cannot have a default")
		}
	}
	if c.typ.isSerial() && c.hasDef {
		n.fail(c.name, ErrInvalidDefault, "a serial column cannot have a default")
	}
}

// constraints adds the table-level constraints after the column-level
// ones and sets the primary key, from pkCols or the table's own, whose
// columns become NOT NULL.
func (n *normalizer) constraints(pkCols []string) {
	src, t := n.src, n.t
	switch {
	case len(pkCols) > 1 || (len(pkCols) == 1 && src.pk != nil):
		n.fail("", ErrMultiplePrimary, "")
	case len(pkCols) == 1:
		t.pk = &constraint{kind: conPrimary, columns: pkCols, column: pkCols[0]}
	case src.pk != nil:
		t.pk = cloneConstraint(src.pk)
	}
	for _, c := range src.uniques {
		t.uniques = append(t.uniques, cloneConstraint(c))
	}
	for _, c := range src.checks {
		t.checks = append(t.checks, cloneConstraint(c))
	}
	for _, c := range src.fks {
		t.fks = append(t.fks, cloneConstraint(c))
	}
	if t.pk != nil {
		for _, name := range t.pk.columns {
			if c := t.Column(name); c != nil {
				c.notNull = true
			}
		}
	}
}

// names names the constraints that have no name, avoiding the explicit
// names, and checks every constraint.
func (n *normalizer) names() {
	t := n.t
	used := map[string]bool{}
	for c := range t.constraints() {
		if c.name != "" {
			if used[c.name] {
				n.fail(c.column, ErrDuplicateName, quote(c.name))
			}
			used[c.name] = true
		}
	}
	for c := range t.constraints() {
		if c.name == "" {
			c.name = t.defaultName(c, used)
			used[c.name] = true
		}
		n.checkConstraint(c)
	}
}

func (n *normalizer) checkConstraint(c *constraint) {
	checkName(c.name, c.column, n.fail)
	if len(c.columns) == 0 && c.kind != conCheck {
		n.fail(c.column, ErrNoColumns, c.kind.String()+" "+quote(c.name))
	}
	n.t.checkColumns(c.columns, c.column, n.fail)
	switch c.kind {
	case conCheck:
		if strings.TrimSpace(c.expr) == "" {
			n.fail(c.column, ErrEmptyExpression, "check "+quote(c.name))
		}
	case conForeign:
		if !c.onDelete.valid() {
			n.fail(c.column, ErrInvalidAction, quote(string(c.onDelete)))
		}
		if !c.onUpdate.valid() {
			n.fail(c.column, ErrInvalidAction, quote(string(c.onUpdate)))
		}
		if c.refTable == "" {
			n.fail(c.column, ErrUnknownTable, "foreign key "+quote(c.name)+" references no table")
		}
	}
}

// indexes copies, names and checks the indexes.
func (n *normalizer) indexes() {
	t := n.t
	for _, sx := range n.src.indexes {
		x := *sx
		x.columns = slices.Clone(sx.columns)
		if x.name == "" {
			x.name = t.name + "_" + strings.Join(x.columns, "_") + "_idx"
		}
		checkName(x.name, "", n.fail)
		if len(x.columns) == 0 {
			n.fail("", ErrNoColumns, "index "+quote(x.name))
		}
		t.checkColumns(x.columns, "", n.fail)
		if !x.method.valid() {
			n.fail("", ErrInvalidMethod, quote(string(x.method)))
		}
		t.indexes = append(t.indexes, &x)
	}
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func cloneConstraint(c *constraint) *constraint {
	d := *c
	d.columns = slices.Clone(c.columns)
	d.refCols = slices.Clone(c.refCols)
	return &d
}

// defaultName is the name PostgreSQL would give c: <table>_pkey,
// <table>_<cols>_key, <table>_<col>_check (<table>_check for a table-level
// check), <table>_<cols>_fkey; a number is appended while the name is taken.
func (t *TableDef) defaultName(c *constraint, used map[string]bool) string {
	var base string
	switch c.kind {
	case conPrimary:
		base = t.name + "_pkey"
	case conUnique:
		base = t.name + "_" + strings.Join(c.columns, "_") + "_key"
	case conCheck:
		if c.column != "" {
			base = t.name + "_" + c.column + "_check"
		} else {
			base = t.name + "_check"
		}
	case conForeign:
		base = t.name + "_" + strings.Join(c.columns, "_") + "_fkey"
	}
	name := base
	for i := 1; used[name]; i++ {
		name = base + strconv.Itoa(i)
	}
	return name
}

func checkName(name, col string, fail func(string, error, string)) {
	switch {
	case name == "":
		fail(col, ErrEmptyName, "")
	case len(name) > maxIdent:
		fail(col, ErrNameTooLong, quote(name)+" (name it explicitly)")
	case strings.IndexByte(name, 0) >= 0:
		fail(col, ErrEmptyName, "name contains a NUL byte")
	}
}

func (t *TableDef) checkColumns(cols []string, col string, fail func(string, error, string)) {
	seen := map[string]bool{}
	for _, n := range cols {
		if t.Column(n) == nil {
			if col == "" {
				col = n
			}
			fail(col, ErrUnknownColumn, quote(n))
		}
		if seen[n] {
			fail(n, ErrDuplicateColumn, "listed twice in a constraint or index")
		}
		seen[n] = true
	}
}

// validateReferences checks every foreign key against its target table.
func (r *Registry) validateReferences() []error {
	var errs []error
	for _, t := range r.tables {
		for _, c := range t.fks {
			if c.refTable == "" {
				continue
			}
			col := c.column
			if col == "" && len(c.columns) > 0 {
				col = c.columns[0]
			}
			fail := func(err error, detail string) {
				errs = append(errs, &Error{Table: t.name, Column: col, Err: err, Detail: detail})
			}
			target := r.byName[c.refTable]
			if target == nil {
				fail(ErrUnknownTable, "foreign key "+quote(c.name)+" references "+quote(c.refTable))
				continue
			}
			if len(c.refCols) == 0 {
				if target.pk == nil {
					fail(ErrNoPrimaryKey, "foreign key "+quote(c.name)+" references "+quote(c.refTable)+" without columns")
					continue
				}
				c.refCols = slices.Clone(target.pk.columns)
			}
			bad := false
			for _, n := range c.refCols {
				if target.Column(n) == nil {
					fail(ErrUnknownColumn, "foreign key "+quote(c.name)+" references "+quote(c.refTable)+"."+quote(n))
					bad = true
				}
			}
			if bad {
				continue
			}
			if len(c.columns) != len(c.refCols) {
				fail(ErrColumnCount, "foreign key "+quote(c.name)+": "+quoteIdentList(c.columns)+" references "+quote(c.refTable)+" "+quoteIdentList(c.refCols))
				continue
			}
			for i, n := range c.columns {
				from, to := t.Column(n), target.Column(c.refCols[i])
				if from == nil {
					continue // reported by normalize
				}
				if from.typ.Base() != to.typ.Base() {
					errs = append(errs, &Error{Table: t.name, Column: n, Err: ErrTypeMismatch,
						Detail: string(from.typ) + " references " + quote(c.refTable) + "." + quote(to.name) + " " + string(to.typ)})
				}
			}
			if !target.isUniqueKey(c.refCols) {
				fail(ErrNotUnique, "foreign key "+quote(c.name)+" references "+quote(c.refTable)+" "+quoteIdentList(c.refCols))
			}
		}
	}
	return errs
}

// isUniqueKey reports whether cols (in any order) are exactly the columns of
// the primary key, a unique constraint or a non-partial unique index.
func (t *TableDef) isUniqueKey(cols []string) bool {
	same := func(a []string) bool {
		if len(a) != len(cols) {
			return false
		}
		for _, n := range cols {
			if !slices.Contains(a, n) {
				return false
			}
		}
		return true
	}
	if t.pk != nil && same(t.pk.columns) {
		return true
	}
	for _, u := range t.uniques {
		if same(u.columns) {
			return true
		}
	}
	for _, x := range t.indexes {
		if x.unique && x.where == "" && same(x.columns) {
			return true
		}
	}
	return false
}

// validateNames checks that tables, indexes and the indexes behind primary
// key and unique constraints, which share one namespace in a schema, have
// distinct names.
func (r *Registry) validateNames() []error {
	var errs []error
	owner := map[string]string{}
	for _, t := range r.tables {
		owner[t.name] = "the name of table " + quote(t.name)
	}
	add := func(t *TableDef, name string) {
		if o, dup := owner[name]; dup {
			errs = append(errs, &Error{Table: t.name, Err: ErrDuplicateName, Detail: quote(name) + " is also " + o})
			return
		}
		owner[name] = "an index of table " + quote(t.name)
	}
	for _, t := range r.tables {
		if t.pk != nil {
			add(t, t.pk.name)
		}
		for _, u := range t.uniques {
			add(t, u.name)
		}
		for _, x := range t.indexes {
			add(t, x.name)
		}
	}
	return errs
}

// sort returns the tables in creation order: depth-first along foreign
// keys, starting from each table in declaration order, so that an acyclic
// registry declared in dependency order keeps its order. A foreign key to a
// table still being visited closes a cycle and is marked deferred.
func (r *Registry) sort() []*TableDef {
	const (
		unvisited = iota
		visiting
		done
	)
	state := make(map[*TableDef]int, len(r.tables))
	order := make([]*TableDef, 0, len(r.tables))
	var visit func(t *TableDef)
	visit = func(t *TableDef) {
		state[t] = visiting
		for _, c := range t.fks {
			target := r.byName[c.refTable]
			switch {
			case target == t:
			case state[target] == visiting:
				c.deferred = true
			case state[target] == unvisited:
				visit(target)
			}
		}
		state[t] = done
		order = append(order, t)
	}
	for _, t := range r.tables {
		if state[t] == unvisited {
			visit(t)
		}
	}
	return order
}
