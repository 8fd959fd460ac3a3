package pglocal

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	staleFastTimeout      = 10 * time.Second
	staleImmediateTimeout = 5 * time.Second
	staleKillTimeout      = 2 * time.Second
)

// clearStale deals with the postmaster.pid left in dataDir by a run whose
// owner died or lost its handle. A live postgres serving dataDir is stopped
// (SIGINT, then SIGQUIT, then SIGKILL); a pid file naming a dead process, or
// a process that is not that server, is removed. Nothing here is fatal: if
// something is left over, postgres itself refuses to start and says why.
func clearStale(dataDir string, logger *slog.Logger) {
	pidFile := filepath.Join(dataDir, "postmaster.pid")
	pid, err := readPIDFile(pidFile)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		logger.Warn("pglocal: removing unreadable pid file", "file", pidFile, "err", err)
		removePIDFile(pidFile, logger)
		return
	}
	if !servesDataDir(pid, dataDir) {
		logger.Info("pglocal: removing stale pid file", "file", pidFile, "pid", pid)
		removePIDFile(pidFile, logger)
		return
	}
	logger.Info("pglocal: stopping orphaned server", "pid", pid, "data", dataDir)
	if err := stopPID(pid, dataDir); err != nil {
		logger.Warn("pglocal: could not stop orphaned server", "pid", pid, "err", err)
		return
	}
	// A clean shutdown removes the file; a killed server leaves it behind.
	if p, err := readPIDFile(pidFile); err == nil && p == pid {
		removePIDFile(pidFile, logger)
	}
}

// readPIDFile returns the PID on the first line of a postmaster.pid file.
func readPIDFile(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	pid, err := strconv.Atoi(string(bytes.TrimSpace(line)))
	if err != nil {
		return 0, err
	}
	if pid <= 0 {
		return 0, strconv.ErrRange
	}
	return pid, nil
}

func removePIDFile(path string, logger *slog.Logger) {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		logger.Warn("pglocal: removing pid file", "file", path, "err", err)
	}
}

// stopPID stops the server pid that serves dataDir and waits until it is
// gone, escalating from fast to immediate shutdown to SIGKILL.
func stopPID(pid int, dataDir string) error {
	proc, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	defer proc.Release()
	steps := []struct {
		sig     os.Signal
		timeout time.Duration
	}{
		{os.Interrupt, staleFastTimeout},
		{syscall.SIGQUIT, staleImmediateTimeout},
		{os.Kill, staleKillTimeout},
	}
	for _, step := range steps {
		if err := proc.Signal(step.sig); err != nil {
			if errors.Is(err, os.ErrProcessDone) {
				return nil
			}
			return err
		}
		if waitGone(pid, dataDir, step.timeout) {
			return nil
		}
	}
	return errors.New("still running after SIGKILL")
}

// waitGone polls until pid no longer serves dataDir or timeout elapses.
func waitGone(pid int, dataDir string, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		if !servesDataDir(pid, dataDir) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// servesDataDir reports whether pid is a live postgres whose command line
// names dataDir. A zombie has an empty command line and does not count.
func servesDataDir(pid int, dataDir string) bool {
	args := processArgs(pid)
	if len(args) == 0 || !strings.Contains(filepath.Base(args[0]), "postgres") {
		return false
	}
	for i, arg := range args {
		if arg == dataDir || arg == "-D"+dataDir || arg == "--pgdata="+dataDir {
			return true
		}
		if arg == "-D" && i+1 < len(args) && filepath.Clean(args[i+1]) == dataDir {
			return true
		}
	}
	return false
}

// processArgs returns the command line of pid: from /proc on Linux, from ps
// elsewhere (split on spaces, which is good enough to find -D and a path
// without spaces). It returns nil when the process does not exist.
func processArgs(pid int) []string {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err == nil {
		return strings.FieldsFunc(string(data), func(r rune) bool { return r == 0 })
	}
	if _, statErr := os.Stat("/proc/self"); statErr == nil {
		return nil // procfs is there, the process is not
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ps", "-o", "args=", "-p", strconv.Itoa(pid)).Output()
	if err != nil {
		return nil
	}
	line, _ := bufio.NewReader(bytes.NewReader(out)).ReadString('\n')
	return strings.Fields(line)
}
