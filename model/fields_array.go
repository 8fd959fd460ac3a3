package model

import (
	"encoding/binary"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// elemOID is the type OID of an array column's elements, which the binary
// array format names and the server checks.
func elemOID(t Type) uint32 {
	switch {
	case isVarchar(t):
		return 1043
	case isNumeric(t):
		return 1700
	}
	switch t {
	case SmallInt:
		return 21
	case Integer:
		return 23
	case BigInt:
		return 20
	case Boolean:
		return 16
	case Text:
		return 25
	case Real:
		return 700
	case Double:
		return 701
	case Date:
		return 1082
	case Timestamp:
		return 1114
	case TimestampTZ:
		return 1184
	case UUID:
		return 2950
	case JSON:
		return 114
	case JSONB:
		return 3802
	case Bytea:
		return 17
	}
	return 0
}

// arrayOf turns the encoder of an element type into the encoder of a
// one-dimensional array column of it: a nil slice is NULL, an empty one
// the empty array, and elements are encoded as the scalar column would
// encode them (a NULL element sets the array's null flag).
func arrayOf[E any](elem func(Type) func([]byte, E) []byte) func(Type) func([]byte, []E) []byte {
	return func(t Type) func([]byte, []E) []byte {
		if !t.IsArray() {
			return nil
		}
		et := t.Elem()
		e, oid := elem(et), elemOID(et)
		if e == nil || oid == 0 {
			return nil
		}
		return func(b []byte, v []E) []byte {
			if v == nil {
				return appendNull(b)
			}
			start := len(b)
			b = append(b, 0, 0, 0, 0) // length, set below
			if len(v) == 0 {
				b = append(b, 0, 0, 0, 0, 0, 0, 0, 0) // no dimension, no null
				b = binary.BigEndian.AppendUint32(b, oid)
			} else {
				b = append(b, 0, 0, 0, 1, 0, 0, 0, 0) // one dimension, null flag set below
				b = binary.BigEndian.AppendUint32(b, oid)
				b = binary.BigEndian.AppendUint32(b, uint32(len(v)))
				b = append(b, 0, 0, 0, 1) // lower bound
				hasNull := false
				for i := range v {
					at := len(b)
					b = e(b, v[i])
					if binary.BigEndian.Uint32(b[at:]) == 0xffffffff {
						hasNull = true
					}
				}
				if hasNull {
					b[start+11] = 1
				}
			}
			binary.BigEndian.PutUint32(b[start:], uint32(len(b)-start-4))
			return b
		}
	}
}

// convert adapts the encoder of V to a type defined on V's underlying type.
func convert[D, V any](enc func(Type) func([]byte, V) []byte, to func(D) V) func(Type) func([]byte, D) []byte {
	return func(t Type) func([]byte, D) []byte {
		e := enc(t)
		if e == nil {
			return nil
		}
		return func(b []byte, d D) []byte { return e(b, to(d)) }
	}
}

// Int16Array binds a smallint[] column; a nil slice is NULL.
func Int16Array[T any](column string, get func(*T) []int16) Field[T] {
	return scalar(column, "[]int16", get, arrayOf(int16Enc))
}

// Int32Array binds an integer[] column; a nil slice is NULL.
func Int32Array[T any](column string, get func(*T) []int32) Field[T] {
	return scalar(column, "[]int32", get, arrayOf(int32Enc))
}

// Int64Array binds a bigint[] column; a nil slice is NULL.
func Int64Array[T any](column string, get func(*T) []int64) Field[T] {
	return scalar(column, "[]int64", get, arrayOf(int64Enc))
}

// Float32Array binds a real[] column; a nil slice is NULL.
func Float32Array[T any](column string, get func(*T) []float32) Field[T] {
	return scalar(column, "[]float32", get, arrayOf(float32Enc))
}

// Float64Array binds a double precision[] column; a nil slice is NULL.
func Float64Array[T any](column string, get func(*T) []float64) Field[T] {
	return scalar(column, "[]float64", get, arrayOf(float64Enc))
}

// BoolArray binds a boolean[] column; a nil slice is NULL.
func BoolArray[T any](column string, get func(*T) []bool) Field[T] {
	return scalar(column, "[]bool", get, arrayOf(boolEnc))
}

// StringArray binds a text[], varchar(n)[], json[] or jsonb[] column to a
// slice of strings or of a type defined on string; a nil slice is NULL.
func StringArray[T any, S ~string](column string, get func(*T) []S) Field[T] {
	return scalar(column, "[]string", get, arrayOf(convert(stringEnc, func(s S) string { return string(s) })))
}

// BytesArray binds a bytea[], json[] or jsonb[] column to a slice of byte
// slices or of a type defined on []byte (json.RawMessage); a nil slice is
// NULL, and so is a nil element.
func BytesArray[T any, B ~[]byte](column string, get func(*T) []B) Field[T] {
	return scalar(column, "[][]byte", get, arrayOf(convert(bytesEnc, func(b B) []byte { return []byte(b) })))
}

// TimeArray binds a date[], timestamp[] or timestamptz[] column; a nil
// slice is NULL.
func TimeArray[T any](column string, get func(*T) []time.Time) Field[T] {
	return scalar(column, "[]time.Time", get, arrayOf(timeEncoder))
}

// UUIDBytesArray binds a uuid[] column to a slice of [16]byte or of a type
// defined on it ([]uuid.UUID); a nil slice is NULL.
func UUIDBytesArray[T any, U ~[16]byte](column string, get func(*T) []U) Field[T] {
	return scalar(column, "[][16]byte", get, arrayOf(convert(uuidEnc, func(u U) [16]byte { return [16]byte(u) })))
}

// PgTextArray binds a text[], varchar(n)[], json[] or jsonb[] column.
func PgTextArray[T any](column string, get func(*T) []pgtype.Text) Field[T] {
	return scalar(column, "[]pgtype.Text", get, arrayOf(pgTextEnc))
}

// PgInt2Array binds a smallint[] column.
func PgInt2Array[T any](column string, get func(*T) []pgtype.Int2) Field[T] {
	return scalar(column, "[]pgtype.Int2", get, arrayOf(pgInt2Enc))
}

// PgInt4Array binds an integer[] column.
func PgInt4Array[T any](column string, get func(*T) []pgtype.Int4) Field[T] {
	return scalar(column, "[]pgtype.Int4", get, arrayOf(pgInt4Enc))
}

// PgInt8Array binds a bigint[] column.
func PgInt8Array[T any](column string, get func(*T) []pgtype.Int8) Field[T] {
	return scalar(column, "[]pgtype.Int8", get, arrayOf(pgInt8Enc))
}

// PgFloat4Array binds a real[] column.
func PgFloat4Array[T any](column string, get func(*T) []pgtype.Float4) Field[T] {
	return scalar(column, "[]pgtype.Float4", get, arrayOf(pgFloat4Enc))
}

// PgFloat8Array binds a double precision[] column.
func PgFloat8Array[T any](column string, get func(*T) []pgtype.Float8) Field[T] {
	return scalar(column, "[]pgtype.Float8", get, arrayOf(pgFloat8Enc))
}

// PgBoolArray binds a boolean[] column.
func PgBoolArray[T any](column string, get func(*T) []pgtype.Bool) Field[T] {
	return scalar(column, "[]pgtype.Bool", get, arrayOf(pgBoolEnc))
}

// PgDateArray binds a date[], timestamp[] or timestamptz[] column.
func PgDateArray[T any](column string, get func(*T) []pgtype.Date) Field[T] {
	return scalar(column, "[]pgtype.Date", get, arrayOf(pgDateEnc))
}

// PgTimestampArray binds a date[], timestamp[] or timestamptz[] column.
func PgTimestampArray[T any](column string, get func(*T) []pgtype.Timestamp) Field[T] {
	return scalar(column, "[]pgtype.Timestamp", get, arrayOf(pgTimestampEnc))
}

// PgTimestamptzArray binds a date[], timestamp[] or timestamptz[] column.
func PgTimestamptzArray[T any](column string, get func(*T) []pgtype.Timestamptz) Field[T] {
	return scalar(column, "[]pgtype.Timestamptz", get, arrayOf(pgTimestamptzEnc))
}

// PgUUIDArray binds a uuid[] column.
func PgUUIDArray[T any](column string, get func(*T) []pgtype.UUID) Field[T] {
	return scalar(column, "[]pgtype.UUID", get, arrayOf(pgUUIDEnc))
}

// PgNumericArray binds a numeric(p,s)[] column.
func PgNumericArray[T any](column string, get func(*T) []pgtype.Numeric) Field[T] {
	return scalar(column, "[]pgtype.Numeric", get, arrayOf(numericEnc))
}
