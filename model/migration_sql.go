package model

import (
	"cmp"
	"io"
	"slices"
	"strings"
)

// String renders the file as goose reads it: the Up section, then the Down
// section, each statement ending with a semicolon. A statement that has a
// line ending in a semicolon before its end is wrapped in StatementBegin and
// StatementEnd, so that goose does not split it there.
func (f *MigrationFile) String() string {
	var b strings.Builder
	if f.NoTransaction {
		b.WriteString("-- +goose NO TRANSACTION\n")
		b.WriteString("-- Runs outside a transaction, one statement at a time, after the previous\n")
		b.WriteString("-- migration has committed. Its statements can run again: if it fails, fix\n")
		b.WriteString("-- the cause, drop any index a failed CREATE INDEX CONCURRENTLY left INVALID,\n")
		b.WriteString("-- and migrate again.\n")
	}
	b.WriteString("-- +goose Up\n")
	writeSteps(&b, f.up, false)
	b.WriteString("\n-- +goose Down\n")
	writeSteps(&b, f.down, true)
	return b.String()
}

// WriteTo writes the file as String renders it.
func (f *MigrationFile) WriteTo(w io.Writer) (int64, error) {
	n, err := io.WriteString(w, f.String())
	return int64(n), err
}

// writeSteps writes the statements of steps with their comments. In the Up
// section a blank line separates the steps; in the Down section only a
// commented step is set apart.
func writeSteps(b *strings.Builder, steps []*step, down bool) {
	first := true
	for _, s := range steps {
		stmts, comment := s.up, s.comment
		if down {
			stmts, comment = s.down, s.downComment
		}
		if len(stmts) == 0 {
			continue
		}
		if !first && (!down || len(comment) > 0) {
			b.WriteByte('\n')
		}
		first = false
		for _, c := range comment {
			b.WriteString("-- ")
			b.WriteString(c)
			b.WriteByte('\n')
		}
		for _, stmt := range stmts {
			split := strings.Contains(strings.TrimRight(stmt, " \t\n"), ";\n") || strings.Contains(stmt, ";\r\n")
			if split {
				b.WriteString("-- +goose StatementBegin\n")
			}
			b.WriteString(stmt)
			b.WriteString(";\n")
			if split {
				b.WriteString("-- +goose StatementEnd\n")
			}
		}
		if down && len(comment) > 0 {
			b.WriteByte('\n')
			first = true
		}
	}
}

func statements(steps []*step, down bool) []string {
	var out []string
	for _, s := range steps {
		if down {
			out = append(out, s.down...)
		} else {
			out = append(out, s.up...)
		}
	}
	return out
}

// liveColumnSpec renders a column of the database for ADD COLUMN or CREATE
// TABLE: a column that owns the sequence of its default is written as a
// serial type, which creates that sequence again.
func liveColumnSpec(c columnSnap) string {
	if c.serial {
		switch c.typ {
		case "smallint":
			return "smallserial"
		case "integer":
			return "serial"
		case "bigint":
			return "bigserial"
		}
	}
	return describeColumn(c)
}

// liveCreateTable renders the CREATE TABLE statement of a table of the
// database, with its constraints but without the foreign keys in skip.
func liveCreateTable(name string, t *tableSnap, skip []string) string {
	width := 0
	for _, n := range t.colNames {
		width = max(width, quotedLen(n))
	}
	var b strings.Builder
	b.WriteString("CREATE TABLE " + quoteIdent(name) + " (\n")
	for i, n := range t.colNames {
		if i > 0 {
			b.WriteString(",\n")
		}
		q := quoteIdent(n)
		b.WriteString("    " + q + spaces[:width-len(q)+1] + liveColumnSpec(t.columns[n]))
	}
	names := slices.Clone(t.conNames)
	slices.SortStableFunc(names, func(a, b string) int { return cmp.Compare(t.constraints[a].kind, t.constraints[b].kind) })
	for _, n := range names {
		if !slices.Contains(skip, n) {
			b.WriteString(",\n    CONSTRAINT " + quoteIdent(n) + " " + t.constraints[n].def)
		}
	}
	b.WriteString("\n)")
	return b.String()
}

// liveIndexSQL renders the CREATE INDEX statement of an index of the
// database.
func liveIndexSQL(table, name string, x indexSnap, concurrently bool) string {
	var b strings.Builder
	b.WriteString("CREATE ")
	if x.unique {
		b.WriteString("UNIQUE ")
	}
	b.WriteString("INDEX ")
	if concurrently {
		b.WriteString("CONCURRENTLY IF NOT EXISTS ")
	}
	b.WriteString(quoteIdent(name) + " ON " + quoteIdent(table))
	if x.method != "btree" {
		b.WriteString(" USING " + x.method)
	}
	b.WriteString(" (" + x.keys + ")")
	if x.pred != "" {
		b.WriteString(" WHERE (" + x.pred + ")")
	}
	return b.String()
}

// widens reports whether a column of type from (as the server names it)
// keeps every value when it becomes type to: a wider integer, real to
// double precision, a longer or unbounded character varying, text, a
// numeric with at least as many digits on both sides of the point, a date
// to a timestamp; arrays element-wise.
func widens(from, to string) bool {
	fa, ta := strings.HasSuffix(from, "[]"), strings.HasSuffix(to, "[]")
	if fa != ta {
		return false
	}
	from, to = strings.TrimSuffix(from, "[]"), strings.TrimSuffix(to, "[]")
	if from == to || to == "text" || to == "character varying" {
		return true
	}
	rank := map[string]int{"smallint": 1, "integer": 2, "bigint": 3}
	if rank[from] > 0 && rank[to] > 0 {
		return rank[from] < rank[to]
	}
	if rank[from] > 0 && to == "numeric" {
		return true
	}
	switch {
	case from == "real" && to == "double precision":
		return true
	case from == "date" && (to == "timestamp without time zone" || to == "timestamp with time zone"):
		return true
	}
	args := func(typ, name string, n int) []int {
		s, ok := strings.CutPrefix(typ, name+"(")
		if !ok {
			return nil
		}
		v, _ := intArgs(s, n)
		return v
	}
	if n, m := args(from, "character varying", 1), args(to, "character varying", 1); n != nil && m != nil {
		return m[0] >= n[0]
	}
	if n := args(from, "numeric", 2); n != nil {
		if to == "numeric" {
			return true
		}
		if m := args(to, "numeric", 2); m != nil {
			return m[1] >= n[1] && m[0]-m[1] >= n[0]-n[1]
		}
	}
	return false
}
