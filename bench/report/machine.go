package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// machine describes where the benchmarks ran.
type machine struct {
	cpu       string
	cores     int
	memory    string
	os        string
	kernel    string
	goVersion string

	// fsync of 8 KiB in the embedded server's directory, measured at the
	// start of the run (zero for a DATABASE_URL server).
	fsyncMedian, fsyncWorst time.Duration
	fsyncErr                error
}

func readMachine(ctx context.Context) machine {
	m := machine{cores: runtime.NumCPU()}
	m.cpu = firstField("/proc/cpuinfo", "model name", ":")
	if m.cpu == "" {
		m.cpu = runtime.GOARCH
	}
	if kb, err := strconv.ParseFloat(strings.Fields(firstField("/proc/meminfo", "MemTotal", ":") + " 0")[0], 64); err == nil && kb > 0 {
		m.memory = strconv.FormatFloat(kb/1024/1024, 'f', 1, 64) + " GiB"
	}
	m.os = strings.Trim(firstField("/etc/os-release", "PRETTY_NAME", "="), `"`)
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.kernel = strings.TrimSpace(string(b))
	}
	if out, err := exec.CommandContext(ctx, "go", "version").Output(); err == nil {
		m.goVersion = strings.TrimSpace(string(out))
	}
	return m
}

// firstField returns the value of the first line of file whose key is key.
func firstField(file, key, sep string) string {
	f, err := os.Open(file)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), sep)
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// loadAverage is the 1-minute load average, or "".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// gitDescribe returns the commit of the working tree and whether it has
// uncommitted changes in tracked files.
func gitDescribe(ctx context.Context) (commit string, dirty bool) {
	out, err := exec.CommandContext(ctx, "git", "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		return "unknown", false
	}
	commit = strings.TrimSpace(string(out))
	st, err := exec.CommandContext(ctx, "git", "status", "--porcelain", "--untracked-files=no").Output()
	return commit, err == nil && len(strings.TrimSpace(string(st))) > 0
}
