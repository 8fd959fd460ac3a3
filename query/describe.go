package query

import "slices"

// Kind is the kind of value a filter parameter takes, from its column's
// type; it decides how a URL value is parsed.
type Kind uint8

// The kinds of filter values.
const (
	KindNone      Kind = iota // json, arrays, bytea: only the null tests
	KindInt16                 // smallint
	KindInt32                 // integer
	KindInt64                 // bigint
	KindFloat                 // real, double precision
	KindDecimal               // numeric
	KindText                  // text, varchar
	KindBool                  // boolean: true, false, 1 or 0
	KindDate                  // date: YYYY-MM-DD
	KindTimestamp             // timestamp, timestamptz: RFC 3339 or YYYY-MM-DD
	KindUUID                  // uuid: 8-4-4-4-12 hex
)

func (k Kind) String() string {
	switch k {
	case KindInt16:
		return "int16"
	case KindInt32:
		return "int32"
	case KindInt64:
		return "int64"
	case KindFloat:
		return "float"
	case KindDecimal:
		return "decimal"
	case KindText:
		return "text"
	case KindBool:
		return "bool"
	case KindDate:
		return "date"
	case KindTimestamp:
		return "timestamp"
	case KindUUID:
		return "uuid"
	}
	return "none"
}

// Format says how a client writes a value of this kind, in the words of
// the errors that reject one (e.g. "a date YYYY-MM-DD").
func (k Kind) Format() string {
	switch k {
	case KindInt16:
		return "an integer between -32768 and 32767"
	case KindInt32:
		return "a 32-bit integer"
	case KindInt64:
		return "a 64-bit integer"
	case KindFloat:
		return "a finite number"
	case KindDecimal:
		return "a decimal number"
	case KindText:
		return "UTF-8 text without NUL"
	case KindBool:
		return "true or false"
	case KindDate:
		return "a date YYYY-MM-DD"
	case KindTimestamp:
		return "an RFC 3339 time or a date YYYY-MM-DD"
	case KindUUID:
		return "a UUID"
	}
	return "no value"
}

// kind is the exported kind of a column class.
func (c class) kind() Kind {
	switch c {
	case classInt16:
		return KindInt16
	case classInt32:
		return KindInt32
	case classInt64:
		return KindInt64
	case classFloat:
		return KindFloat
	case classNumeric:
		return KindDecimal
	case classText:
		return KindText
	case classBool:
		return KindBool
	case classDate:
		return KindDate
	case classTimestamp, classTimestampTZ:
		return KindTimestamp
	case classUUID:
		return KindUUID
	}
	return KindNone
}

// Description is what a list endpoint accepts, as data: the source of its
// documentation (an OpenAPI document, a help page), so that the
// documentation cannot drift from what Parse accepts. A list that pages
// without an Endpoint (only limit and after) can describe itself with one
// filled in by hand.
type Description struct {
	// Filters in the order of the configuration.
	Filters []FilterDescription
	// Sort lists the columns of the order parameter, DefaultSort the
	// order without one.
	Sort        []string
	DefaultSort []Order
	// SortParam, LimitParam and AfterParam are the parameter names; an
	// empty SortParam means the list has no order parameter.
	SortParam, LimitParam, AfterParam string
	// DefaultLimit applies without a limit; MaxLimit bounds it.
	DefaultLimit, MaxLimit int
	// MaxListValues bounds the values of one in/nin list; MaxValueLen
	// bounds one value in bytes.
	MaxListValues, MaxValueLen int
}

// FilterDescription is one filter parameter: the Filter as configured
// (Column set), the table the column is in (another one with a Path) and
// the kind of value it takes.
type FilterDescription struct {
	Filter
	Table    string
	Kind     Kind
	Nullable bool
}

// Describe returns what the endpoint accepts. The result is the caller's.
func (e *Endpoint[T]) Describe() Description {
	d := Description{
		Sort:          slices.Clone(e.cfg.Sort),
		DefaultSort:   slices.Clone(e.cfg.DefaultSort),
		SortParam:     e.cfg.SortParam,
		LimitParam:    e.cfg.LimitParam,
		AfterParam:    e.cfg.AfterParam,
		DefaultLimit:  e.cfg.DefaultLimit,
		MaxLimit:      e.cfg.MaxLimit,
		MaxListValues: e.cfg.MaxListValues,
		MaxValueLen:   maxValueLen,
	}
	for _, name := range e.names[:len(e.filters)] {
		f := e.filters[name]
		fd := FilterDescription{Filter: f.Filter, Table: f.table, Kind: f.class.kind(), Nullable: f.nullable}
		fd.Ops = slices.Clone(f.Ops)
		fd.Path = slices.Clone(f.Path)
		d.Filters = append(d.Filters, fd)
	}
	return d
}
