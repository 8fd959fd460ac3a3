//go:build linux

package proc

import (
	"os/exec"
	"runtime"
	"syscall"
)

// SwitchUserSupported reports whether [Options.Credential] can run a child
// as another user.
const SwitchUserSupported = true

// Start starts cmd as opts says and waits for it in the background. It
// overwrites cmd.SysProcAttr.
//
// The child gets its own process group, so that ^C in a terminal reaches us
// rather than the child, and the parent-death signal opts.DeathSignal. Go
// applies Pdeathsig after switching to opts.Credential, which would
// otherwise clear it.
//
// Pdeathsig fires when the thread that forked the child exits, not the
// process, and the Go runtime ends a thread whenever a goroutine that locked
// it exits without unlocking. The fork therefore happens on a goroutine that
// keeps its thread locked until the child has exited, so the signal can only
// come from the death of the whole process.
func Start(cmd *exec.Cmd, opts Options) (*Process, error) {
	attr := &syscall.SysProcAttr{
		Setpgid:   true,
		Pdeathsig: opts.DeathSignal,
	}
	if c := opts.Credential; c != nil {
		attr.Credential = &syscall.Credential{Uid: c.UID, Gid: c.GID, Groups: c.Groups}
	}
	cmd.SysProcAttr = attr
	p := newProcess(cmd)
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		p.wait()
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return p, nil
}
