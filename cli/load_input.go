package cli

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"

	"github.com/aquila-go/aquila/model"
)

// layout is the columns a load writes, with the parser of each.
type layout struct {
	cols  []loadColumn
	index map[string]int
}

type loadColumn struct {
	name    string
	typ     model.Type
	notNull bool
	parse   valueParser
}

// newLayout checks names (read on line) against table: each must be a
// column COPY can write, once, and every NOT NULL column without a default
// must be among them.
func newLayout(t *model.TableDef, names []string, line int64) (*layout, error) {
	l := &layout{index: make(map[string]int, len(names))}
	for _, n := range names {
		c := t.Column(n)
		switch {
		case c == nil:
			return nil, &loadError{Line: line, Err: fmt.Errorf("%w %q (want %s)", errUnknownColumn, n, strings.Join(t.Columns(), ", "))}
		case c.GeneratedAlways():
			return nil, &loadError{Line: line, Column: n, Type: c.Type(), Err: errors.New("the column is GENERATED ALWAYS and cannot be loaded")}
		}
		if _, dup := l.index[n]; dup {
			return nil, &loadError{Line: line, Column: n, Type: c.Type(), Err: errors.New("column named twice")}
		}
		p, err := parserFor(c.Type())
		if err != nil {
			return nil, &loadError{Line: line, Column: n, Type: c.Type(), Err: err}
		}
		l.index[n] = len(l.cols)
		// A serial column is NOT NULL in PostgreSQL whatever the metadata says.
		notNull := !c.Nullable() || c.Type() != c.Type().Base()
		l.cols = append(l.cols, loadColumn{name: n, typ: c.Type(), notNull: notNull, parse: p})
	}
	for _, n := range t.Columns() {
		c := t.Column(n)
		if _, ok := l.index[n]; !ok && !c.Nullable() && !c.HasDefault() {
			return nil, &loadError{Line: line, Column: n, Type: c.Type(), Err: errors.New("missing column: it is NOT NULL and has no default")}
		}
	}
	return l, nil
}

func (l *layout) names() []string {
	names := make([]string, len(l.cols))
	for i, c := range l.cols {
		names[i] = c.name
	}
	return names
}

// badValue is the *loadError of a value column i does not accept.
func (l *layout) badValue(line int64, i int, value string, err error) *loadError {
	const maxValue = 60
	if len(value) > maxValue {
		value = value[:maxValue] + "…"
	}
	c := l.cols[i]
	return &loadError{Line: line, Column: c.name, Type: c.typ, Value: value, Err: fmt.Errorf("%w: %w", errBadValue, err)}
}

// checkNulls rejects a row whose NOT NULL column is NULL or, in an NDJSON
// object (obj), absent.
func (l *layout) checkNulls(line int64, row []any, obj map[string]json.RawMessage) error {
	for i, c := range l.cols {
		if row[i] != nil || !c.notNull {
			continue
		}
		err := errMissingValue
		if _, ok := obj[c.name]; obj != nil && !ok {
			err = fmt.Errorf("%w: every line must give it once the first does (COPY cannot take the default for some rows only)", errMissingValue)
		}
		return &loadError{Line: line, Column: c.name, Type: c.typ, Err: err}
	}
	return nil
}

// ndjsonSource reads one JSON object per line; blank lines are skipped.
type ndjsonSource struct {
	sc        *bufio.Scanner
	lineNo    int64 // the line read last
	lay       *layout
	first     map[string]json.RawMessage // the first object, read to find the columns
	firstLine int64
	lines     lineMap
}

// newNDJSONSource reads up to the first object. The columns are names
// when given, else the table's columns without a server-side default plus
// the keys of the first object.
func newNDJSONSource(in io.Reader, t *model.TableDef, names []string) (*ndjsonSource, error) {
	s := &ndjsonSource{sc: bufio.NewScanner(in)}
	s.sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	first, err := s.next()
	if err != nil {
		return nil, err
	}
	s.first, s.firstLine = first, max(s.lineNo, 1)
	if names == nil {
		for _, n := range t.Columns() {
			c := t.Column(n)
			if _, ok := first[n]; ok || (!c.HasDefault() && !c.GeneratedAlways()) {
				names = append(names, n)
			}
		}
		for k := range first {
			if t.Column(k) == nil {
				names = append(names, k) // newLayout names it
			}
		}
	}
	if s.lay, err = newLayout(t, names, s.firstLine); err != nil {
		return nil, err
	}
	return s, nil
}

