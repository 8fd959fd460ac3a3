//go:build linux

package proc

import (
	"io/fs"
	"syscall"
)

// FileOwner returns the owner and group of fi.
func FileOwner(fi fs.FileInfo) (uid, gid uint32, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return st.Uid, st.Gid, true
}
