package migratelint

import (
	"slices"
	"strings"
)

// cursor walks the tokens of a statement.
type cursor struct {
	toks []token
	i    int
}

func (c *cursor) done() bool { return c.i >= len(c.toks) }

func (c *cursor) peek() token {
	if c.done() {
		return token{kind: tokOp}
	}
	return c.toks[c.i]
}

func (c *cursor) line() int {
	if c.done() {
		if len(c.toks) > 0 {
			return c.toks[len(c.toks)-1].line
		}
		return 0
	}
	return c.toks[c.i].line
}

// accept consumes the keywords words if the next tokens are exactly them.
func (c *cursor) accept(words ...string) bool {
	if c.i+len(words) > len(c.toks) {
		return false
	}
	for j, w := range words {
		if !c.toks[c.i+j].is(w) {
			return false
		}
	}
	c.i += len(words)
	return true
}

// name consumes a possibly schema-qualified name and returns its last part.
func (c *cursor) name() (string, bool) {
	n, ok := c.peek().name()
	if !ok {
		return "", false
	}
	c.i++
	for c.peek().op(".") && c.i+1 < len(c.toks) {
		next, ok := c.toks[c.i+1].name()
		if !ok {
			break
		}
		n = next
		c.i += 2
	}
	return n, true
}

// split returns the tokens of the parenthesised list that starts at the
// cursor, cut at its top-level commas, and moves past it.
func (c *cursor) split() [][]token {
	if !c.peek().op("(") {
		return nil
	}
	c.i++
	return c.list(true)
}

// rest returns the remaining tokens cut at top-level commas.
func (c *cursor) rest() [][]token { return c.list(false) }

// list cuts the tokens from the cursor at top-level commas, up to the end
// or, when closed, past the parenthesis that closes the list.
func (c *cursor) list(closed bool) [][]token {
	var out [][]token
	var cur []token
	depth := 0
	for ; !c.done(); c.i++ {
		t := c.toks[c.i]
		switch {
		case t.op("(") || t.op("["):
			depth++
		case (t.op(")") || t.op("]")) && depth > 0:
			depth--
		case t.op(")") && closed:
			c.i++
			return append(out, cur)
		case t.op(",") && depth == 0:
			out = append(out, cur)
			cur = nil
			continue
		}
		cur = append(cur, t)
	}
	if len(cur) > 0 || closed {
		out = append(out, cur)
	}
	return out
}

// statement checks one statement of an Up section and records what it
// does to the schema.
func (l *linter) statement(s statement) {
	c := &cursor{toks: s.toks}
	l.concurrently(s)
	switch {
	case c.accept("create"):
		c.accept("or", "replace")
		for c.accept("global") || c.accept("local") || c.accept("temporary") || c.accept("temp") || c.accept("unlogged") {
		}
		switch {
		case c.accept("table"):
			l.createTable(c)
		case c.accept("unique", "index") || c.accept("index"):
			l.createIndex(s, c)
		}
	case c.accept("drop", "table"):
		l.dropTable(s, c)
	case c.accept("drop", "index"):
		l.dropIndex(s, c)
	case c.accept("alter", "table"):
		l.alterTable(s, c)
	}
}

// concurrently flags a CONCURRENTLY operation in a transactional file.
func (l *linter) concurrently(s statement) {
	if l.cur.noTx {
		return
	}
	for i, t := range s.toks {
		if t.is("concurrently") && i > 0 && slices.ContainsFunc([]string{"index", "view", "table", "schema", "database", "system"}, s.toks[i-1].is) {
			l.report(s, t.line, RuleConcurrentlyInTransaction,
				"%s CONCURRENTLY cannot run in a transaction: put it in a file marked -- +goose NO TRANSACTION", strings.ToUpper(s.toks[0].text))
			return
		}
	}
}

