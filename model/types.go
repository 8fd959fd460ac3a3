package model

import (
	"strconv"
	"strings"
)

// Type is a PostgreSQL column type as it is written in DDL, e.g. "bigint",
// "varchar(200)", "numeric(12,2)" or "text[]". Use the constants and the
// Varchar, Numeric and Array helpers; NewRegistry rejects a type it does not
// know, so that a typo fails at start-up rather than in a migration.
type Type string

// The scalar types the metadata layer knows. Serial types are integer types
// with an owned sequence as default; prefer Identity on an integer column.
const (
	SmallInt    Type = "smallint"
	Integer     Type = "integer"
	BigInt      Type = "bigint"
	SmallSerial Type = "smallserial"
	Serial      Type = "serial"
	BigSerial   Type = "bigserial"
	Boolean     Type = "boolean"
	Text        Type = "text"
	Real        Type = "real"
	Double      Type = "double precision"
	Date        Type = "date"
	Timestamp   Type = "timestamp"
	TimestampTZ Type = "timestamptz"
	UUID        Type = "uuid"
	JSON        Type = "json"
	JSONB       Type = "jsonb"
	Bytea       Type = "bytea"
)

// Varchar is character varying(n).
func Varchar(n int) Type { return Type("varchar(" + strconv.Itoa(n) + ")") }

// Numeric is numeric(precision, scale).
func Numeric(precision, scale int) Type {
	return Type("numeric(" + strconv.Itoa(precision) + "," + strconv.Itoa(scale) + ")")
}

// Array is the one-dimensional array type of t, e.g. Text.Array() is "text[]".
func (t Type) Array() Type { return t + "[]" }

// IsArray reports whether t is an array type.
func (t Type) IsArray() bool { return strings.HasSuffix(string(t), "[]") }

// Elem is the element type of an array type, or t itself.
func (t Type) Elem() Type { return Type(strings.TrimSuffix(string(t), "[]")) }

// Base is the storage type of t: the serial types are stored as integers.
// Two columns may be linked by a foreign key when their base types are equal.
func (t Type) Base() Type {
	switch t {
	case SmallSerial:
		return SmallInt
	case Serial:
		return Integer
	case BigSerial:
		return BigInt
	}
	return t
}

func (t Type) isSerial() bool { return t == SmallSerial || t == Serial || t == BigSerial }

func (t Type) isInteger() bool { return t == SmallInt || t == Integer || t == BigInt }

// valid reports whether t is a type this package knows: a scalar constant,
// varchar(n) with 1 ≤ n ≤ 10485760, numeric(p,s) with 1 ≤ p ≤ 1000 and
// 0 ≤ s ≤ p, or an array of one of those (but not of a serial type).
func (t Type) valid() bool {
	e := t.Elem()
	if t.IsArray() && (e.IsArray() || e.isSerial()) {
		return false
	}
	switch e {
	case SmallInt, Integer, BigInt, SmallSerial, Serial, BigSerial, Boolean, Text,
		Real, Double, Date, Timestamp, TimestampTZ, UUID, JSON, JSONB, Bytea:
		return true
	}
	s := string(e)
	if arg, ok := strings.CutPrefix(s, "varchar("); ok {
		n, ok := intArgs(arg, 1)
		return ok && n[0] >= 1 && n[0] <= 10485760
	}
	if arg, ok := strings.CutPrefix(s, "numeric("); ok {
		n, ok := intArgs(arg, 2)
		return ok && n[0] >= 1 && n[0] <= 1000 && n[1] >= 0 && n[1] <= n[0]
	}
	return false
}

// intArgs parses "a,b)" into want integers.
func intArgs(s string, want int) ([]int, bool) {
	s, ok := strings.CutSuffix(s, ")")
	if !ok {
		return nil, false
	}
	parts := strings.Split(s, ",")
	if len(parts) != want {
		return nil, false
	}
	out := make([]int, want)
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, false
		}
		out[i] = n
	}
	return out, true
}

// Action is a foreign key's referential action.
type Action string

// The referential actions. The zero Action is NoAction, PostgreSQL's default,
// and is not written in the DDL.
const (
	NoAction   Action = ""
	Restrict   Action = "RESTRICT"
	Cascade    Action = "CASCADE"
	SetNull    Action = "SET NULL"
	SetDefault Action = "SET DEFAULT"
)

func (a Action) valid() bool {
	switch a {
	case NoAction, Restrict, Cascade, SetNull, SetDefault:
		return true
	}
	return false
}

// Method is an index access method.
type Method string

// The index methods. The zero Method is BTree.
const (
	BTree Method = ""
	Hash  Method = "hash"
	GIN   Method = "gin"
	GiST  Method = "gist"
	BRIN  Method = "brin"
)

func (m Method) valid() bool {
	switch m {
	case BTree, Hash, GIN, GiST, BRIN:
		return true
	}
	return false
}

func (m Method) String() string {
	if m == BTree {
		return "btree"
	}
	return string(m)
}
