package main

import (
	"bufio"
	"strconv"
	"strings"
)

// trimProcs removes the -GOMAXPROCS suffix go test appends to names.
func trimProcs(name string) string {
	i := strings.LastIndexByte(name, '-')
	if i < 0 || i == len(name)-1 {
		return name
	}
	if _, err := strconv.Atoi(name[i+1:]); err != nil {
		return name
	}
	return name[:i]
}

// benchLine is one parsed line of `go test -bench` output.
type benchLine struct {
	name    string             // without the Benchmark prefix and -N suffix
	metrics map[string]float64 // unit → value, e.g. "ns/op", "B/op", "tps"
}

// parseBench returns the benchmark result lines of out.
func parseBench(out string) []benchLine {
	var lines []benchLine
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		l := benchLine{
			name:    trimProcs(strings.TrimPrefix(f[0], "Benchmark")),
			metrics: map[string]float64{},
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			l.metrics[f[i+1]] = v
		}
		lines = append(lines, l)
	}
	return lines
}
