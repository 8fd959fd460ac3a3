package main

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// bar is one bar of a chart: a ratio to aquila (aquila = 1.0).
type bar struct {
	label  string
	value  float64
	aquila bool // drawn in the highlight colour
}

// group is a titled set of bars.
type group struct {
	title string
	bars  []bar
}

// chart is a horizontal bar chart of ratios with a reference line at 1.0,
// as a self-contained SVG (no scripts, no external fonts) that GitHub
// renders in Markdown.
type chart struct {
	title   string
	caption string // under the title: what a ratio means
	groups  []group
	log     bool // logarithmic axis, for ratios spanning decades
}

func (c chart) svg() string {
	const (
		width   = 760
		left    = 150 // label column
		right   = 80  // value labels
		barH    = 16
		barGap  = 5
		groupH  = 24
		top     = 56
		bottom  = 30
		plotW   = width - left - right
		ticksTo = 7
	)
	lo, hi := math.Inf(1), 1.0
	for _, g := range c.groups {
		for _, b := range g.bars {
			if ok(b.value) {
				lo, hi = math.Min(lo, b.value), math.Max(hi, b.value)
			}
		}
	}
	if math.IsInf(lo, 1) {
		lo = 1
	}
	var x func(v float64) float64
	var ticks []float64
	if c.log {
		lo = math.Pow(10, math.Floor(math.Log10(math.Min(lo, 1))))
		hi = math.Pow(10, math.Ceil(math.Log10(hi*1.05)))
		span := math.Log10(hi) - math.Log10(lo)
		x = func(v float64) float64 { return left + (math.Log10(v)-math.Log10(lo))/span*plotW }
		for t := lo; t <= hi*1.0001; t *= 10 {
			ticks = append(ticks, t)
		}
	} else {
		lo = 0
		hi = niceCeil(hi * 1.05)
		x = func(v float64) float64 { return left + v/hi*plotW }
		step := niceCeil(hi / ticksTo)
		for t := 0.0; t <= hi*1.0001; t += step {
			ticks = append(ticks, t)
		}
	}
	height := top + bottom
	for _, g := range c.groups {
		height += groupH + len(g.bars)*(barH+barGap)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif" font-size="12">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", width, height)
	fmt.Fprintf(&b, `<text x="10" y="20" font-size="15" font-weight="bold" fill="#222">%s</text>`+"\n", html.EscapeString(c.title))
	fmt.Fprintf(&b, `<text x="10" y="38" fill="#555">%s</text>`+"\n", html.EscapeString(c.caption))
	plotBottom := height - bottom
	for _, t := range ticks {
		tx := x(t)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#e4e4e4"/>`+"\n", tx, top-6, tx, plotBottom)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" fill="#777" text-anchor="middle">%s</text>`+"\n", tx, plotBottom+16, tickLabel(t))
	}
	one := x(1)
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#1f6feb" stroke-dasharray="4 3"/>`+"\n", one, top-6, one, plotBottom)
	y := top
	for _, g := range c.groups {
		fmt.Fprintf(&b, `<text x="10" y="%d" font-weight="bold" fill="#222">%s</text>`+"\n", y+15, html.EscapeString(g.title))
		y += groupH
		for _, br := range g.bars {
			fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#333" text-anchor="end">%s</text>`+"\n", left-8, y+barH-4, html.EscapeString(br.label))
			if !ok(br.value) {
				fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#999">not measured</text>`+"\n", left+4, y+barH-4)
				y += barH + barGap
				continue
			}
			x0, x1 := x(lo), x(br.value)
			if !c.log {
				x0 = x(0)
			}
			fill := "#9aa4ae"
			if br.aquila {
				fill = "#1f6feb"
			}
			fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>`+"\n", x0, y, math.Max(x1-x0, 1), barH, fill)
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" fill="#222">%s</text>`+"\n", x1+5, y+barH-4, ratioLabel(br.value))
			y += barH + barGap
		}
	}
	b.WriteString("</svg>\n")
	return b.String()
}

func ok(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) && v > 0 }

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func tickLabel(v float64) string {
	switch {
	case v >= 1000:
		return fmt.Sprintf("%.0fk×", v/1000)
	case v >= 1:
		return fmt.Sprintf("%g×", v)
	default:
		return fmt.Sprintf("%g×", v)
	}
}

func ratioLabel(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f×", v)
	case v >= 10:
		return fmt.Sprintf("%.1f×", v)
	default:
		return fmt.Sprintf("%.2f×", v)
	}
}
