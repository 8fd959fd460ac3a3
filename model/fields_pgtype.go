package model

import (
	"math"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// The field constructors for the types sqlc's pgx/v5 output uses besides
// plain Go ones: pgtype's nullable structs (NULL when Valid is false),
// pgtype.Numeric and uuid values as [16]byte. Like the plain ones they
// encode straight into the COPY buffer without allocating.

// orNull turns the encoder of V into one of a nullable P: split returns
// the value and whether it is valid; an invalid one is written as NULL.
func orNull[P, V any](enc func(Type) func([]byte, V) []byte, split func(P) (V, bool)) func(Type) func([]byte, P) []byte {
	return func(t Type) func([]byte, P) []byte {
		e := enc(t)
		if e == nil {
			return nil
		}
		return func(b []byte, p P) []byte {
			if v, ok := split(p); ok {
				return e(b, v)
			}
			return appendNull(b)
		}
	}
}

// infinite writes PostgreSQL's infinity or -infinity for a date or
// timestamp column when m says so.
func infinite(t Type, m pgtype.InfinityModifier, b []byte) ([]byte, bool) {
	if m == pgtype.Finite {
		return b, false
	}
	if t == Date {
		if m == pgtype.Infinity {
			return appendInt32(b, math.MaxInt32), true
		}
		return appendInt32(b, math.MinInt32), true
	}
	if m == pgtype.Infinity {
		return appendInt64(b, math.MaxInt64), true
	}
	return appendInt64(b, math.MinInt64), true
}

// pgTimeEnc is the encoder of a pgtype time struct (Date, Timestamp,
// Timestamptz) for a date, timestamp or timestamptz column.
func pgTimeEnc[P any](split func(P) (time.Time, pgtype.InfinityModifier, bool)) func(Type) func([]byte, P) []byte {
	return func(t Type) func([]byte, P) []byte {
		e := timeEncoder(t)
		if e == nil {
			return nil
		}
		return func(b []byte, p P) []byte {
			v, m, ok := split(p)
			if !ok {
				return appendNull(b)
			}
			if b, inf := infinite(t, m, b); inf {
				return b
			}
			return e(b, v)
		}
	}
}

func uuidEnc(t Type) func([]byte, [16]byte) []byte {
	return only(UUID, func(b []byte, v [16]byte) []byte { return append(append(b, 0, 0, 0, 16), v[:]...) })(t)
}

func pgTextEnc(t Type) func([]byte, pgtype.Text) []byte {
	return orNull(stringEnc, func(v pgtype.Text) (string, bool) { return v.String, v.Valid })(t)
}

func pgInt2Enc(t Type) func([]byte, pgtype.Int2) []byte {
	return orNull(int16Enc, func(v pgtype.Int2) (int16, bool) { return v.Int16, v.Valid })(t)
}

func pgInt4Enc(t Type) func([]byte, pgtype.Int4) []byte {
	return orNull(int32Enc, func(v pgtype.Int4) (int32, bool) { return v.Int32, v.Valid })(t)
}

func pgInt8Enc(t Type) func([]byte, pgtype.Int8) []byte {
	return orNull(int64Enc, func(v pgtype.Int8) (int64, bool) { return v.Int64, v.Valid })(t)
}

func pgFloat4Enc(t Type) func([]byte, pgtype.Float4) []byte {
	return orNull(float32Enc, func(v pgtype.Float4) (float32, bool) { return v.Float32, v.Valid })(t)
}

func pgFloat8Enc(t Type) func([]byte, pgtype.Float8) []byte {
	return orNull(float64Enc, func(v pgtype.Float8) (float64, bool) { return v.Float64, v.Valid })(t)
}

func pgBoolEnc(t Type) func([]byte, pgtype.Bool) []byte {
	return orNull(boolEnc, func(v pgtype.Bool) (bool, bool) { return v.Bool, v.Valid })(t)
}

func pgUUIDEnc(t Type) func([]byte, pgtype.UUID) []byte {
	return orNull(uuidEnc, func(v pgtype.UUID) ([16]byte, bool) { return v.Bytes, v.Valid })(t)
}

func pgDateEnc(t Type) func([]byte, pgtype.Date) []byte {
	return pgTimeEnc(func(v pgtype.Date) (time.Time, pgtype.InfinityModifier, bool) {
		return v.Time, v.InfinityModifier, v.Valid
	})(t)
}

func pgTimestampEnc(t Type) func([]byte, pgtype.Timestamp) []byte {
	return pgTimeEnc(func(v pgtype.Timestamp) (time.Time, pgtype.InfinityModifier, bool) {
		return v.Time, v.InfinityModifier, v.Valid
	})(t)
}

func pgTimestamptzEnc(t Type) func([]byte, pgtype.Timestamptz) []byte {
	return pgTimeEnc(func(v pgtype.Timestamptz) (time.Time, pgtype.InfinityModifier, bool) {
		return v.Time, v.InfinityModifier, v.Valid
	})(t)
}

// Float32Ptr binds a nullable real column.
func Float32Ptr[T any](column string, get func(*T) *float32) Field[T] {
	return nullable(column, "*float32", get, float32Enc)
}

// UUIDBytes binds a uuid column to a 16-byte value. Types defined as
// [16]byte, such as github.com/google/uuid.UUID, convert to it for free:
//
//	model.UUIDBytes("id", func(r *db.Product) [16]byte { return r.ID })
func UUIDBytes[T any](column string, get func(*T) [16]byte) Field[T] {
	return scalar(column, "[16]byte", get, uuidEnc)
}

// UUIDBytesPtr binds a nullable uuid column; nil is NULL. A *uuid.UUID
// converts to *[16]byte.
func UUIDBytesPtr[T any](column string, get func(*T) *[16]byte) Field[T] {
	return nullable(column, "*[16]byte", get, uuidEnc)
}

// PgText binds a text, varchar, json or jsonb column.
func PgText[T any](column string, get func(*T) pgtype.Text) Field[T] {
	return scalar(column, "pgtype.Text", get, pgTextEnc)
}

// PgInt2 binds a smallint column.
func PgInt2[T any](column string, get func(*T) pgtype.Int2) Field[T] {
	return scalar(column, "pgtype.Int2", get, pgInt2Enc)
}

// PgInt4 binds an integer column.
func PgInt4[T any](column string, get func(*T) pgtype.Int4) Field[T] {
	return scalar(column, "pgtype.Int4", get, pgInt4Enc)
}

// PgInt8 binds a bigint column.
func PgInt8[T any](column string, get func(*T) pgtype.Int8) Field[T] {
	return scalar(column, "pgtype.Int8", get, pgInt8Enc)
}

// PgFloat4 binds a real column.
func PgFloat4[T any](column string, get func(*T) pgtype.Float4) Field[T] {
	return scalar(column, "pgtype.Float4", get, pgFloat4Enc)
}

// PgFloat8 binds a double precision column.
func PgFloat8[T any](column string, get func(*T) pgtype.Float8) Field[T] {
	return scalar(column, "pgtype.Float8", get, pgFloat8Enc)
}

// PgBool binds a boolean column.
func PgBool[T any](column string, get func(*T) pgtype.Bool) Field[T] {
	return scalar(column, "pgtype.Bool", get, pgBoolEnc)
}

// PgDate binds a date, timestamp or timestamptz column, infinities
// included.
func PgDate[T any](column string, get func(*T) pgtype.Date) Field[T] {
	return scalar(column, "pgtype.Date", get, pgDateEnc)
}

// PgTimestamp binds a date, timestamp or timestamptz column, infinities
// included. Like pgx, it writes the wall clock of a timestamp's Time and
// ignores its location.
func PgTimestamp[T any](column string, get func(*T) pgtype.Timestamp) Field[T] {
	return scalar(column, "pgtype.Timestamp", get, pgTimestampEnc)
}

// PgTimestamptz binds a date, timestamp or timestamptz column, infinities
// included.
func PgTimestamptz[T any](column string, get func(*T) pgtype.Timestamptz) Field[T] {
	return scalar(column, "pgtype.Timestamptz", get, pgTimestamptzEnc)
}

// PgUUID binds a uuid column.
func PgUUID[T any](column string, get func(*T) pgtype.UUID) Field[T] {
	return scalar(column, "pgtype.UUID", get, pgUUIDEnc)
}

// PgNumeric binds a numeric(p,s) column; the server rounds the value to
// the column's scale, stores NaN and rejects infinities (a numeric with a
// precision cannot hold them). A value whose integer (Int) fits in 64 bits
// is encoded without allocating.
func PgNumeric[T any](column string, get func(*T) pgtype.Numeric) Field[T] {
	return scalar(column, "pgtype.Numeric", get, numericEnc)
}
