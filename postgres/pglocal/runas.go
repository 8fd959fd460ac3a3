package pglocal

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
)

// credential is the operating-system identity that runs initdb and postgres
// when the current process is root.
type credential struct {
	name   string
	uid    uint32
	gid    uint32
	groups []uint32
}

// lookupCredential resolves an operating-system user name.
func lookupCredential(name string) (*credential, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return nil, err
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("user %q: uid %q: %w", name, u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("user %q: gid %q: %w", name, u.Gid, err)
	}
	c := &credential{name: name, uid: uint32(uid), gid: uint32(gid)}
	ids, _ := u.GroupIds() // best effort: the primary group is what matters
	for _, id := range ids {
		if g, err := strconv.ParseUint(id, 10, 32); err == nil {
			c.groups = append(c.groups, uint32(g))
		}
	}
	return c, nil
}

// canTraverse reports whether c may search (execute) the directory fi.
func (c *credential) canTraverse(fi fs.FileInfo) bool {
	uid, gid, ok := fileOwner(fi)
	if !ok {
		return true // unknown ownership: let the server report it
	}
	perm := fi.Mode().Perm()
	switch {
	case uid == c.uid:
		return perm&0o100 != 0
	case gid == c.gid || slices.Contains(c.groups, gid):
		return perm&0o010 != 0
	default:
		return perm&0o001 != 0
	}
}

// checkParents returns an error wrapping [ErrDirNotTraversable] naming the
// first existing parent of dir that c cannot traverse. Parents that do not
// exist yet are created by Start with a traversable mode.
func (c *credential) checkParents(dir string) error {
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
		if !c.canTraverse(fi) {
			return fmt.Errorf("%w: %s (mode %s) blocks user %q from reaching %s; choose a Dir whose parent directories are all traversable, for example under %s",
				ErrDirNotTraversable, p, fi.Mode(), c.name, dir, os.TempDir())
		}
	}
	return nil
}

// makeTraversable adds search permission on dir, which pglocal owns, for c's
// group and for others when c could not otherwise reach data/ and run/.
// Nothing is listable: contents stay private to their owners.
func (c *credential) makeTraversable(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if c.canTraverse(fi) {
		return nil
	}
	return os.Chmod(dir, fi.Mode().Perm()|0o011)
}

// chownTree gives root and everything below it to c, skipping entries that
// already belong to it.
func (c *credential) chownTree(root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if uid, gid, ok := fileOwner(fi); ok && uid == c.uid && gid == c.gid {
			return nil
		}
		return os.Lchown(path, int(c.uid), int(c.gid))
	})
}
