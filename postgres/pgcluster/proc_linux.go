//go:build linux

package pgcluster

import (
	"os/exec"
	"runtime"
	"syscall"
)

// start starts cmd as cred (nil: the current user) in its own process group
// with a parent-death signal (SIGTERM), and waits for it in the background.
//
// Pdeathsig fires when the thread that forked the child exits, and the Go
// runtime ends a thread whenever a goroutine that locked it exits: the fork
// happens on a goroutine that keeps its thread locked until the child has
// exited, so the signal comes only from the death of the whole process.
func start(cmd *exec.Cmd, cred *credential) (*process, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setpgid:    true,
		Pdeathsig:  syscall.SIGTERM,
		Credential: cred.sysCredential(),
	}
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
