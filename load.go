package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aquila-go/aquila/internal/catalog"
	"github.com/aquila-go/aquila/internal/db"
	"github.com/aquila-go/aquila/model"
)

// loadCmd bulk-loads an NDJSON or CSV file into a catalog table through
// model.BulkCreateSeq: all rows or, on the first bad line or rejected row,
// none.
func loadCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("load", "load [flags] -table TABLE FILE.ndjson|FILE.csv", stderr)
	var dbf dbFlags
	dbf.register(fs)
	table := fs.String("table", "", "catalog table to load: authors, books, tags or book_tags")
	format := fs.String("format", "", "input format, ndjson or csv (default: from the file extension)")
	chunk := fs.Int("chunk-size", model.DefaultChunkSize, "rows per COPY statement")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *table == "" {
		fs.Usage()
		return fmt.Errorf("%w: load needs -table and one file", errUsage)
	}
	if *chunk < 1 {
		return fmt.Errorf("%w: -chunk-size must be at least 1", errUsage)
	}
	path := fs.Arg(0)
	if *format == "" {
		switch strings.ToLower(filepath.Ext(path)) {
		case ".ndjson", ".jsonl", ".json":
			*format = "ndjson"
		case ".csv":
			*format = "csv"
		default:
			return fmt.Errorf("%w: cannot tell the format of %s: use -format ndjson or -format csv", errUsage, path)
		}
	}
	if *format != "ndjson" && *format != "csv" {
		return fmt.Errorf("%w: unknown -format %q (want ndjson or csv)", errUsage, *format)
	}
	c, err := catalog.New()
	if err != nil {
		return err
	}
	l, ok := loaders(c)[*table]
	if !ok {
		return fmt.Errorf("%w: unknown table %q (want authors, books, tags or book_tags)", errUsage, *table)
	}

	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	in := &countingReader{r: f}
	var bar *progressBar
	if isTerminal(stderr) {
		bar = &progressBar{w: stderr, label: "loading " + *table, total: st.Size(), start: time.Now()}
		in.onRead = bar.setBytes
	}
	var recs iter.Seq2[*record, error]
	lines := &lineMap{}
	if *format == "ndjson" {
		recs = ndjsonRecords(in, l.columns(), lines)
	} else {
		recs = csvRecords(in, l.columns(), lines)
	}

	dsn, stop, err := openDSN(ctx, dbf)
	if err != nil {
		return err
	}
	defer stop()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))

	start := time.Now()
	opts := []model.BulkOption{model.WithChunkSize(*chunk)}
	if bar != nil {
		opts = append(opts, model.WithProgress(bar.setRows))
	}
	n, err := l.load(ctx, conn, recs, opts...)
	if bar != nil {
		bar.finish()
	}
	if err != nil {
		var rowErr *model.RowError
		if errors.As(err, &rowErr) {
			return fmt.Errorf("line %d: %w (nothing was loaded)", lines.line(rowErr.Row), err)
		}
		return fmt.Errorf("%w (nothing was loaded)", err)
	}
	secs := time.Since(start).Seconds()
	fmt.Fprintf(stdout, "loaded %d rows into %s in %.2fs (%.0f rows/s)\n", n, *table, secs, float64(n)/secs)
	return nil
}

// loader loads records into one table.
type loader interface {
	columns() []string
	load(ctx context.Context, conn model.DB, recs iter.Seq2[*record, error], opts ...model.BulkOption) (int64, error)
}

type tableLoader[T any] struct {
	b     *model.Binding[T]
	parse func(r *record) T
}

func (l tableLoader[T]) columns() []string { return l.b.Columns() }

func (l tableLoader[T]) load(ctx context.Context, conn model.DB, recs iter.Seq2[*record, error], opts ...model.BulkOption) (int64, error) {
	rows := func(yield func(T, error) bool) {
		for rec, err := range recs {
			var v T
			if err == nil {
				v = l.parse(rec)
				err = rec.err
			}
			if err != nil {
				yield(v, err)
				return
			}
			if !yield(v, nil) {
				return
			}
		}
	}
	return model.BulkCreateSeq(ctx, conn, l.b, rows, opts...)
}

// loaders maps each catalog table to its record parser.
func loaders(c *catalog.Catalog) map[string]loader {
	return map[string]loader{
		"authors": tableLoader[db.Author]{c.Authors, func(r *record) db.Author {
			return db.Author{Name: r.text("name"), Email: r.textOrNull("email"), Bio: r.textOrNull("bio")}
		}},
		"books": tableLoader[db.Book]{c.Books, func(r *record) db.Book {
			return db.Book{
				AuthorID:    r.int64("author_id"),
				Isbn:        r.text("isbn"),
				Title:       r.text("title"),
				PublishedOn: r.date("published_on"),
				PriceCents:  r.int32("price_cents"),
				Pages:       r.int32("pages"),
				Attributes:  r.json("attributes"),
			}
		}},
		"tags": tableLoader[db.Tag]{c.Tags, func(r *record) db.Tag {
			return db.Tag{Name: r.text("name")}
		}},
		"book_tags": tableLoader[db.BookTag]{c.BookTags, func(r *record) db.BookTag {
			return db.BookTag{BookID: r.int64("book_id"), TagID: r.int64("tag_id")}
		}},
	}
}

// field is one input value: JSON (kind is the first byte of the raw value)
// or CSV (kind 0, an empty field is NULL).
type field struct {
	s    string
	null bool
	kind byte
}

// record is one input row. Its typed getters record the first error,
// naming the line and column, in err.
type record struct {
	line int
	vals map[string]field
	err  error
}

