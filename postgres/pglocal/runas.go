package pglocal

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"

	"github.com/aquila-go/aquila/postgres/internal/proc"
)

// procOptions runs initdb and postgres as cred (nil: the current user) and
// asks the kernel to send them SIGINT (fast shutdown) when we die. Outside
// Linux, where there is no parent-death signal, the child stays in our
// process group and a killed parent can leave the server running until the
// next Start on the same Dir stops it.
func procOptions(cred *proc.Credential) proc.Options {
	return proc.Options{
		Credential:                   cred,
		DeathSignal:                  syscall.SIGINT,
		ShareGroupWithoutDeathSignal: true,
	}
}

// checkParents returns an error wrapping [ErrDirNotTraversable] naming the
// first existing parent of dir that c cannot traverse. Parents that do not
// exist yet are created by Start with a traversable mode.
func checkParents(c *proc.Credential, dir string) error {
	var parents []string
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		parents = append(parents, p)
		if p == filepath.Dir(p) {
			break
		}
	}
	slices.Reverse(parents)
	for _, p := range parents {
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if !c.CanTraverse(fi) {
			return fmt.Errorf("%w: %s (mode %s) blocks user %q from reaching %s; choose a Dir whose parent directories are all traversable, for example under %s",
				ErrDirNotTraversable, p, fi.Mode(), c.Name, dir, os.TempDir())
		}
	}
	return nil
}
