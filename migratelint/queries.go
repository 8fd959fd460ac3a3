package migratelint

import (
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// query is one statement of the sqlc query files: where it is and the
// names it uses.
type query struct {
	where string // "queries/books.sql:12 GetBook"
	names map[string]bool
}

// loadQueries reads every *.sql file under fsys and splits it into
// statements.
func loadQueries(fsys fs.FS, dir string) ([]query, error) {
	var out []query
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".sql") {
			return err
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		out = append(out, splitQueries(path.Join(dir, p), string(src))...)
		return nil
	})
	return out, err
}

// splitQueries cuts a query file at its semicolons and records the names
// each statement uses, leaving out sqlc's parameters (@name,
// sqlc.arg(name), sqlc.narg(name), sqlc.slice(name)).
func splitQueries(name, src string) []query {
	var out []query
	cur := query{names: map[string]bool{}}
	label, start := "", 0
	toks := lex(src, 1)
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.kind == tokComment:
			if n, ok := strings.CutPrefix(t.text, "name:"); ok {
				if f := strings.Fields(n); len(f) > 0 {
					label, start = f[0], t.line
				}
			}
		case t.op(";"):
			if len(cur.names) > 0 {
				cur.where = name + ":" + strconv.Itoa(start) + " " + label
				out = append(out, cur)
			}
			cur, label, start = query{names: map[string]bool{}}, "", 0
		case t.op("@") && i+1 < len(toks):
			i++ // a named parameter
		case t.is("sqlc") && i+4 < len(toks) && toks[i+1].op(".") && toks[i+3].op("("):
			i += 4 // sqlc.arg(name) and friends: the argument is not a column
		default:
			if start == 0 {
				start = t.line
			}
			if n, ok := t.name(); ok {
				cur.names[n] = true
			}
		}
	}
	if len(cur.names) > 0 {
		cur.where = name + ":" + strconv.Itoa(start) + " " + label
		out = append(out, cur)
	}
	return out
}

// uses returns the first query that names table and, when column is set,
// column too.
func (l *linter) uses(table, column string) (string, bool) {
	for _, q := range l.queries {
		if q.names[table] && (column == "" || q.names[column]) {
			return strings.TrimSpace(q.where), true
		}
	}
	return "", false
}
