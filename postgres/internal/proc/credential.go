package proc

import (
	"fmt"
	"os/user"
	"strconv"
)

// Credential is the unprivileged operating-system identity that runs a child
// when the current process is root.
type Credential struct {
	Name     string
	UID, GID uint32
	// Groups are the supplementary groups the child runs with; nil runs it
	// with the primary group GID only.
	Groups []uint32
}

// LookupCredential resolves the operating-system user name, including its
// supplementary groups (best effort: the primary group is what matters).
func LookupCredential(name string) (*Credential, error) {
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
	c := &Credential{Name: name, UID: uint32(uid), GID: uint32(gid)}
	ids, _ := u.GroupIds()
	for _, id := range ids {
		if g, err := strconv.ParseUint(id, 10, 32); err == nil {
			c.Groups = append(c.Groups, uint32(g))
		}
	}
	return c, nil
}
