package query

// Op is a filter operator.
type Op uint8

// The operators. Their names (String) are the ones URL parameters use in
// name[op]=value.
const (
	OpEq         Op = iota + 1 // "col" = $n
	OpNe                       // "col" <> $n
	OpLt                       // "col" < $n
	OpLe                       // "col" <= $n
	OpGt                       // "col" > $n
	OpGe                       // "col" >= $n
	OpIn                       // "col" = ANY($n), value a slice
	OpNotIn                    // "col" <> ALL($n), value a slice
	OpIsNull                   // "col" IS NULL
	OpNotNull                  // "col" IS NOT NULL
	OpLike                     // "col" LIKE $n, value a pattern used as it is
	OpILike                    // "col" ILIKE $n, value a pattern used as it is
	OpContains                 // "col" LIKE $n, value matched literally anywhere
	OpIContains                // "col" ILIKE $n, likewise without case
	OpHasPrefix                // "col" LIKE $n, value matched literally at the start
	OpIHasPrefix               // "col" ILIKE $n, likewise without case
	OpBetween                  // "col" BETWEEN $n AND $m
	opAnd
	opOr
	opNot
	opInSelect
)

func (o Op) String() string {
	switch o {
	case OpEq:
		return "eq"
	case OpNe:
		return "ne"
	case OpLt:
		return "lt"
	case OpLe:
		return "le"
	case OpGt:
		return "gt"
	case OpGe:
		return "ge"
	case OpIn:
		return "in"
	case OpNotIn:
		return "nin"
	case OpIsNull:
		return "null"
	case OpNotNull:
		return "notnull"
	case OpLike:
		return "like"
	case OpILike:
		return "ilike"
	case OpContains:
		return "contains"
	case OpIContains:
		return "icontains"
	case OpHasPrefix:
		return "prefix"
	case OpIHasPrefix:
		return "iprefix"
	case OpBetween:
		return "between"
	case opAnd:
		return "and"
	case opOr:
		return "or"
	case opNot:
		return "not"
	case opInSelect:
		return "inselect"
	}
	return "invalid"
}

// opByName is the operator a URL parameter names, or 0.
func opByName(s string) Op {
	for o := OpEq; o <= OpBetween; o++ {
		if o.String() == s {
			return o
		}
	}
	return 0
}

// Cond is a filter condition. Build one with the functions below; column
// names are checked against the metadata when the query is built, and
// values are always sent as parameters.
type Cond struct {
	op  Op
	col string
	a   any
	x   *condExt // the rarer parts, so that a simple Cond stays small
}

// condExt holds Between's upper bound, the conditions of a group or
// semi-join and a semi-join's table and key.
type condExt struct {
	b          any
	kids       []Cond
	table, key string
}

func (c *Cond) kids() []Cond {
	if c.x == nil {
		return nil
	}
	return c.x.kids
}

// Eq is col = v.
func Eq(col string, v any) Cond { return Cond{op: OpEq, col: col, a: v} }

// Ne is col <> v.
func Ne(col string, v any) Cond { return Cond{op: OpNe, col: col, a: v} }

// Lt is col < v.
func Lt(col string, v any) Cond { return Cond{op: OpLt, col: col, a: v} }

// Le is col <= v.
func Le(col string, v any) Cond { return Cond{op: OpLe, col: col, a: v} }

// Gt is col > v.
func Gt(col string, v any) Cond { return Cond{op: OpGt, col: col, a: v} }

// Ge is col >= v.
func Ge(col string, v any) Cond { return Cond{op: OpGe, col: col, a: v} }

// In is col = ANY(values): values is a slice ([]int64, []string, ...) sent
// as one array parameter, so the SQL text does not depend on its length.
func In(col string, values any) Cond { return Cond{op: OpIn, col: col, a: values} }

// NotIn is col <> ALL(values).
func NotIn(col string, values any) Cond { return Cond{op: OpNotIn, col: col, a: values} }

// IsNull is col IS NULL.
func IsNull(col string) Cond { return Cond{op: OpIsNull, col: col} }

// NotNull is col IS NOT NULL.
func NotNull(col string) Cond { return Cond{op: OpNotNull, col: col} }

// Like is col LIKE pattern, the pattern used as it is (% and _ are
// wildcards, backslash escapes). Never pass client input as a pattern: use
// Contains or HasPrefix, which escape it.
func Like(col, pattern string) Cond { return Cond{op: OpLike, col: col, a: pattern} }

// ILike is col ILIKE pattern; see Like.
func ILike(col, pattern string) Cond { return Cond{op: OpILike, col: col, a: pattern} }

// Contains matches rows whose col contains s literally: %, _ and \ in s
// are escaped.
func Contains(col, s string) Cond { return Cond{op: OpContains, col: col, a: s} }

// IContains is Contains without regard to case (ILIKE).
func IContains(col, s string) Cond { return Cond{op: OpIContains, col: col, a: s} }

// HasPrefix matches rows whose col starts with s literally.
func HasPrefix(col, s string) Cond { return Cond{op: OpHasPrefix, col: col, a: s} }

// IHasPrefix is HasPrefix without regard to case.
func IHasPrefix(col, s string) Cond { return Cond{op: OpIHasPrefix, col: col, a: s} }

// Between is col BETWEEN lo AND hi (both inclusive).
func Between(col string, lo, hi any) Cond {
	return Cond{op: OpBetween, col: col, a: lo, x: &condExt{b: hi}}
}

// And holds when every c holds; And() is TRUE.
func And(c ...Cond) Cond { return Cond{op: opAnd, x: &condExt{kids: c}} }

// Or holds when any c holds; Or() is FALSE.
func Or(c ...Cond) Cond { return Cond{op: opOr, x: &condExt{kids: c}} }

// Not negates c.
func Not(c Cond) Cond { return Cond{op: opNot, x: &condExt{kids: []Cond{c}}} }

// InSelect is col IN (SELECT key FROM table WHERE where...): a semi-join
// to another table of the schema, whose conditions name that table's
// columns. Nest it to follow a many-to-many link:
//
//	query.InSelect("id", "book_tags", "book_id",
//		query.InSelect("tag_id", "tags", "id", query.Eq("name", "go")))
func InSelect(col, table, key string, where ...Cond) Cond {
	return Cond{op: opInSelect, col: col, x: &condExt{kids: where, table: table, key: key}}
}

// cond makes a condition for a URL filter: op with its parsed values.
func cond(op Op, col string, a, b any) Cond {
	if b != nil {
		return Cond{op: op, col: col, a: a, x: &condExt{b: b}}
	}
	return Cond{op: op, col: col, a: a}
}

// Nulls places NULLs in an ordering.
type Nulls uint8

// NullsDefault leaves PostgreSQL's default: NULLs last ascending, first
// descending.
const (
	NullsDefault Nulls = iota
	NullsFirst
	NullsLast
)

// Order is one ORDER BY item.
type Order struct {
	col   string
	desc  bool
	nulls Nulls
}

// Asc orders by col ascending.
func Asc(col string) Order { return Order{col: col} }

// Desc orders by col descending.
func Desc(col string) Order { return Order{col: col, desc: true} }

// NullsFirst returns o with NULLS FIRST.
func (o Order) NullsFirst() Order { o.nulls = NullsFirst; return o }

// NullsLast returns o with NULLS LAST.
func (o Order) NullsLast() Order { o.nulls = NullsLast; return o }

// Column is the ordered column.
func (o Order) Column() string { return o.col }

// Descending reports whether the order is descending.
func (o Order) Descending() bool { return o.desc }
