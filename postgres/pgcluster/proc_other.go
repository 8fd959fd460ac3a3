//go:build !linux

package pgcluster

import (
	"errors"
	"os/exec"
	"syscall"
)

// start starts cmd and waits for it in the background. Outside Linux there
// is no parent-death signal and no switching users.
func start(cmd *exec.Cmd, cred *credential) (*process, error) {
	if cred != nil {
		return nil, errors.New("pgcluster: running children as another user is only supported on Linux: run as a normal user")
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
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
