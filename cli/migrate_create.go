package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// migrationTemplate is the body of a new migration: goose's markers and
// nothing to run.
const migrationTemplate = `-- +goose Up

-- +goose Down
`

// migrateCreate writes NNNNN_name.sql, the next sequential goose version
// (one more than the highest in the directory, zero-padded to five digits
// as goose -s does), with an empty Up and Down section.
func migrateCreate(_ context.Context, m *migrateRun, args []string) error {
	fset := m.newFlagSet("migrate create", "migrate create [-dir DIR] NAME")
	dir := m.dirFlag(fset)
	if err := fset.parse(args); err != nil {
		return err
	}
	if fset.NArg() != 1 {
		return fset.usageError("migrate create needs one NAME")
	}
	name, err := migrationName(fset.Arg(0))
	if err != nil {
		return err
	}
	path, err := createMigration(*dir, name)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(m.stdout, "created", path)
	return err
}

// dirFlag registers -dir, the directory of the migration files.
func (m *migrateRun) dirFlag(fset *flagSet) *string {
	dir := m.svc.MigrationsDir
	if dir == "" {
		dir = "schema"
	}
	fset.StringVar(&dir, "dir", dir, "directory of the migration files")
	fset.fromEnv("dir", "MIGRATIONS_DIR")
	return &dir
}

// migrationName normalises a migration's NAME argument: lower case, words
// joined by '_'.
func migrationName(arg string) (string, error) {
	name := strings.ToLower(strings.Join(strings.Fields(arg), "_"))
	name = strings.ReplaceAll(name, "-", "_")
	if !validMigrationName(name) {
		return "", fmt.Errorf("%w: migration name %q: use letters, digits, '_', '-' and spaces", errUsage, arg)
	}
	return name, nil
}

// createMigration writes the next migration file of dir, never replacing
// an existing one.
func createMigration(dir, name string) (string, error) {
	next, err := nextVersion(os.DirFS(dir))
	if err != nil {
		return "", fmt.Errorf("migrations in %s: %w", dir, err)
	}
	path := filepath.Join(dir, fmt.Sprintf("%05d_%s.sql", next, name))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", err
	}
	if _, err := f.WriteString(migrationTemplate); err != nil {
		f.Close()
		os.Remove(path)
		return "", err
	}
	return path, f.Close()
}

// nextVersion is one more than the highest version of the NNNNN_*.sql
// files at fsys's root (1 for none).
func nextVersion(fsys fs.FS) (int64, error) {
	files, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return 0, err
	}
	if _, err := fs.Stat(fsys, "."); errors.Is(err, fs.ErrNotExist) {
		return 0, err
	}
	var last int64
	for _, f := range files {
		digits, _, ok := strings.Cut(f, "_")
		if !ok {
			continue
		}
		v, err := strconv.ParseInt(digits, 10, 64)
		if err != nil || v < 1 {
			continue
		}
		last = max(last, v)
	}
	return last + 1, nil
}

// validMigrationName reports whether a normalised name is [a-z0-9][a-z0-9_]*.
func validMigrationName(name string) bool {
	for i, c := range name {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' && i > 0) {
			return false
		}
	}
	return name != ""
}
