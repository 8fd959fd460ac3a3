package proc

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// Chown gives path (not following a symbolic link) to c. A nil c leaves it
// alone: the child runs as the current user, who owns it already.
func (c *Credential) Chown(path string) error {
	if c == nil {
		return nil
	}
	return os.Lchown(path, int(c.UID), int(c.GID))
}

// ChownTree gives root and everything below it to c, skipping entries that
// already belong to it.
func (c *Credential) ChownTree(root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if uid, gid, ok := FileOwner(fi); ok && uid == c.UID && gid == c.GID {
			return nil
		}
		return c.Chown(path)
	})
}

// CanTraverse reports whether c may search (execute) the directory fi. It
// reports true when the ownership of fi is unknown, leaving the child to
// report what it cannot reach.
func (c *Credential) CanTraverse(fi fs.FileInfo) bool {
	uid, gid, ok := FileOwner(fi)
	if !ok {
		return true
	}
	perm := fi.Mode().Perm()
	switch {
	case uid == c.UID:
		return perm&0o100 != 0
	case gid == c.GID || slices.Contains(c.Groups, gid):
		return perm&0o010 != 0
	default:
		return perm&0o001 != 0
	}
}

// MakeTraversable adds search permission on dir, which the caller owns, for
// the group and for others when c could not otherwise reach the entries
// below it. Nothing becomes listable: contents stay private to their owners.
func (c *Credential) MakeTraversable(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if c.CanTraverse(fi) {
		return nil
	}
	return os.Chmod(dir, fi.Mode().Perm()|0o011)
}
