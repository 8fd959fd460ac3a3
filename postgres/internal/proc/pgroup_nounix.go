//go:build !unix

package proc

import "syscall"

// ownGroupAttr returns no attributes: without Unix process groups, a child
// stays attached to the caller's console.
func ownGroupAttr() *syscall.SysProcAttr { return nil }
