package proc

import (
	"context"
	"os"
	"os/exec"
	"time"
)

// Process is a child started by [Start] and the result of waiting for it,
// which a background goroutine collects. Its methods are safe for concurrent
// use.
type Process struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error // written before done is closed
}

func newProcess(cmd *exec.Cmd) *Process {
	return &Process{cmd: cmd, done: make(chan struct{})}
}

// wait waits for the child and then closes done; it is the only writer of
// p.err.
func (p *Process) wait() {
	p.err = p.cmd.Wait()
	close(p.done)
}

// Done returns a channel that is closed once the child has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Err returns how the child exited, as [exec.Cmd.Wait] reported it. It is
// nil until [Process.Done] is closed.
func (p *Process) Err() error {
	if !p.Exited() {
		return nil
	}
	return p.err
}

// Exited reports whether the child has exited.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Pid returns the child's process ID.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Path returns the path of the program the child runs.
func (p *Process) Path() string { return p.cmd.Path }

// SignalAndWait sends sig to the child unless it has exited already, and
// reports whether it exits before ctx is done or timeout elapses.
func (p *Process) SignalAndWait(ctx context.Context, sig os.Signal, timeout time.Duration) bool {
	if p.Exited() {
		return true
	}
	_ = p.cmd.Process.Signal(sig)
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-p.done:
		return true
	case <-ctx.Done():
	case <-t.C:
	}
	return p.Exited()
}

// Kill sends SIGKILL to the child and waits until it has exited.
func (p *Process) Kill() {
	_ = p.cmd.Process.Kill()
	<-p.done
}
