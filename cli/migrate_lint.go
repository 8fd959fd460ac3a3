package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/aquila-go/aquila/migratelint"
)

// migrateLint checks the migrations of -dir for statements that lock busy
// tables, fail on tables with rows or lose data (package migratelint), and
// fails when it finds any. Files named on the command line are the ones
// reported; all are read, in order, to know which tables exist.
func migrateLint(_ context.Context, m *migrateRun, args []string) error {
	fset := m.newFlagSet("migrate lint", "migrate lint [-dir DIR] [-queries DIR] [-rules] [FILE...]")
	dir := m.dirFlag(fset)
	queries := m.queriesFlag(fset)
	list := fset.Bool("rules", false, "print the rules with why they matter and what to write instead")
	fset.fromEnv("rules", "MIGRATE_LINT_RULES")
	if err := fset.parse(args); err != nil {
		return err
	}
	if *list {
		for _, r := range migratelint.Rules() {
			fmt.Fprintf(m.stdout, "%s\n  %s\n  Why: %s\n  Instead: %s\n\n", r.Name, r.Summary, r.Why, r.Instead)
		}
		return nil
	}
	var only []string
	for _, a := range fset.Args() {
		only = append(only, filepath.Base(a))
	}
	findings, err := m.lint(*dir, *queries, only)
	if err != nil {
		return err
	}
	return m.report(findings, "")
}

// report prints findings and returns ErrFindings when there is any; what
// says where they are ("" for the migrations).
func (m *migrateRun) report(findings []migratelint.Finding, what string) error {
	for _, f := range findings {
		fmt.Fprintln(m.stdout, f)
	}
	if len(findings) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %d%s: make them safe, or mark each statement that is safe here with -- aquila:lint-ignore RULE reason (migrate lint -rules explains the rules)",
		migratelint.ErrFindings, len(findings), what)
}

// queriesFlag registers -queries, the directory of the sqlc query files
// that the renaming rules check.
func (m *migrateRun) queriesFlag(fset *flagSet) *string {
	q := fset.String("queries", "queries", "directory of the sqlc query files, for the renaming rules (skipped when it does not exist)")
	fset.fromEnv("queries", "QUERIES_DIR")
	return q
}

// lint lints the migrations of dir, reporting the files in only (all when
// empty).
func (m *migrateRun) lint(dir, queries string, only []string) ([]migratelint.Finding, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("%w: migrations directory %s: not found (set -dir)", errUsage, dir)
	}
	cfg := migratelint.Config{Dir: dir, Only: only}
	if st, err := os.Stat(queries); err == nil && st.IsDir() {
		cfg.Queries, cfg.QueriesDir = os.DirFS(queries), queries
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("queries directory: %w", err)
	}
	for _, n := range only {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			return nil, fmt.Errorf("%w: %s is not a migration of %s", errUsage, n, dir)
		}
	}
	findings, err := migratelint.Lint(os.DirFS(dir), cfg)
	if err != nil {
		return nil, fmt.Errorf("lint %s: %w", strings.TrimSuffix(dir, "/"), err)
	}
	return findings, nil
}
