package cli

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

// lineMap maps a row index to its input line. Rows usually sit on
// consecutive lines from a base; only the rows where that changes (after a
// blank line, a multi-line CSV record) are stored.
type lineMap struct {
	rows, lines []int64
}

func (m *lineMap) add(row int64, line int64) {
	if n := len(m.rows); n > 0 && m.lines[n-1]+(row-m.rows[n-1]) == line {
		return
	}
	m.rows, m.lines = append(m.rows, row), append(m.lines, line)
}

func (m *lineMap) line(row int64) int64 {
	i, found := slices.BinarySearch(m.rows, row)
	if !found {
		i--
	}
	if i < 0 {
		return row + 1
	}
	return m.lines[i] + row - m.rows[i]
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r      io.Reader
	n      int64
	onRead func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.onRead != nil {
		c.onRead(c.n)
	}
	return n, err
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressBar draws one self-rewriting line on a terminal, at most ten
// times a second: bytes read of the file, rows sent, rows per second.
type progressBar struct {
	w           io.Writer
	label       string
	total, read int64
	rows        int64
	start, last time.Time
}

func (p *progressBar) setBytes(n int64) { p.read = n; p.draw(false) }

func (p *progressBar) setRows(n int64) { p.rows = n; p.draw(false) }

func (p *progressBar) draw(force bool) {
	now := time.Now()
	if !force && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	pct := 100.0
	if p.total > 0 {
		pct = 100 * float64(p.read) / float64(p.total)
	}
	const width = 30
	done := min(width, int(pct*width/100))
	rate := float64(p.rows) / max(now.Sub(p.start).Seconds(), 1e-9)
	fmt.Fprintf(p.w, "\r%s [%s%s] %5.1f%%  %d rows sent  %.0f rows/s ", p.label,
		strings.Repeat("=", done), strings.Repeat(" ", width-done), pct, p.rows, rate)
}

func (p *progressBar) finish() {
	p.draw(true)
	fmt.Fprintln(p.w)
}
