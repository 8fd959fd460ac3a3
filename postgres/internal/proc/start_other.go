//go:build !linux

package proc

import "os/exec"

// SwitchUserSupported reports whether [Options.Credential] can run a child
// as another user: only on Linux.
const SwitchUserSupported = false

// Start starts cmd as opts says and waits for it in the background. It
// overwrites cmd.SysProcAttr.
//
// There is no portable parent-death signal, so outside Linux a child whose
// parent is killed keeps running; opts.DeathSignal is ignored. A set
// opts.Credential fails with [ErrSwitchUserUnsupported].
func Start(cmd *exec.Cmd, opts Options) (*Process, error) {
	if opts.Credential != nil {
		return nil, ErrSwitchUserUnsupported
	}
	cmd.SysProcAttr = nil
	if !opts.ShareGroupWithoutDeathSignal {
		cmd.SysProcAttr = ownGroupAttr()
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := newProcess(cmd)
	go p.wait()
	return p, nil
}
