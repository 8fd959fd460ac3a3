package model

import (
	"encoding/binary"
	"io"
	"math"
	"time"
)

// Field binds one column to a typed getter of the row type T, for
// BindFields. Its constructors (Int64, String, Time, ...) take the column
// name and a getter; a pointer getter (Int64Ptr, ...) writes NULL for nil.
// The Go type is checked against the column's type when binding.
type Field[T any] struct {
	column string
	kind   string // the Go type, for error messages
	bind   func(t Type) encoder[T]
}

// encoder appends one value of a row to a binary COPY stream.
type encoder[T any] func(buf []byte, row *T) []byte

// pgEpochMicros is 2000-01-01 00:00:00 UTC, PostgreSQL's epoch, in Unix
// microseconds; pgEpochDays the same in Unix days.
const (
	pgEpochMicros = 946_684_800_000_000
	pgEpochDays   = 10_957
)

func appendNull(b []byte) []byte { return append(b, 0xff, 0xff, 0xff, 0xff) }

func appendInt16(b []byte, v int16) []byte {
	return binary.BigEndian.AppendUint16(append(b, 0, 0, 0, 2), uint16(v))
}

func appendInt32(b []byte, v int32) []byte {
	return binary.BigEndian.AppendUint32(append(b, 0, 0, 0, 4), uint32(v))
}

func appendInt64(b []byte, v int64) []byte {
	return binary.BigEndian.AppendUint64(append(b, 0, 0, 0, 8), uint64(v))
}

func appendText(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

func appendBytes(b []byte, s []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// appendJSONB writes jsonb's binary format: version 1, then the JSON text.
func appendJSONB[S string | []byte](b []byte, s S) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)+1))
	b = append(b, 1)
	return append(b, s...)
}

// timeEncoder returns the binary encoder of a time.Time for a date,
// timestamp or timestamptz column, like pgx's codecs: a date is the time's
// calendar day, a timestamp its wall clock, a timestamptz its instant.
func timeEncoder(t Type) func(b []byte, v time.Time) []byte {
	switch t {
	case Date:
		return func(b []byte, v time.Time) []byte {
			y, m, d := v.Date()
			days := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()/86400 - pgEpochDays
			return appendInt32(b, int32(days))
		}
	case Timestamp:
		return func(b []byte, v time.Time) []byte {
			_, off := v.Zone()
			return appendInt64(b, v.UnixMicro()+int64(off)*1_000_000-pgEpochMicros)
		}
	case TimestampTZ:
		return func(b []byte, v time.Time) []byte { return appendInt64(b, v.UnixMicro()-pgEpochMicros) }
	}
	return nil
}

// scalar builds a Field for a non-nullable Go value whose encoding depends
// only on the column type's storage type.
func scalar[T, V any](column, kind string, get func(*T) V, enc func(t Type) func([]byte, V) []byte) Field[T] {
	return Field[T]{column: column, kind: kind, bind: func(t Type) encoder[T] {
		e := enc(t.Base())
		if e == nil {
			return nil
		}
		return func(b []byte, r *T) []byte { return e(b, get(r)) }
	}}
}

// nullable is scalar for a pointer getter: nil is NULL.
func nullable[T, V any](column, kind string, get func(*T) *V, enc func(t Type) func([]byte, V) []byte) Field[T] {
	return Field[T]{column: column, kind: kind, bind: func(t Type) encoder[T] {
		e := enc(t.Base())
		if e == nil {
			return nil
		}
		return func(b []byte, r *T) []byte {
			if v := get(r); v != nil {
				return e(b, *v)
			}
			return appendNull(b)
		}
	}}
}

func only[V any](want Type, e func([]byte, V) []byte) func(Type) func([]byte, V) []byte {
	return func(t Type) func([]byte, V) []byte {
		if t != want {
			return nil
		}
		return e
	}
}

func int16Enc(t Type) func([]byte, int16) []byte { return only(SmallInt, appendInt16)(t) }
func int32Enc(t Type) func([]byte, int32) []byte { return only(Integer, appendInt32)(t) }
func int64Enc(t Type) func([]byte, int64) []byte { return only(BigInt, appendInt64)(t) }

