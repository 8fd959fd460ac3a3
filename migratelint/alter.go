package migratelint

import (
	"slices"
)

// volatileFunctions are the common functions whose value differs per row:
// a column default calling one makes ADD COLUMN rewrite the table. now()
// and the other stable functions are evaluated once and do not.
var volatileFunctions = []string{"random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc",
	"uuid_generate_v4", "uuidv4", "uuidv7", "clock_timestamp", "timeofday", "nextval", "txid_current", "random_normal"}

func (l *linter) alterTable(s statement, c *cursor) {
	c.accept("if", "exists")
	c.accept("only")
	tname, ok := c.name()
	if !ok {
		return
	}
	c.accept("*")
	if c.accept("rename") {
		l.rename(s, c, tname)
		return
	}
	existing := l.existing(tname)
	t := l.table(tname)
	for _, action := range c.rest() {
		a := &cursor{toks: action}
		line := a.line()
		switch {
		case a.accept("add"):
			if isConstraintStart(a.peek()) {
				l.addConstraint(s, a, line, tname, t, existing)
				continue
			}
			a.accept("column")
			a.accept("if", "not", "exists")
			l.addColumn(s, a, line, tname, t, existing)
		case a.accept("drop"):
			if a.accept("constraint") {
				a.accept("if", "exists")
				if n, ok := a.name(); ok {
					delete(t.checks, n)
				}
				continue
			}
			a.accept("column")
			a.accept("if", "exists")
			col, ok := a.name()
			if !ok {
				continue
			}
			if existing {
				l.report(s, line, RuleDropColumn, "DROP COLUMN %s.%s loses its data, and the running service may still use it", tname, col)
			}
			delete(t.columns, col)
		case a.accept("alter"):
			a.accept("column")
			col, ok := a.name()
			if !ok {
				continue
			}
			l.alterColumn(s, a, line, tname, col, t, existing)
		case a.accept("validate", "constraint"):
			n, ok := a.name()
			if !ok {
				continue
			}
			ch := t.checks[n]
			if ch != nil && ch.addedIn == l.cur.name && !l.cur.noTx {
				l.report(s, line, RuleConstraintNotValid,
					"VALIDATE CONSTRAINT %s in the transaction that added it holds the ADD's lock during the scan: validate it after that has committed (a later migration or a NO TRANSACTION file)", n)
			}
			if ch != nil {
				ch.validated = true
			}
		}
	}
}

func (l *linter) addColumn(s statement, a *cursor, line int, tname string, t *table, existing bool) {
	col, ok := a.name()
	if !ok {
		return
	}
	typ := normalizeType(typeTokens(a))
	t.columns[col] = typ
	if !existing {
		return
	}
	var notNull, hasDefault, volatile, generated, inlineCheck, inlineKey bool
	for i := a.i; i < len(a.toks); i++ {
		tk := a.toks[i]
		switch {
		case tk.is("not") && i+1 < len(a.toks) && a.toks[i+1].is("null"):
			notNull = true
		case tk.is("default"):
			hasDefault = true
		case tk.kind == tokIdent && slices.Contains(volatileFunctions, tk.text) && i+1 < len(a.toks) && a.toks[i+1].op("("):
			volatile = true
		case tk.is("generated"):
			generated = true
		case tk.is("check") || tk.is("references"):
			inlineCheck = true
		case tk.is("unique") || tk.is("primary"):
			inlineKey = true
		}
	}
	serial := typ == "serial" || typ == "bigserial" || typ == "smallserial" || typ == "serial4" || typ == "serial8" || typ == "serial2"
	switch {
	case volatile || generated || serial:
		l.report(s, line, RuleAddingVolatileDefault,
			"ADD COLUMN %s.%s fills every existing row with its own value, which rewrites the table under an ACCESS EXCLUSIVE lock: add it without that default and backfill", tname, col)
	case notNull && !hasDefault:
		l.report(s, line, RuleAddingRequiredField,
			"ADD COLUMN %s.%s is NOT NULL without a DEFAULT: it fails once the table has rows; add it nullable (or with a constant default), backfill, then SET NOT NULL through a validated CHECK", tname, col)
	}
	if inlineCheck {
		l.report(s, line, RuleConstraintNotValid,
			"ADD COLUMN %s.%s with CHECK or REFERENCES validates it over the table under the ADD's lock: add the constraint NOT VALID afterwards and VALIDATE it later", tname, col)
	}
	if inlineKey {
		l.report(s, line, RuleUniqueConstraint,
			"ADD COLUMN %s.%s with UNIQUE or PRIMARY KEY builds the index under an ACCESS EXCLUSIVE lock: build it CONCURRENTLY and ADD CONSTRAINT ... USING INDEX", tname, col)
	}
}

