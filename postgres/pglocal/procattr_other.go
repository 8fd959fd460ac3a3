//go:build !linux

package pglocal

import (
	"io/fs"
	"os/exec"
	"syscall"
)

// switchUserSupported reports whether a root process can run the server as
// [Config.OSUser]: only on Linux.
const switchUserSupported = false

// sysProcAttr returns no attributes: there is no portable parent-death
// signal, so outside Linux a killed parent can leave the server running
// until the next Start on the same Dir stops it.
func sysProcAttr(*credential) *syscall.SysProcAttr { return nil }

// start starts cmd and waits for it in the background.
func start(cmd *exec.Cmd) (*process, error) {
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

func fileOwner(fs.FileInfo) (uid, gid uint32, ok bool) { return 0, 0, false }