func boolEnc(t Type) func([]byte, bool) []byte {
	return only(Boolean, func(b []byte, v bool) []byte {
		if v {
			return append(b, 0, 0, 0, 1, 1)
		}
		return append(b, 0, 0, 0, 1, 0)
	})(t)
}

func float64Enc(t Type) func([]byte, float64) []byte {
	return only(Double, func(b []byte, v float64) []byte {
		return binary.BigEndian.AppendUint64(append(b, 0, 0, 0, 8), math.Float64bits(v))
	})(t)
}

func float32Enc(t Type) func([]byte, float32) []byte {
	return only(Real, func(b []byte, v float32) []byte {
		return binary.BigEndian.AppendUint32(append(b, 0, 0, 0, 4), math.Float32bits(v))
	})(t)
}

// stringEnc writes text, varchar and json as their text, jsonb with its
// version byte.
func stringEnc(t Type) func([]byte, string) []byte {
	switch {
	case t == Text || t == JSON || isVarchar(t):
		return appendText
	case t == JSONB:
		return appendJSONB[string]
	}
	return nil
}

// bytesEnc writes bytea, json and jsonb; a nil slice is NULL.
func bytesEnc(t Type) func([]byte, []byte) []byte {
	var e func([]byte, []byte) []byte
	switch t {
	case Bytea, JSON:
		e = appendBytes
	case JSONB:
		e = appendJSONB[[]byte]
	default:
		return nil
	}
	return func(b []byte, v []byte) []byte {
		if v == nil {
			return appendNull(b)
		}
		return e(b, v)
	}
}

func isVarchar(t Type) bool {
	return len(t) > len("varchar(") && string(t[:len("varchar(")]) == "varchar(" && !t.IsArray()
}

// Int16 binds a smallint column.
func Int16[T any](column string, get func(*T) int16) Field[T] {
	return scalar(column, "int16", get, int16Enc)
}

// Int32 binds an integer column.
func Int32[T any](column string, get func(*T) int32) Field[T] {
	return scalar(column, "int32", get, int32Enc)
}

// Int64 binds a bigint column.
func Int64[T any](column string, get func(*T) int64) Field[T] {
	return scalar(column, "int64", get, int64Enc)
}

// Float32 binds a real column.
func Float32[T any](column string, get func(*T) float32) Field[T] {
	return scalar(column, "float32", get, float32Enc)
}

// Float64 binds a double precision column.
func Float64[T any](column string, get func(*T) float64) Field[T] {
	return scalar(column, "float64", get, float64Enc)
}

// Bool binds a boolean column.
func Bool[T any](column string, get func(*T) bool) Field[T] {
	return scalar(column, "bool", get, boolEnc)
}

// String binds a text, varchar, json or jsonb column.
func String[T any](column string, get func(*T) string) Field[T] {
	return scalar(column, "string", get, stringEnc)
}

// Bytes binds a bytea, json or jsonb column (json.RawMessage included);
// a nil slice is NULL.
func Bytes[T any](column string, get func(*T) []byte) Field[T] {
	return scalar(column, "[]byte", get, bytesEnc)
}

// Time binds a date, timestamp or timestamptz column.
func Time[T any](column string, get func(*T) time.Time) Field[T] {
	return scalar(column, "time.Time", get, timeEncoder)
}

// Int16Ptr binds a nullable smallint column.
func Int16Ptr[T any](column string, get func(*T) *int16) Field[T] {
	return nullable(column, "*int16", get, int16Enc)
}

// Int32Ptr binds a nullable integer column.
func Int32Ptr[T any](column string, get func(*T) *int32) Field[T] {
	return nullable(column, "*int32", get, int32Enc)
}

// Int64Ptr binds a nullable bigint column.
func Int64Ptr[T any](column string, get func(*T) *int64) Field[T] {
	return nullable(column, "*int64", get, int64Enc)
}

// Float64Ptr binds a nullable double precision column.
func Float64Ptr[T any](column string, get func(*T) *float64) Field[T] {
	return nullable(column, "*float64", get, float64Enc)
}

// BoolPtr binds a nullable boolean column.
func BoolPtr[T any](column string, get func(*T) *bool) Field[T] {
	return nullable(column, "*bool", get, boolEnc)
}

