package proc

import "syscall"

// Options says how [Start] runs a child.
type Options struct {
	// Credential runs the child as that user; nil runs it as the current
	// user. Only supported where [SwitchUserSupported] is true.
	Credential *Credential

	// DeathSignal is the signal the kernel sends the child when the Go
	// process dies, on Linux. Zero sends none.
	DeathSignal syscall.Signal

	// ShareGroupWithoutDeathSignal leaves the child in the caller's process
	// group outside Linux, where there is no parent-death signal, so that ^C
	// in a terminal reaches it as well. Otherwise, and always on Linux, the
	// child gets a process group of its own.
	ShareGroupWithoutDeathSignal bool
}
