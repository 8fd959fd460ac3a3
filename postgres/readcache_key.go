package postgres

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// appendArgs encodes args into a key: a type tag and the value for every
// argument. Two argument lists with the same encoding are sent to the
// server as the same values for the same statement. An argument of a type
// it does not know makes it report false.
func appendArgs(b []byte, args []any) ([]byte, bool) {
	for _, a := range args {
		var ok bool
		if b, ok = appendArg(b, a); !ok {
			return b, false
		}
	}
	return b, true
}

func appendArg(b []byte, a any) ([]byte, bool) {
	switch v := a.(type) {
	case nil:
		return append(b, 'n'), true
	case string:
		return appendStr(append(b, 's'), v), true
	case int64:
		return appendInt(b, v), true
	case int32:
		return appendInt(b, int64(v)), true
	case int:
		return appendInt(b, int64(v)), true
	case int16:
		return appendInt(b, int64(v)), true
	case int8:
		return appendInt(b, int64(v)), true
	case uint8:
		return appendInt(b, int64(v)), true
	case uint16:
		return appendInt(b, int64(v)), true
	case uint32:
		return appendInt(b, int64(v)), true
	case uint64:
		if v > math.MaxInt64 {
			return binary.BigEndian.AppendUint64(append(b, 'u'), v), true
		}
		return appendInt(b, int64(v)), true
	case bool:
		if v {
			return append(b, 'b', 1), true
		}
		return append(b, 'b', 0), true
	case float64:
		return binary.BigEndian.AppendUint64(append(b, 'f'), math.Float64bits(v)), true
	case float32:
		return binary.BigEndian.AppendUint64(append(b, 'f'), math.Float64bits(float64(v))), true
	case time.Time:
		return appendTime(b, v), true
	case []byte:
		if v == nil {
			return append(b, 'n'), true
		}
		return appendStr(append(b, 'y'), string(v)), true
	case json.RawMessage:
		if v == nil {
			return append(b, 'n'), true
		}
		return appendStr(append(b, 'y'), string(v)), true
	case [16]byte:
		return append(append(b, 'U'), v[:]...), true
	case *string:
		if v == nil {
			return append(b, 'n'), true
		}
		return appendArg(b, *v)
	case *int64:
		if v == nil {
			return append(b, 'n'), true
		}
		return appendInt(b, *v), true
	case *int32:
		if v == nil {
			return append(b, 'n'), true
		}
		return appendInt(b, int64(*v)), true
	case *int:
		if v == nil {
			return append(b, 'n'), true
		}
		return appendInt(b, int64(*v)), true
	case *bool:
		if v == nil {
			return append(b, 'n'), true
		}
		return appendArg(b, *v)
	case *float64:
		if v == nil {
			return append(b, 'n'), true
		}
		return appendArg(b, *v)
	case *time.Time:
		if v == nil {
			return append(b, 'n'), true
		}
		return appendTime(b, *v), true
	case []int64:
		if v == nil {
			return append(b, 'n'), true
		}
		b = binary.AppendUvarint(append(b, 'A', 'i'), uint64(len(v)))
		for _, x := range v {
			b = binary.BigEndian.AppendUint64(b, uint64(x))
		}
		return b, true
	case []int32:
		if v == nil {
			return append(b, 'n'), true
		}
		b = binary.AppendUvarint(append(b, 'A', 'i'), uint64(len(v)))
		for _, x := range v {
			b = binary.BigEndian.AppendUint64(b, uint64(int64(x)))
		}
		return b, true
	case []string:
		if v == nil {
			return append(b, 'n'), true
		}
		b = binary.AppendUvarint(append(b, 'A', 's'), uint64(len(v)))
		for _, x := range v {
			b = appendStr(b, x)
		}
		return b, true
	case pgtype.Text:
		if !v.Valid {
			return append(b, 'n'), true
		}
		return appendStr(append(b, 's'), v.String), true
	case pgtype.Int8:
		if !v.Valid {
			return append(b, 'n'), true
		}
		return appendInt(b, v.Int64), true
	case pgtype.Int4:
		if !v.Valid {
			return append(b, 'n'), true
		}
		return appendInt(b, int64(v.Int32)), true
	case pgtype.Bool:
		if !v.Valid {
			return append(b, 'n'), true
		}
		return appendArg(b, v.Bool)
	case pgtype.UUID:
		if !v.Valid {
			return append(b, 'n'), true
		}
		return append(append(b, 'U'), v.Bytes[:]...), true
	case pgx.QueryExecMode:
		return binary.AppendVarint(append(b, 'M'), int64(v)), true
	}
	return b, false
}

func appendInt(b []byte, v int64) []byte {
	return binary.AppendVarint(append(b, 'i'), v)
}

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendTime encodes the instant and the zone offset: together they fix
// what pgx sends for date, timestamp and timestamptz parameters.
func appendTime(b []byte, t time.Time) []byte {
	_, off := t.Zone()
	b = binary.AppendVarint(append(b, 't'), t.Unix())
	b = binary.AppendUvarint(b, uint64(t.Nanosecond()))
	return binary.AppendVarint(b, int64(off))
}