func (r *record) fail(col, format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("line %d: column %s: %s", r.line, col, fmt.Sprintf(format, args...))
	}
}

// get returns the value of col; ok is false for NULL or a missing value,
// which is an error when required.
func (r *record) get(col string, required bool) (f field, ok bool) {
	f, present := r.vals[col]
	if !present || f.null {
		if required {
			r.fail(col, "missing value")
		}
		return f, false
	}
	return f, true
}

func (r *record) text(col string) string {
	f, ok := r.get(col, true)
	if ok && f.kind != 0 && f.kind != '"' {
		r.fail(col, "want a string, got %s", f.s)
	}
	return f.s
}

func (r *record) textOrNull(col string) *string {
	f, ok := r.get(col, false)
	if !ok {
		return nil
	}
	if f.kind != 0 && f.kind != '"' {
		r.fail(col, "want a string, got %s", f.s)
	}
	return &f.s
}

func (r *record) integer(col string, bits int) int64 {
	f, ok := r.get(col, true)
	if !ok {
		return 0
	}
	n, err := strconv.ParseInt(f.s, 10, bits)
	if err != nil || f.kind == '"' {
		r.fail(col, "want an integer of %d bits, got %s", bits, f.s)
	}
	return n
}

func (r *record) int64(col string) int64 { return r.integer(col, 64) }

func (r *record) int32(col string) int32 { return int32(r.integer(col, 32)) }

// date accepts 2006-01-02 or an RFC 3339 timestamp (its UTC date).
func (r *record) date(col string) time.Time {
	f, ok := r.get(col, true)
	if !ok {
		return time.Time{}
	}
	if d, err := time.Parse(time.DateOnly, f.s); err == nil {
		return d
	}
	if ts, err := time.Parse(time.RFC3339Nano, f.s); err == nil {
		y, m, d := ts.UTC().Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	r.fail(col, "want a date (2006-01-02), got %q", f.s)
	return time.Time{}
}

// json returns a JSON value: any JSON value in NDJSON, JSON text in CSV.
func (r *record) json(col string) json.RawMessage {
	f, ok := r.get(col, false)
	if !ok {
		return nil
	}
	if f.kind == 0 && !json.Valid([]byte(f.s)) {
		r.fail(col, "want JSON, got %q", f.s)
	}
	return json.RawMessage(f.s)
}

// lineMap maps a row index to its input line. Rows usually sit on
// consecutive lines from a base; only the rows where that changes (after a
// blank line, a multi-line CSV record) are stored.
type lineMap struct {
	rows, lines []int64
}

func (m *lineMap) add(row int64, line int) {
	if n := len(m.rows); n > 0 && m.lines[n-1]+(row-m.rows[n-1]) == int64(line) {
		return
	}
	m.rows, m.lines = append(m.rows, row), append(m.lines, int64(line))
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

// ndjsonRecords reads one JSON object per line; blank lines are skipped.
func ndjsonRecords(in io.Reader, columns []string, lines *lineMap) iter.Seq2[*record, error] {
	allowed := columnSet(columns)
	return func(yield func(*record, error) bool) {
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
		var row int64
		line := 0
		for sc.Scan() {
			line++
			b := bytes.TrimSpace(sc.Bytes())
			if len(b) == 0 {
				continue
			}
			var obj map[string]json.RawMessage
			if err := json.Unmarshal(b, &obj); err != nil {
				yield(nil, fmt.Errorf("line %d: invalid JSON object: %v", line, err))
				return
			}
			rec := &record{line: line, vals: make(map[string]field, len(obj))}
			for k, v := range obj {
				if !allowed[k] {
					yield(nil, fmt.Errorf("line %d: unknown column %q (want %s)", line, k, strings.Join(columns, ", ")))
					return
				}
				f := field{kind: v[0]}
				switch v[0] {
				case 'n':
					f.null = true
				case '"':
					if err := json.Unmarshal(v, &f.s); err != nil {
						yield(nil, fmt.Errorf("line %d: column %s: %v", line, k, err))
						return
					}
				default:
					f.s = string(v)
				}
				rec.vals[k] = f
			}
			lines.add(row, line)
			row++
			if !yield(rec, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield(nil, fmt.Errorf("line %d: %w", line+1, err))
		}
	}
}

// csvRecords reads a CSV file whose header names the columns. An empty
// field is NULL.
func csvRecords(in io.Reader, columns []string, lines *lineMap) iter.Seq2[*record, error] {
	allowed := columnSet(columns)
	return func(yield func(*record, error) bool) {
		r := csv.NewReader(bufio.NewReaderSize(in, 64<<10))
		r.ReuseRecord = true
		header, err := r.Read()
		if err != nil {
			if err == io.EOF {
				return
			}
			yield(nil, fmt.Errorf("line 1: %w", err))
			return
		}
		header = slices.Clone(header)
		for _, h := range header {
			if !allowed[h] {
				yield(nil, fmt.Errorf("line 1: unknown column %q (want %s)", h, strings.Join(columns, ", ")))
				return
			}
		}
		var row int64
		for {
			fields, err := r.Read()
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(nil, err) // csv.ParseError names the line
				return
			}
			line, _ := r.FieldPos(0)
			rec := &record{line: line, vals: make(map[string]field, len(header))}
			for i, h := range header {
				rec.vals[h] = field{s: fields[i], null: fields[i] == ""}
			}
			lines.add(row, line)
			row++
			if !yield(rec, nil) {
				return
			}
		}
	}
}

func columnSet(columns []string) map[string]bool {
	m := make(map[string]bool, len(columns))
	for _, c := range columns {
		m[c] = true
	}
	return m
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