// next reads the next object, or nil at the end of the input.
func (s *ndjsonSource) next() (map[string]json.RawMessage, error) {
	for s.sc.Scan() {
		s.lineNo++
		if b := bytes.TrimSpace(s.sc.Bytes()); len(b) > 0 {
			return parseObject(b, s.lineNo)
		}
	}
	if err := s.sc.Err(); err != nil {
		return nil, &loadError{Line: s.lineNo + 1, Err: err}
	}
	return nil, nil
}

func parseObject(b []byte, line int64) (map[string]json.RawMessage, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, &loadError{Line: line, Err: fmt.Errorf("invalid JSON object: %w", err)}
	}
	if obj == nil {
		return nil, &loadError{Line: line, Err: errors.New("invalid JSON object: null")}
	}
	return obj, nil
}

func (s *ndjsonSource) columns() []string { return s.lay.names() }

func (s *ndjsonSource) line(row int64) int64 { return s.lines.line(row) }

func (s *ndjsonSource) rows() iter.Seq2[[]any, error] {
	return func(yield func([]any, error) bool) {
		obj, line := s.first, s.firstLine
		for n := int64(0); obj != nil; n++ {
			row, err := s.row(obj, line)
			if err != nil {
				yield(nil, err)
				return
			}
			s.lines.add(n, line)
			if !yield(row, nil) {
				return
			}
			if obj, err = s.next(); err != nil {
				yield(nil, err)
				return
			}
			line = s.lineNo
		}
	}
}

// row parses one object's values; an absent key is NULL.
func (s *ndjsonSource) row(obj map[string]json.RawMessage, line int64) ([]any, error) {
	row := make([]any, len(s.lay.cols))
	for k, raw := range obj {
		i, ok := s.lay.index[k]
		if !ok {
			return nil, &loadError{Line: line, Err: fmt.Errorf("%w %q (the columns loaded are %s; -columns sets them)",
				errUnknownColumn, k, strings.Join(s.lay.names(), ", "))}
		}
		if string(raw) == "null" {
			continue
		}
		v, err := s.lay.cols[i].parse.json(raw)
		if err != nil {
			return nil, s.lay.badValue(line, i, string(raw), err)
		}
		row[i] = v
	}
	return row, s.lay.checkNulls(line, row, obj)
}

// csvSource reads a CSV file whose header names the columns. An empty
// field is NULL.
type csvSource struct {
	r     *csv.Reader
	lay   *layout
	lines lineMap
}

func newCSVSource(in io.Reader, t *model.TableDef) (*csvSource, error) {
	r := csv.NewReader(bufio.NewReaderSize(in, 64<<10))
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		if err == io.EOF {
			return nil, &loadError{Line: 1, Err: errors.New("empty file: the first line must name the columns")}
		}
		return nil, csvError(err)
	}
	header = slices.Clone(header)
	header[0] = strings.TrimPrefix(header[0], "\uFEFF")
	lay, err := newLayout(t, header, 1)
	if err != nil {
		return nil, err
	}
	return &csvSource{r: r, lay: lay}, nil
}

// csvError turns a csv.ParseError into a *loadError naming its line.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &loadError{Line: int64(pe.StartLine), Err: pe.Err}
	}
	return err
}

func (s *csvSource) columns() []string { return s.lay.names() }

func (s *csvSource) line(row int64) int64 { return s.lines.line(row) }

func (s *csvSource) rows() iter.Seq2[[]any, error] {
	return func(yield func([]any, error) bool) {
		var n int64
		for {
			fields, err := s.r.Read()
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(nil, csvError(err))
				return
			}
			l, _ := s.r.FieldPos(0)
			line := int64(l)
			row := make([]any, len(fields))
			for i, f := range fields {
				if f == "" {
					continue
				}
				v, err := s.lay.cols[i].parse.text(f)
				if err != nil {
					yield(nil, s.lay.badValue(line, i, f, err))
					return
				}
				row[i] = v
			}
			if err := s.lay.checkNulls(line, row, nil); err != nil {
				yield(nil, err)
				return
			}
			s.lines.add(n, line)
			n++
			if !yield(row, nil) {
				return
			}
		}
	}
}
