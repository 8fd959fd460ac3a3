package migratelint

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// ErrNotMigration is returned for a file with no -- +goose Up section.
var ErrNotMigration = errors.New("not a goose SQL migration: no -- +goose Up")

// ErrFindings is what a command returns, wrapped with the count, when Lint
// found problems.
var ErrFindings = errors.New("lint findings")

// Finding is one problem: where, which rule, and what is wrong.
type Finding struct {
	File    string
	Line    int
	Rule    string
	Message string
}

// String is "file:line rule: message".
func (f Finding) String() string {
	return f.File + ":" + strconv.Itoa(f.Line) + " " + f.Rule + ": " + f.Message
}

// Config says what to lint and with what.
type Config struct {
	// Dir prefixes the file names in findings ("schema" gives
	// "schema/00002_x.sql"); empty leaves them bare.
	Dir string
	// Only, when set, reports findings of these files (names at the root
	// of the migrations) only; the others are still read, in order, so that
	// the linter knows which tables exist.
	Only []string
	// Queries holds the sqlc query files (*.sql, at any depth), for the
	// renaming rules; nil checks no rename against queries. QueriesDir
	// prefixes their names in messages.
	Queries    fs.FS
	QueriesDir string
}

// Lint reads the goose migrations at the root of migrations in version
// order and returns the findings of their Up sections, in file and line
// order. It knows a table created by an earlier file exists (and so may
// have rows and traffic), while one created in the same file does not; a
// table no file creates is taken to exist.
func Lint(migrations fs.FS, cfg Config) ([]Finding, error) {
	names, err := migrationFiles(migrations)
	if err != nil {
		return nil, err
	}
	l := &linter{tables: map[string]*table{}, indexes: map[string]string{}}
	if cfg.Queries != nil {
		if l.queries, err = loadQueries(cfg.Queries, cfg.QueriesDir); err != nil {
			return nil, err
		}
	}
	var out []Finding
	for _, n := range names {
		src, err := fs.ReadFile(migrations, n)
		if err != nil {
			return nil, err
		}
		display := n
		if cfg.Dir != "" {
			display = path.Join(cfg.Dir, n)
		}
		f, ok := parseFile(display, string(src))
		if !ok {
			return nil, fmt.Errorf("%s: %w", display, ErrNotMigration)
		}
		l.findings = nil
		l.file(f)
		if len(cfg.Only) == 0 || slices.Contains(cfg.Only, n) {
			out = append(out, l.findings...)
		}
	}
	return out, nil
}

// migrationFiles lists the NNNNN_*.sql files at the root of fsys by
// version, as goose orders them.
func migrationFiles(fsys fs.FS) ([]string, error) {
	all, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	type versioned struct {
		v    int64
		name string
	}
	var files []versioned
	for _, n := range all {
		digits, _, ok := strings.Cut(n, "_")
		v, err := strconv.ParseInt(digits, 10, 64)
		if !ok || err != nil {
			continue
		}
		files = append(files, versioned{v, n})
	}
	slices.SortFunc(files, func(a, b versioned) int {
		if a.v != b.v {
			return int(a.v - b.v)
		}
		return strings.Compare(a.name, b.name)
	})
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.name
	}
	return names, nil
}

// table is what the linter knows of a table.
type table struct {
	file    string            // the file that created it
	columns map[string]string // column → type, as normalizeType writes it
	checks  map[string]*check // CHECK and FOREIGN KEY constraints by name
}

// check is a CHECK or FOREIGN KEY constraint; column is set for CHECK
// (column IS NOT NULL).
type check struct {
	column    string
	validated bool
	addedIn   string // the file that added it NOT VALID
}

// linter carries the schema the files have built so far.
type linter struct {
	tables   map[string]*table
	indexes  map[string]string // index → table
	queries  []query
	cur      *file
	findings []Finding
}

func (l *linter) file(f *file) {
	l.cur = f
	l.findings = append(l.findings, f.bad...)
	for _, s := range f.up {
		l.statement(s)
	}
	slices.SortStableFunc(l.findings, func(a, b Finding) int { return a.Line - b.Line })
}

// report records a finding unless the statement silences its rule.
func (l *linter) report(s statement, line int, rule, format string, args ...any) {
	if s.ignores[rule] {
		return
	}
	l.findings = append(l.findings, Finding{File: l.cur.name, Line: line, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

// existing reports whether table t existed before the current file: it was
// created by an earlier one, or by none the linter has seen.
func (l *linter) existing(t string) bool {
	tb := l.tables[t]
	return tb == nil || tb.file != l.cur.name
}

func (l *linter) table(name string) *table {
	t := l.tables[name]
	if t == nil {
		t = &table{columns: map[string]string{}, checks: map[string]*check{}}
		l.tables[name] = t
	}
	return t
}