func (l *linter) createTable(c *cursor) {
	c.accept("if", "not", "exists")
	name, ok := c.name()
	if !ok {
		return
	}
	t := &table{file: l.cur.name, columns: map[string]string{}, checks: map[string]*check{}}
	l.tables[name] = t
	for _, el := range c.split() {
		e := &cursor{toks: el}
		if isConstraintStart(e.peek()) {
			if n, ch := parseCheck(e); ch != nil {
				ch.validated = true
				t.checks[n] = ch
			}
			continue
		}
		if e.peek().is("like") {
			continue
		}
		col, ok := e.name()
		if !ok {
			continue
		}
		t.columns[col] = normalizeType(typeTokens(e))
	}
}

func (l *linter) createIndex(s statement, c *cursor) {
	line := c.line()
	concurrent := c.accept("concurrently")
	c.accept("if", "not", "exists")
	name := ""
	if !c.peek().is("on") {
		name, _ = c.name()
	}
	if !c.accept("on") {
		return
	}
	c.accept("only")
	tname, ok := c.name()
	if !ok {
		return
	}
	if name != "" {
		l.indexes[name] = tname
	}
	if !concurrent && l.existing(tname) {
		l.report(s, line, RuleConcurrentIndexCreation,
			"CREATE INDEX on existing table %s blocks its writes during the build: use CREATE INDEX CONCURRENTLY in a -- +goose NO TRANSACTION file", tname)
	}
}

func (l *linter) dropIndex(s statement, c *cursor) {
	line := c.line()
	concurrent := c.accept("concurrently")
	c.accept("if", "exists")
	for _, el := range c.rest() {
		e := &cursor{toks: el}
		name, ok := e.name()
		if !ok {
			continue
		}
		tname, known := l.indexes[name]
		delete(l.indexes, name)
		if concurrent || known && !l.existing(tname) {
			continue
		}
		l.report(s, line, RuleConcurrentIndexDeletion,
			"DROP INDEX %s locks its table while it waits for running queries: use DROP INDEX CONCURRENTLY in a -- +goose NO TRANSACTION file", name)
	}
}

func (l *linter) dropTable(s statement, c *cursor) {
	line := c.line()
	c.accept("if", "exists")
	for _, el := range c.rest() {
		e := &cursor{toks: el}
		name, ok := e.name()
		if !ok {
			continue
		}
		if l.existing(name) {
			l.report(s, line, RuleDropTable, "DROP TABLE %s loses its rows, and the running service may still use it", name)
		}
		delete(l.tables, name)
	}
}

// isConstraintStart reports whether t starts a table constraint.
func isConstraintStart(t token) bool {
	for _, w := range []string{"constraint", "primary", "unique", "check", "foreign", "exclude"} {
		if t.is(w) {
			return true
		}
	}
	return false
}

// columnConstraintWords end a column's type in a column definition.
var columnConstraintWords = []string{"constraint", "not", "null", "default", "primary", "unique", "check",
	"references", "generated", "collate", "using", "storage", "compression"}

// typeTokens consumes a column type: the tokens up to the first column
// constraint keyword at the top level.
func typeTokens(c *cursor) []token {
	var out []token
	depth := 0
	for ; !c.done(); c.i++ {
		t := c.toks[c.i]
		switch {
		case t.op("(") || t.op("["):
			depth++
		case t.op(")") || t.op("]"):
			depth--
		case depth == 0 && t.kind == tokIdent && slices.Contains(columnConstraintWords, t.text):
			return out
		}
		out = append(out, t)
	}
	return out
}

// parseCheck reads a table constraint; for CHECK (column IS NOT NULL) it
// returns the constraint's name and a check naming the column.
func parseCheck(c *cursor) (string, *check) {
	name := ""
	if c.accept("constraint") {
		name, _ = c.name()
	}
	if !c.accept("check") {
		return name, nil
	}
	inner := c.split()
	if len(inner) != 1 {
		return name, nil
	}
	toks := inner[0]
	for len(toks) >= 2 && toks[0].op("(") && toks[len(toks)-1].op(")") {
		toks = toks[1 : len(toks)-1]
	}
	if len(toks) != 4 || !toks[1].is("is") || !toks[2].is("not") || !toks[3].is("null") {
		return name, &check{}
	}
	col, ok := toks[0].name()
	if !ok {
		return name, &check{}
	}
	return name, &check{column: col}
}
