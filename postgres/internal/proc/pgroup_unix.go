//go:build unix && !linux

package proc

import "syscall"

// ownGroupAttr puts a child in a process group of its own.
func ownGroupAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }
