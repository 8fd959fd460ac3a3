package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"

	"github.com/aquila-go/aquila/postgres/internal/proc"
)

// logTailLines is how many lines of a child's log an error message quotes.
const logTailLines = 20

// lookupCredential returns nil when the process is not root (children run as
// the current user), otherwise the identity of name.
func lookupCredential(name string) (*proc.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	cred, err := proc.LookupCredential(name)
	if err != nil {
		var numErr *strconv.NumError
		if errors.As(err, &numErr) { // a uid or gid that is not a number
			return nil, fmt.Errorf("pgcluster: %w", err)
		}
		return nil, fmt.Errorf("pgcluster: running as root needs an unprivileged user: %w", err)
	}
	// pgcluster's children run with the user's primary group only.
	cred.Groups = nil
	return cred, nil
}

// start starts cmd as cred (nil: the current user) in its own process group
// with a parent-death signal (SIGTERM) on Linux, and waits for it in the
// background.
func start(cmd *exec.Cmd, cred *proc.Credential) (*proc.Process, error) {
	p, err := proc.Start(cmd, proc.Options{Credential: cred, DeathSignal: syscall.SIGTERM})
	if errors.Is(err, proc.ErrSwitchUserUnsupported) {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	return p, err
}

// stop sends sig, waits up to timeout and then kills the process.
func stop(p *proc.Process, sig os.Signal, timeout time.Duration) error {
	if p.SignalAndWait(context.Background(), sig, timeout) {
		return nil
	}
	p.Kill()
	return fmt.Errorf("pgcluster: %s ignored %v, killed pid %d", p.Path(), sig, p.Pid())
}
