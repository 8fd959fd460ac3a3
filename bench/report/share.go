package main

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuSample is the machine's CPU time and this run's at one moment, in
// clock ticks (USER_HZ, 100 per second on Linux).
type cpuSample struct {
	total, idle float64 // all CPUs, from /proc/stat
	ours        float64 // this process, its waited children and its live descendants
}

// userHZ is the unit of /proc/stat and /proc/PID/stat times.
const userHZ = 100

func sampleCPU() cpuSample {
	var s cpuSample
	if b, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := strings.Cut(string(b), "\n")
		f := strings.Fields(line)
		for i, v := range f[1:] {
			x, _ := strconv.ParseFloat(v, 64)
			s.total += x
			if i == 3 || i == 4 { // idle, iowait
				s.idle += x
			}
		}
	}
	for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
		var ru syscall.Rusage
		if syscall.Getrusage(who, &ru) == nil {
			s.ours += float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9 * userHZ
		}
	}
	s.ours += descendantsCPU(os.Getpid())
	return s
}

// descendantsCPU sums the CPU time of the live descendants of pid (and of
// their waited children): the embedded PostgreSQL server and its backends.
func descendantsCPU(pid int) float64 {
	children := map[int][]int{}
	times := map[int]float64{}
	dirs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, d := range dirs {
		b, err := os.ReadFile(d)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ... utime(14) stime(15) cutime(16) cstime(17)
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 15 {
			continue
		}
		p, _ := strconv.Atoi(strings.TrimSpace(s[:strings.IndexByte(s, ' ')]))
		ppid, _ := strconv.Atoi(f[1])
		var t float64
		for _, v := range f[11:15] {
			x, _ := strconv.ParseFloat(v, 64)
			t += x
		}
		children[ppid] = append(children[ppid], p)
		times[p] = t
	}
	var sum float64
	queue := slices.Clone(children[pid])
	for len(queue) > 0 {
		p := queue[0]
		queue = append(queue[1:], children[p]...)
		sum += times[p]
	}
	return sum
}

// machineShare is how busy the machine was between two samples and who
// kept it busy.
type machineShare struct {
	busy, ours, others float64 // fractions of all CPU time
	wall               time.Duration
}

func shareBetween(a, b cpuSample, wall time.Duration) machineShare {
	total := b.total - a.total
	if total <= 0 {
		return machineShare{}
	}
	busy := (total - (b.idle - a.idle)) / total
	ours := min((b.ours-a.ours)/total, busy)
	return machineShare{busy: busy, ours: ours, others: busy - ours, wall: wall}
}

// fsyncLatency writes 8 KiB and fsyncs it n times in dir (the server's
// data directory) and returns the median and the slowest.
func fsyncLatency(dir string, n int) (med, worst time.Duration, err error) {
	f, err := os.CreateTemp(dir, "fsync-probe-*")
	if err != nil {
		return 0, 0, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	buf := make([]byte, 8<<10)
	ds := make([]time.Duration, 0, n)
	for i := range n {
		t0 := time.Now()
		if _, err := f.WriteAt(buf, int64(i)*int64(len(buf))); err != nil {
			return 0, 0, err
		}
		if err := f.Sync(); err != nil {
			return 0, 0, err
		}
		ds = append(ds, time.Since(t0))
	}
	slices.Sort(ds)
	return ds[len(ds)/2], ds[len(ds)-1], nil
}
