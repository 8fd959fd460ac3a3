//go:build linux

package pglocal

import (
	"io/fs"
	"os/exec"
	"runtime"
	"syscall"
)

// switchUserSupported reports whether a root process can run the server as
// [Config.OSUser].
const switchUserSupported = true

// sysProcAttr puts the child in its own process group, so that ^C in a
// terminal reaches us rather than the server, asks the kernel to send it
// SIGINT (fast shutdown) when we die, and runs it as cred when not nil.
// Go applies Pdeathsig after switching credentials, which would otherwise
// clear it.
func sysProcAttr(cred *credential) *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{
		Setpgid:   true,
		Pdeathsig: syscall.SIGINT,
	}
	if cred != nil {
		attr.Credential = &syscall.Credential{Uid: cred.uid, Gid: cred.gid, Groups: cred.groups}
	}
	return attr
}

// start starts cmd and waits for it in the background.
//
// Pdeathsig fires when the thread that forked the child exits, not the
// process, and the Go runtime ends a thread whenever a goroutine that locked
// it exits without unlocking. The fork therefore happens on a goroutine that
// keeps its thread locked until the child has exited, so the signal can only
// come from the death of the whole process.
func start(cmd *exec.Cmd) (*process, error) {
	p := &process{cmd: cmd, done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		p.err = cmd.Wait()
		close(p.done)
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return p, nil
}

// fileOwner returns the owner and group of fi.
func fileOwner(fi fs.FileInfo) (uid, gid uint32, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return st.Uid, st.Gid, true
}
