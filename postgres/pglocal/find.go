package pglocal

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// BinDirEnv names the environment variable that, when set, is the only
// directory [FindBinDir] searches.
const BinDirEnv = "AQUILA_PG_BINDIR"

const installHint = "install the PostgreSQL server package (Debian/Ubuntu: apt-get install postgresql) or set DATABASE_URL to an existing database"

// FindBinDir returns the directory that holds the PostgreSQL server binaries
// (initdb and postgres). When $AQUILA_PG_BINDIR is set, only that directory is
// searched. Otherwise it tries, in order:
//
//   - PATH: a directory holding postgres, with symlinks resolved, that also
//     holds initdb (Debian links only some binaries into /usr/local/bin or
//     /usr/bin);
//   - pg_config --bindir;
//   - /usr/lib/postgresql/<version>/bin, newest version first (Debian, Ubuntu);
//   - /usr/local/opt/postgresql*/bin and /opt/homebrew/opt/postgresql*/bin
//     (Homebrew);
//   - /Applications/Postgres.app/Contents/Versions/latest/bin;
//   - /usr/pgsql-*/bin (PGDG packages on RHEL and Fedora).
//
// When nothing is found the error wraps [ErrNoBinaries] and its message is a
// single actionable line.
func FindBinDir() (string, error) {
	if dir := os.Getenv(BinDirEnv); dir != "" {
		if hasServerBinaries(dir) {
			return dir, nil
		}
		return "", fmt.Errorf("%w (searched %s=%q): %s, or point %s at its bin directory",
			ErrNoBinaries, BinDirEnv, dir, installHint, BinDirEnv)
	}
	searches := []func() []string{
		pathDirs,
		pgConfigDir,
		func() []string { return globNewestFirst("/usr/lib/postgresql/*/bin") },
		func() []string { return globNewestFirst("/usr/local/opt/postgresql*/bin") },
		func() []string { return globNewestFirst("/opt/homebrew/opt/postgresql*/bin") },
		func() []string { return []string{"/Applications/Postgres.app/Contents/Versions/latest/bin"} },
		func() []string { return globNewestFirst("/usr/pgsql-*/bin") },
	}
	for _, search := range searches {
		for _, dir := range search() {
			if hasServerBinaries(dir) {
				return dir, nil
			}
		}
	}
	return "", fmt.Errorf("%w (searched PATH, pg_config --bindir, /usr/lib/postgresql/*/bin, Homebrew, Postgres.app, /usr/pgsql-*/bin): %s",
		ErrNoBinaries, installHint)
}

// hasServerBinaries reports whether dir holds executable initdb and postgres
// binaries.
func hasServerBinaries(dir string) bool {
	for _, name := range []string{"initdb", "postgres"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
			return false
		}
	}
	return true
}

// pathDirs returns, for each postgres binary on PATH, the directory it
// resolves to through symlinks.
func pathDirs() []string {
	var dirs []string
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir == "" {
			continue
		}
		real, err := filepath.EvalSymlinks(filepath.Join(dir, "postgres"))
		if err != nil {
			continue
		}
		dirs = append(dirs, filepath.Dir(real))
	}
	return dirs
}

// pgConfigDir returns the output of pg_config --bindir, when pg_config is on
// PATH. On Debian pg_config may describe a version whose server package is
// not installed; the caller checks the binaries.
func pgConfigDir() []string {
	path, err := exec.LookPath("pg_config")
	if err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--bindir").Output()
	if err != nil {
		return nil
	}
	if dir := string(bytes.TrimSpace(out)); dir != "" {
		return []string{dir}
	}
	return nil
}

// globNewestFirst returns the matches of pattern ordered by the numbers in
// their names, highest first, so that postgresql@17 precedes postgresql@9.
func globNewestFirst(pattern string) []string {
	matches, _ := filepath.Glob(pattern)
	slices.SortFunc(matches, func(a, b string) int {
		return cmp.Or(slices.Compare(versionKey(b), versionKey(a)), strings.Compare(b, a))
	})
	return matches
}

// versionKey returns the runs of decimal digits in s as numbers.
func versionKey(s string) []int {
	var key []int
	for field := range strings.FieldsFuncSeq(s, func(r rune) bool { return r < '0' || r > '9' }) {
		n, err := strconv.Atoi(field)
		if err != nil {
			continue
		}
		key = append(key, n)
	}
	return key
}