// StringPtr binds a nullable text, varchar, json or jsonb column.
func StringPtr[T any](column string, get func(*T) *string) Field[T] {
	return nullable(column, "*string", get, stringEnc)
}

// TimePtr binds a nullable date, timestamp or timestamptz column.
func TimePtr[T any](column string, get func(*T) *time.Time) Field[T] {
	return nullable(column, "*time.Time", get, timeEncoder)
}

// BindFields binds table (from a Registry) to the row type T through typed
// fields, one per column written:
//
//	books, err := model.BindFields(reg.Table("books"),
//		model.Int64("author_id", func(b *db.Book) int64 { return b.AuthorID }),
//		model.String("isbn", func(b *db.Book) string { return b.Isbn }),
//		model.Time("published_on", func(b *db.Book) time.Time { return b.PublishedOn }),
//		model.Bytes("attributes", func(b *db.Book) []byte { return b.Attributes }))
//
// Each field's Go type must match its column's type (int64 for bigint,
// time.Time for date, ...), or BindFields returns ErrFieldType. Bulk
// operations then encode PostgreSQL's binary COPY format straight from the
// typed values: no []any, no boxing, no per-value codec lookup, and no
// allocation per row. Array columns and types without a field constructor
// need Bind.
func BindFields[T any](table *TableDef, fields ...Field[T]) (*Binding[T], error) {
	cols := make([]string, len(fields))
	for i, f := range fields {
		cols[i] = f.column
	}
	if err := checkBinding(table, cols); err != nil {
		return nil, err
	}
	enc := make([]encoder[T], len(fields))
	for i, f := range fields {
		c := table.Column(f.column)
		if f.bind == nil {
			return nil, &Error{Table: table.name, Column: f.column, Err: ErrFieldType, Detail: "zero Field"}
		}
		if enc[i] = f.bind(c.typ); enc[i] == nil {
			return nil, &Error{Table: table.name, Column: f.column, Err: ErrFieldType,
				Detail: f.kind + " for a " + string(c.typ) + " column"}
		}
	}
	return &Binding[T]{table: table, columns: cols, colList: identList(cols), fields: enc}, nil
}

// copyReader is the binary COPY stream of a chunk of rows, encoded into
// a reused buffer as pgconn reads it. next yields the chunk's rows; the
// row it returns is encoded before next is called again.
type copyReader[T any] struct {
	next     func() (*T, bool)
	fields   []encoder[T]
	buf      []byte
	off      int
	started  bool
	finished bool
}

// copyHeader is the binary COPY signature, flags and header extension length.
const copyHeader = "PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00"

func (r *copyReader[T]) reset(next func() (*T, bool)) {
	r.next, r.off, r.started, r.finished = next, 0, false, false
	r.buf = r.buf[:0]
}

// copyBufSize is about how much encoded data copyReader holds at a time:
// what pgconn sends per CopyData message.
const copyBufSize = 64 << 10

// Read fills p with whole rows and the start of the next one, so that each
// CopyData message pgconn sends is full: encoding stops once r.buf holds
// enough to fill p, and the rest of the last row is sent next time.
func (r *copyReader[T]) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if r.off == len(r.buf) {
			if r.finished {
				break
			}
			r.fill(len(p) - n)
		}
		c := copy(p[n:], r.buf[r.off:])
		r.off += c
		n += c
	}
	if n == 0 && len(p) > 0 {
		return 0, io.EOF
	}
	return n, nil
}

// fill encodes rows into r.buf until it holds at least want bytes (capped
// at copyBufSize) or the rows run out, adding the stream's header before
// the first row and its trailer after the last.
func (r *copyReader[T]) fill(want int) {
	want = min(want, copyBufSize)
	b := r.buf[:0]
	if !r.started {
		b = append(b, copyHeader...)
		r.started = true
	}
	n := uint16(len(r.fields))
	for len(b) < want {
		row, ok := r.next()
		if !ok {
			b = append(b, 0xff, 0xff) // trailer
			r.finished = true
			break
		}
		b = binary.BigEndian.AppendUint16(b, n)
		for _, e := range r.fields {
			b = e(b, row)
		}
	}
	r.buf, r.off = b, 0
}
