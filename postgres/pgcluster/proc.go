package pgcluster

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"syscall"
	"time"
)

// process is a started child and the result of waiting for it; err is
// written before done is closed.
type process struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// exited reports whether the process has exited.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends sig, waits up to timeout and then kills the process.
func (p *process) stop(sig os.Signal, timeout time.Duration) error {
	if p.exited() {
		return nil
	}
	_ = p.cmd.Process.Signal(sig)
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-p.done:
		return nil
	case <-t.C:
	}
	_ = p.cmd.Process.Kill()
	<-p.done
	return fmt.Errorf("pgcluster: %s ignored %v, killed pid %d", p.cmd.Path, sig, p.cmd.Process.Pid)
}

// credential is the unprivileged identity that runs children when the
// process is root.
type credential struct {
	name     string
	uid, gid int
}

// lookupCredential returns nil when the process is not root (children run as
// the current user), otherwise the identity of name.
func lookupCredential(name string) (*credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: running as root needs an unprivileged user: %w", err)
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: user %q: uid %q: %w", name, u.Uid, err)
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: user %q: gid %q: %w", name, u.Gid, err)
	}
	return &credential{name: name, uid: uid, gid: gid}, nil
}

// chown gives path to c; a nil c leaves it alone.
func (c *credential) chown(path string) error {
	if c == nil {
		return nil
	}
	return os.Lchown(path, c.uid, c.gid)
}

// sysCredential converts c for SysProcAttr; nil stays nil.
func (c *credential) sysCredential() *syscall.Credential {
	if c == nil {
		return nil
	}
	return &syscall.Credential{Uid: uint32(c.uid), Gid: uint32(c.gid)}
}
