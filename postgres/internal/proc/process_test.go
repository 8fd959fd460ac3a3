//go:build unix

package proc

import (
	"context"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestStartSignalAndWait(t *testing.T) {
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip(err)
	}
	p, err := Start(exec.Command(sleep, "60"), Options{DeathSignal: syscall.SIGTERM})
	if err != nil {
		t.Fatal(err)
	}
	if p.Exited() || p.Err() != nil {
		t.Fatalf("exited at once: %v", p.Err())
	}
	if !p.SignalAndWait(context.Background(), syscall.SIGTERM, 10*time.Second) {
		t.Fatal("sleep survived SIGTERM")
	}
	if p.Err() == nil {
		t.Fatal("Err is nil after a signal")
	}
	if !p.SignalAndWait(context.Background(), syscall.SIGTERM, time.Second) {
		t.Fatal("SignalAndWait on an exited process reported false")
	}
}

func TestKill(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip(err)
	}
	// The shell ignores SIGTERM, so only Kill stops it.
	p, err := Start(exec.Command(sh, "-c", `trap "" TERM; sleep 60 & wait`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // let the trap be set
	if p.SignalAndWait(context.Background(), syscall.SIGTERM, 200*time.Millisecond) {
		t.Fatal("the shell exited on SIGTERM")
	}
	p.Kill()
	if !p.Exited() {
		t.Fatal("not exited after Kill")
	}
	// sh's sleep child is in the process group Start created.
	_ = syscall.Kill(-p.Pid(), syscall.SIGKILL)
}

func TestStartError(t *testing.T) {
	if _, err := Start(exec.Command(filepath.Join(t.TempDir(), "missing")), Options{}); err == nil {
		t.Fatal("started a missing program")
	}
}
