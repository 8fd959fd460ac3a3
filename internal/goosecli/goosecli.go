// Package goosecli runs the goose CLI pinned in tools/go.mod from tests,
// so that they can check that migration files work with the plain goose
// command as well as through aquila. The binary is built once per test
// binary, on first use, into a temporary directory that Close removes.
package goosecli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// CLI is the goose command built from a tools module.
type CLI struct {
	modfile string

	once sync.Once
	dir  string
	err  error
}

// New returns the goose CLI of the tools module modfile (a path relative
// to the test's package directory, such as "../tools/go.mod").
func New(modfile string) *CLI { return &CLI{modfile: modfile} }

// Run runs goose on the SQL migrations in dir against dsn with args
// ("up", "down", "up-to 1" ...) and fails t if it fails.
func (c *CLI) Run(t testing.TB, dir, dsn string, args ...string) {
	t.Helper()
	c.once.Do(func() {
		if c.dir, c.err = os.MkdirTemp("", "aquila-goose-"); c.err != nil {
			return
		}
		out, err := exec.Command("go", "build", "-modfile="+c.modfile, "-o", c.dir, "github.com/pressly/goose/v3/cmd/goose").CombinedOutput()
		if err != nil {
			c.err = fmt.Errorf("build goose: %v\n%s", err, out)
		}
	})
	if c.err != nil {
		t.Fatal(c.err)
	}
	cmd := exec.Command(filepath.Join(c.dir, "goose"), append([]string{"-env=none", "-dir", dir, "postgres", dsn}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("goose %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// Close removes the binary.
func (c *CLI) Close() error {
	if c.dir == "" {
		return nil
	}
	return os.RemoveAll(c.dir)
}