func (l *linter) addConstraint(s statement, a *cursor, line int, tname string, t *table, existing bool) {
	start := a.i
	name := ""
	if a.accept("constraint") {
		name, _ = a.name()
	}
	kind := a.peek().text
	notValid := len(a.toks) >= 2 && a.toks[len(a.toks)-2].is("not") && a.toks[len(a.toks)-1].is("valid")
	usingIndex := false
	for i := a.i; i+1 < len(a.toks); i++ {
		if a.toks[i].is("using") && a.toks[i+1].is("index") {
			usingIndex = true
		}
	}
	if kind == "check" || kind == "foreign" {
		ch := &check{}
		if kind == "check" {
			a.i = start
			if _, c := parseCheck(a); c != nil {
				ch = c
			}
		}
		ch.validated = !notValid
		if notValid {
			ch.addedIn = l.cur.name
		}
		t.checks[name] = ch
	}
	if !existing {
		return
	}
	switch kind {
	case "check", "foreign":
		if !notValid {
			what := "CHECK"
			if kind == "foreign" {
				what = "FOREIGN KEY"
			}
			l.report(s, line, RuleConstraintNotValid,
				"ADD %s on existing table %s scans it while blocking writes: add it NOT VALID, then VALIDATE CONSTRAINT after that has committed", what, tname)
		}
	case "unique", "primary", "exclude":
		if !usingIndex {
			l.report(s, line, RuleUniqueConstraint,
				"ADD %s on existing table %s builds its index under an ACCESS EXCLUSIVE lock: CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... USING INDEX", upper(kind), tname)
		}
	}
}

func (l *linter) alterColumn(s statement, a *cursor, line int, tname, col string, t *table, existing bool) {
	switch {
	case a.accept("type") || a.accept("set", "data", "type"):
		to := normalizeType(typeTokens(a))
		from, known := t.columns[col]
		t.columns[col] = to
		if existing && !(known && noRewrite(from, to)) {
			if known {
				l.report(s, line, RuleChangingColumnType,
					"ALTER COLUMN %s.%s TYPE %s (from %s) rewrites the table under an ACCESS EXCLUSIVE lock", tname, col, to, from)
			} else {
				l.report(s, line, RuleChangingColumnType,
					"ALTER COLUMN %s.%s TYPE %s may rewrite the table under an ACCESS EXCLUSIVE lock (its old type is not known from the migrations)", tname, col, to)
			}
		}
	case a.accept("set", "not", "null"):
		if !existing {
			return
		}
		for _, ch := range t.checks {
			if ch.column == col && ch.validated {
				return
			}
		}
		l.report(s, line, RuleSetNotNull,
			"SET NOT NULL on %s.%s scans the table under an ACCESS EXCLUSIVE lock: first add CHECK (%s IS NOT NULL) NOT VALID and validate it in an earlier transaction", tname, col, col)
	}
}

// rename handles ALTER TABLE ... RENAME: of the table, a column or a
// constraint.
func (l *linter) rename(s statement, c *cursor, tname string) {
	line := c.line()
	switch {
	case c.accept("to"):
		to, ok := c.name()
		if !ok {
			return
		}
		if q, ok := l.uses(tname, ""); ok {
			l.report(s, line, RuleRenamingTable, "RENAME %s TO %s while the queries still use %s (%s)", tname, to, tname, q)
		}
		if t := l.tables[tname]; t != nil {
			delete(l.tables, tname)
			l.tables[to] = t
		}
	case c.accept("constraint"):
		from, ok1 := c.name()
		c.accept("to")
		to, ok2 := c.name()
		if t := l.tables[tname]; ok1 && ok2 && t != nil && t.checks[from] != nil {
			t.checks[to] = t.checks[from]
			delete(t.checks, from)
		}
	default:
		c.accept("column")
		from, ok1 := c.name()
		c.accept("to")
		to, ok2 := c.name()
		if !ok1 || !ok2 {
			return
		}
		if q, ok := l.uses(tname, from); ok {
			l.report(s, line, RuleRenamingColumn, "RENAME COLUMN %s.%s TO %s while the queries still use %s (%s)", tname, from, to, from, q)
		}
		if t := l.tables[tname]; t != nil {
			if typ, ok := t.columns[from]; ok {
				delete(t.columns, from)
				t.columns[to] = typ
			}
			for _, ch := range t.checks {
				if ch.column == from {
					ch.column = to
				}
			}
		}
	}
}

func upper(s string) string {
	switch s {
	case "primary":
		return "PRIMARY KEY"
	case "unique":
		return "UNIQUE"
	}
	return "EXCLUDE"
}
