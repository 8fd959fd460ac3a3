package cli

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aquila-go/aquila/model"
)

// loadError is a line of a load input that cannot be loaded: malformed,
// naming an unknown column, holding a value its column's type does not
// accept, or rejected by the server. Nothing is loaded when load fails
// with one.
type loadError struct {
	Line   int64      // 1-based line of the input
	Column string     // the column, empty for a line-level problem
	Type   model.Type // the column's type
	Value  string     // the offending value as it appears in the input (shortened)
	Err    error
}

func (e *loadError) Error() string {
	var b strings.Builder
	b.WriteString("line ")
	b.WriteString(strconv.FormatInt(e.Line, 10))
	if e.Column != "" {
		fmt.Fprintf(&b, ": column %s (%s)", e.Column, e.Type)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	if e.Value != "" {
		b.WriteString(": ")
		b.WriteString(strconv.Quote(e.Value))
	}
	return b.String()
}

func (e *loadError) Unwrap() error { return e.Err }

// Input errors inside a *loadError.
var (
	errUnknownColumn = errors.New("unknown column")
	errMissingValue  = errors.New("missing value for a NOT NULL column")
	errBadValue      = errors.New("invalid value")
)

// loadCmd bulk-loads an NDJSON or CSV file into a table of the service's
// registry through model.BulkCreateSeq: all rows or, on the first bad line
// or rejected row, none.
func loadCmd(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlagSet("load", "load [flags] -table TABLE FILE.ndjson|FILE.csv")
	var dbf dbFlags
	dbf.register(fs)
	table := fs.String("table", "", "table to load")
	fs.fromEnv("table", "LOAD_TABLE")
	format := fs.String("format", "", "input format, ndjson or csv (default: from the file extension)")
	fs.fromEnv("format", "LOAD_FORMAT")
	var columns []string
	fs.Var(&listVar{&columns}, "columns", "NDJSON: the columns to write, comma-separated (default: those without a server default, plus the first line's keys); a CSV file's header names its columns")
	fs.fromEnv("columns", "LOAD_COLUMNS")
	chunk := fs.Int("chunk-size", model.DefaultChunkSize, "rows per COPY statement")
	fs.fromEnv("chunk-size", "LOAD_CHUNK_SIZE")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *table == "" {
		return fs.usageError("load needs -table and one file")
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
	if *format == "csv" && len(columns) > 0 {
		return fmt.Errorf("%w: -columns is for NDJSON: a CSV file's header names its columns", errUsage)
	}
	reg, err := r.registry()
	if err != nil {
		return err
	}
	t := reg.Table(*table)
	if t == nil {
		var names []string
		for _, t := range reg.Tables() {
			names = append(names, t.Name())
		}
		return fmt.Errorf("%w: unknown table %q (want %s)", errUsage, *table, strings.Join(names, ", "))
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
	if isTerminal(r.stderr) {
		bar = &progressBar{w: r.stderr, label: "loading " + *table, total: st.Size(), start: time.Now()}
		in.onRead = bar.setBytes
	}
	var src rowSource
	if *format == "ndjson" {
		src, err = newNDJSONSource(in, t, columns)
	} else {
		src, err = newCSVSource(in, t)
	}
	if err != nil {
		return fmt.Errorf("%w (nothing was loaded)", err)
	}
	b, err := model.Bind(t, src.columns(), func(row *[]any, dst []any) []any { return append(dst, *row...) })
	if err != nil {
		return err
	}

	conn, closeConn, err := r.dial(ctx, dbf)
	if err != nil {
		return err
	}
	defer closeConn()

	start := time.Now()
	opts := []model.BulkOption{model.WithChunkSize(*chunk)}
	if bar != nil {
		opts = append(opts, model.WithProgress(bar.setRows))
	}
	n, err := model.BulkCreateSeq(ctx, conn, b, src.rows(), opts...)
	if bar != nil {
		bar.finish()
	}
	if err != nil {
		var rowErr *model.RowError
		if errors.As(err, &rowErr) {
			// The server named the row it rejected: name its line.
			err = fmt.Errorf("copy %s: %w", *table, &loadError{Line: src.line(rowErr.Row), Err: rowErr.Err})
		}
		return fmt.Errorf("%w (nothing was loaded)", err)
	}
	secs := time.Since(start).Seconds()
	fmt.Fprintf(r.stdout, "loaded %d rows into %s in %.2fs (%.0f rows/s)\n", n, *table, secs, float64(n)/secs)
	return nil
}

// rowSource reads the rows of a load input.
type rowSource interface {
	// columns are the columns every row holds a value for, in order.
	columns() []string
	// rows yields each row's values, or a *loadError and stops.
	rows() iter.Seq2[[]any, error]
	// line is the input line of the row with a 0-based index.
	line(row int64) int64
}
