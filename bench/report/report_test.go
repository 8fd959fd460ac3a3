package main

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestParseBench(t *testing.T) {
	out := `goos: linux
BenchmarkInsert-2   	     124	   1896889 ns/op	       608.0 aquila-B/op	        12.26 aquila-allocs/op	    211489 aquila-ns/op	0.9622 pgx/aquila
BenchmarkStartup/warm=on/prepare=off-2   20  10053933 ns/op  6666 first-µs  57.51 first/steady
--- BENCH: BenchmarkInsert-2
    peers_test.go:36: testdbconf: postgres://...
BenchmarkPgbench/clients=16 1 233100.5 ns/op 4290.0 tps
PASS
`
	got := parseBench(out)
	names := []string{}
	for _, l := range got {
		names = append(names, l.name)
	}
	if want := []string{"Insert", "Startup/warm=on/prepare=off", "Pgbench/clients=16"}; !slices.Equal(names, want) {
		t.Fatalf("names %q, want %q", names, want)
	}
	if v := got[0].metrics["pgx/aquila"]; v != 0.9622 {
		t.Errorf("pgx/aquila = %v", v)
	}
	if v := got[1].metrics["first-µs"]; v != 6666 {
		t.Errorf("first-µs = %v", v)
	}
	if v := got[2].metrics["tps"]; v != 4290 {
		t.Errorf("tps = %v", v)
	}
}

func TestResultsPairedRatio(t *testing.T) {
	r := newResults()
	r.add(0, []benchLine{{"A", map[string]float64{"ns/op": 10}}, {"B", map[string]float64{"ns/op": 20}}})
	r.add(1, []benchLine{{"A", map[string]float64{"ns/op": 30}}, {"B", map[string]float64{"ns/op": 30}}})
	r.add(2, []benchLine{{"A", map[string]float64{"ns/op": 5}}, {"B", map[string]float64{"ns/op": 20}}})
	if got := r.ratio("B", "A", "ns/op"); got != 2 {
		t.Errorf("paired ratio %v, want 2 (median of 2, 1, 4)", got)
	}
	if got, n := r.median("A", "ns/op"); got != 10 || n != 3 {
		t.Errorf("median %v over %d", got, n)
	}
	if got, _ := r.median("C", "ns/op"); !math.IsNaN(got) {
		t.Errorf("median of nothing = %v", got)
	}
}

func TestSlowdowns(t *testing.T) {
	csv := `,old.txt,,new.txt,,,
,sec/op,CI,sec/op,CI,vs base,P
A-2,1e-07,∞,1.2e-07,∞,+20.00%,p=0.008 n=6
B/x=1-2,1e-07,∞,1.05e-07,∞,+5.00%,p=0.002 n=6
C-2,1e-07,∞,1.5e-07,∞,~,p=0.300 n=6
D-2,1e-07,∞,0.5e-07,∞,-50.00%,p=0.002 n=6
geomean,1e-07,,1.2e-07,,+9.54%,

,old.txt,,new.txt,,,
,B/op,CI,B/op,CI,vs base,P
A-2,10,∞,20,∞,+100.00%,p=0.002 n=6
`
	got, err := slowdowns(csv, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "A-2: +20.0 %") {
		t.Errorf("slowdowns = %q, want only A-2", got)
	}
}

func TestToolOutputs(t *testing.T) {
	tps, err := pgbenchTPS("latency average = 0.06 ms\ntps = 16535.123456 (without initial connection time)\n")
	if err != nil || tps != 16535.123456 {
		t.Errorf("pgbenchTPS = %v, %v", tps, err)
	}
	if _, err := pgbenchTPS("number of transactions actually processed: 0\ntps = 0.000000 (without initial connection time)\n"); err == nil {
		t.Error("pgbenchTPS accepted 0 tps")
	}
	ms, err := psqlTime("Time: 37.120 ms\n")
	if err != nil || ms != 37.12 {
		t.Errorf("psqlTime = %v, %v", ms, err)
	}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{fmtNs(0.4616), "0.46 ns"}, {fmtNs(624), "624 ns"}, {fmtNs(140100), "140.1 µs"}, {fmtNs(60.14e6), "60.14 ms"},
		{fmtInt(1234567), "1,234,567"}, {fmtInt(-1234), "-1,234"}, {fmtFactor(312.4), "312×"}, {fmtPct(0.771), "77 %"},
		{trimProcs("Insert-2"), "Insert"}, {trimProcs("warm=on/prepare=off-16"), "warm=on/prepare=off"}, {trimProcs("a-b"), "a-b"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestProfileShare(t *testing.T) {
	if got := profileShare("Duration: 814.22ms, Total samples = 180ms (22.11%)\n"); got != "22.11 %" {
		t.Errorf("profileShare = %q", got)
	}
	if got := profileShare("nothing"); got != "" {
		t.Errorf("profileShare = %q", got)
	}
}

func TestChartSVG(t *testing.T) {
	svg := chart{title: "t", caption: "c", log: true, groups: []group{{title: "g", bars: []bar{
		{label: "aquila", value: 1, aquila: true}, {label: "dig", value: 312}, {label: "x", value: math.NaN()},
	}}}}.svg()
	for _, want := range []string{"<svg", "312×", "not measured", "</svg>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("svg lacks %q", want)
		}
	}
}
