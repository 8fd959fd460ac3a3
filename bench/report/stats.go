package main

import (
	"math"
	"slices"
)

// results holds every measured figure by benchmark name and repetition.
type results struct {
	byName map[string]map[int]map[string]float64
}

func newResults() *results { return &results{byName: map[string]map[int]map[string]float64{}} }

// add records the lines of repetition rep.
func (r *results) add(rep int, lines []benchLine) {
	for _, l := range lines {
		reps := r.byName[l.name]
		if reps == nil {
			reps = map[int]map[string]float64{}
			r.byName[l.name] = reps
		}
		reps[rep] = l.metrics
	}
}

// values returns name's unit over the repetitions.
func (r *results) values(name, unit string) []float64 {
	var out []float64
	for _, m := range r.byName[name] {
		if v, ok := m[unit]; ok {
			out = append(out, v)
		}
	}
	return out
}

// median returns the median of name's unit and how many repetitions it
// comes from; NaN when there is none.
func (r *results) median(name, unit string) (float64, int) {
	v := r.values(name, unit)
	return median(v), len(v)
}

// ratio is the median over repetitions of a's unit divided by b's unit in
// the same repetition (paired, so that load shared by both cancels).
func (r *results) ratio(a, b, unit string) float64 {
	var rs []float64
	for rep, ma := range r.byName[a] {
		mb, ok := r.byName[b][rep]
		if !ok {
			continue
		}
		va, oka := ma[unit]
		vb, okb := mb[unit]
		if oka && okb && vb != 0 {
			rs = append(rs, va/vb)
		}
	}
	return median(rs)
}

// inverseMedian is the median over repetitions of 1/unit.
func (r *results) inverseMedian(name, unit string) float64 {
	var inv []float64
	for _, v := range r.values(name, unit) {
		if v != 0 {
			inv = append(inv, 1/v)
		}
	}
	return median(inv)
}

func (r *results) has(name string) bool { return len(r.byName[name]) > 0 }

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
