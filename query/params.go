package query

import (
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Filter declares one filter parameter of an endpoint.
type Filter struct {
	// Param is the URL parameter name, e.g. "published_after".
	Param string
	// Column is the column it filters, of the endpoint's table or, with a
	// Path, of the table the path reaches; default Param.
	Column string
	// Ops are the operators a client may use as Param[op]=value; Ops[0]
	// applies to a bare Param=value. Lists (in, nin) and ranges (between)
	// are comma-separated; null takes true or false.
	Ops []Op
	// Path reaches another table through semi-joins, e.g. from books to
	// tags through book_tags:
	//
	//	Path: []query.Hop{{Column: "id", Table: "book_tags", Key: "book_id"},
	//		{Column: "tag_id", Table: "tags", Key: "id"}}
	Path []Hop
}

// Hop is one semi-join of a Filter's Path: Column (of the current table)
// IN (SELECT Key FROM Table ...).
type Hop struct {
	Column string
	Table  string
	Key    string
}

// EndpointConfig is the allow-list of one list endpoint.
type EndpointConfig struct {
	Filters []Filter
	// Sort lists the columns a client may order by, as
	// order=-published_on,title ("-" for descending). They must be NOT
	// NULL and fit in a cursor; the table's Key is appended to every order.
	Sort []string
	// DefaultSort applies when the request has no order parameter.
	DefaultSort []Order
	// DefaultLimit (default 20) applies when the request has no limit;
	// MaxLimit (default 100) bounds it.
	DefaultLimit int
	MaxLimit     int
	// MaxListValues bounds the values of one in/nin list (default 100).
	MaxListValues int
	// The names of the order, limit and cursor parameters; default
	// "order", "limit" and "after".
	SortParam, LimitParam, AfterParam string
}

// Endpoint parses the URL query of a list endpoint into a Query, accepting
// only what its EndpointConfig allows. It is immutable and safe for
// concurrent use; build it at start-up.
type Endpoint[T any] struct {
	t       *Table[T]
	cfg     EndpointConfig
	filters map[string]*filterSpec
	sort    map[string]bool
	names   []string // every parameter: the filters in order, then order, limit, after
}

type filterSpec struct {
	Filter
	class    class
	table    string // the table of Column: the endpoint's or the Path's last
	nullable bool
}

// NewEndpoint checks cfg against t's metadata: every filter column and
// operator, every path hop and sort column. Endpoints page with keyset
// cursors, so t needs a Key and the schema cursor keys.
func NewEndpoint[T any](t *Table[T], cfg EndpointConfig) (*Endpoint[T], error) {
	fail := func(col string, err error) (*Endpoint[T], error) {
		return nil, &Error{Table: t.m.name, Column: col, Err: err}
	}
	if len(t.key) == 0 {
		return fail("", ErrNoKey)
	}
	if len(t.s.keys) == 0 {
		return fail("", ErrNoCursorKey)
	}
	if cfg.DefaultLimit == 0 {
		cfg.DefaultLimit = 20
	}
	if cfg.MaxLimit == 0 {
		cfg.MaxLimit = 100
	}
	if cfg.MaxListValues <= 0 {
		cfg.MaxListValues = 100
	}
	if cfg.DefaultLimit < 1 || cfg.MaxLimit < cfg.DefaultLimit {
		return fail("", ErrConfig)
	}
	if cfg.SortParam == "" {
		cfg.SortParam = "order"
	}
	if cfg.LimitParam == "" {
		cfg.LimitParam = "limit"
	}
	if cfg.AfterParam == "" {
		cfg.AfterParam = "after"
	}
	e := &Endpoint[T]{t: t, cfg: cfg, filters: map[string]*filterSpec{}, sort: map[string]bool{}}
	reserved := map[string]bool{cfg.SortParam: true, cfg.LimitParam: true, cfg.AfterParam: true}
	if len(reserved) != 3 {
		return fail("", ErrConfig)
	}
	for _, f := range cfg.Filters {
		if f.Column == "" {
			f.Column = f.Param
		}
		if f.Param == "" || strings.ContainsAny(f.Param, "[]") || reserved[f.Param] || e.filters[f.Param] != nil || len(f.Ops) == 0 {
			return fail(f.Column, ErrConfig)
		}
		f.Ops = slices.Clone(f.Ops)
		f.Path = slices.Clone(f.Path)
		m := t.m
		for _, h := range f.Path {
			if _, err := m.col(h.Column); err != nil {
				return nil, err
			}
			next, err := t.s.table(h.Table)
			if err != nil {
				return nil, err
			}
			if _, err := next.col(h.Key); err != nil {
				return nil, err
			}
			m = next
		}
		ci, err := m.col(f.Column)
		if err != nil {
			return nil, err
		}
		c := m.cols[ci].class
		for _, op := range f.Ops {
			if op < OpEq || op > OpBetween || !opAllowed(op, c) || !parsable(op, c) {
				return nil, &Error{Table: m.name, Column: f.Column, Err: ErrOperator}
			}
		}
		e.filters[f.Param] = &filterSpec{Filter: f, class: c, table: m.name, nullable: m.cols[ci].nullable}
		e.names = append(e.names, f.Param)
	}
	e.names = append(e.names, cfg.SortParam, cfg.LimitParam, cfg.AfterParam)
	for _, name := range cfg.Sort {
		ci, err := t.m.col(name)
		if err != nil {
			return nil, err
		}
		if err := t.keysetColumn(ci); err != nil {
			return nil, err
		}
		e.sort[name] = true
	}
	for _, o := range cfg.DefaultSort {
		ci, err := t.m.col(o.col)
		if err != nil {
			return nil, err
		}
		if err := t.keysetColumn(ci); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// cursorOrder checks that a resolved order can be put in a cursor: every
// column can be part of one, and the schema has a key to sign it with.
func (t *Table[T]) cursorOrder(ord []orderItem) error {
	for _, o := range ord {
		if err := t.keysetColumn(o.col); err != nil {
			return err
		}
	}
	if len(t.s.keys) == 0 {
		return &Error{Table: t.m.name, Err: ErrNoCursorKey}
	}
	return nil
}

// keysetColumn checks that a column can be part of a cursor.
func (t *Table[T]) keysetColumn(ci int) error {
	c := &t.m.cols[ci]
	switch {
	case !c.class.ordered():
		return &Error{Table: t.m.name, Column: c.name, Err: ErrNotSortable}
	case c.nullable:
		return &Error{Table: t.m.name, Column: c.name, Err: ErrNullableKey}
	case t.pos[ci] < 0 || !t.cursorable[t.pos[ci]]:
		return &Error{Table: t.m.name, Column: c.name, Err: ErrNotCursorable}
	}
	return nil
}

// parsable reports whether a URL value for op can be parsed for class c.
func parsable(op Op, c class) bool {
	switch op {
	case OpIsNull, OpNotNull:
		return true
	case OpIn, OpNotIn:
		switch c {
		case classInt16, classInt32, classInt64, classFloat, classText, classDate, classTimestamp, classTimestampTZ, classUUID:
			return true
		}
		return false
	}
	return c != classOther && c != classJSON && c != classJSONB
}

// Parse turns a request's URL query into a query for one page. Every
// parameter must be allowed by the endpoint: an unknown parameter or
// operator, a repeated parameter, a value of the wrong type, a limit out
// of range, an order not allowed, a malformed or tampered cursor each give
// a *ParamError naming the parameter (answer 400 with its message). Run
// the result with Page.
func (e *Endpoint[T]) Parse(v url.Values) (*Query[T], error) {
	q := e.t.Select()
	q.paging = true
	q.Limit(e.cfg.DefaultLimit)
	order := e.cfg.DefaultSort
	after := ""
	for _, key := range slices.Sorted(maps.Keys(v)) {
		vals := v[key]
		if len(vals) != 1 {
			return nil, &ParamError{Param: key, Err: ErrRepeatedParam}
		}
		val := vals[0]
		if len(val) > maxValueLen {
			return nil, &ParamError{Param: key, Err: ErrValue, Detail: "longer than " + strconv.Itoa(maxValueLen) + " bytes"}
		}
		switch key {
		case e.cfg.SortParam:
			o, err := e.parseSort(val)
			if err != nil {
				return nil, err
			}
			order = o
			continue
		case e.cfg.LimitParam:
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 || n > e.cfg.MaxLimit {
				return nil, &ParamError{Param: key, Err: ErrLimit, Detail: "want 1.." + strconv.Itoa(e.cfg.MaxLimit)}
			}
			q.Limit(n)
			continue
		case e.cfg.AfterParam:
			after = val
			continue
		}
		c, err := e.parseFilter(key, val)
		if err != nil {
			return nil, err
		}
		q.Where(c)
	}
	q.OrderBy(order...)
	if after != "" {
		q.After(after)
		var ob [maxOrder]orderItem
		ord, err := q.resolveOrder(ob[:0])
		if err == nil {
			err = q.decodeCursor(ord)
		}
		if err != nil {
			return nil, &ParamError{Param: e.cfg.AfterParam, Err: ErrCursor}
		}
	}
	return q, nil
}

func (e *Endpoint[T]) parseSort(val string) ([]Order, error) {
	bad := func(d string) ([]Order, error) {
		return nil, &ParamError{Param: e.cfg.SortParam, Err: ErrSort, Detail: d,
			Allowed: slices.Clone(e.cfg.Sort), Suggest: e.suggestOrder(val)}
	}
	if val == "" {
		return bad("empty")
	}
	items := strings.Split(val, ",")
	if len(items) > len(e.cfg.Sort) {
		return bad("too many columns")
	}
	out := make([]Order, 0, len(items))
	for _, it := range items {
		desc := false
		if name, ok := strings.CutPrefix(it, "-"); ok {
			it, desc = name, true
		} else if name, ok := strings.CutPrefix(it, "+"); ok {
			it = name
		}
		if !e.sort[it] {
			return bad("not a sortable column (\"-\" before a column for descending)")
		}
		for _, o := range out {
			if o.col == it {
				return bad("column repeated")
			}
		}
		out = append(out, Order{col: it, desc: desc})
	}
	return out, nil
}

func (e *Endpoint[T]) parseFilter(key, val string) (Cond, error) {
	name, opName, bracket := key, "", false
	if i := strings.IndexByte(key, '['); i >= 0 {
		bracket = true
		if !strings.HasSuffix(key, "]") || i == 0 {
			return Cond{}, e.unknownParam(key)
		}
		name, opName = key[:i], key[i+1:len(key)-1]
	}
	f := e.filters[name]
	if f == nil {
		return Cond{}, e.unknownParam(key)
	}
	op := f.Ops[0]
	if bracket {
		op = opByName(opName)
		if op == 0 || !slices.Contains(f.Ops, op) {
			pe := &ParamError{Param: key, Err: ErrUnknownOp, Allowed: make([]string, len(f.Ops))}
			for i, o := range f.Ops {
				pe.Allowed[i] = o.String()
			}
			if o := nearestOp(opName, f.Ops); o != 0 {
				pe.Suggest = name + "[" + o.String() + "]"
			}
			return Cond{}, pe
		}
	}
	bad := func(d string) (Cond, error) { return Cond{}, &ParamError{Param: key, Err: ErrValue, Detail: d} }
	var a, b any
	var d string
	switch op {
	case OpIsNull, OpNotNull:
		switch val {
		case "true", "1":
		case "false", "0":
			op = OpIsNull + OpNotNull - op // the opposite test
		default:
			return bad("want true or false")
		}
	case OpIn, OpNotIn:
		a, d = parseList(val, f.class, e.cfg.MaxListValues)
	case OpBetween:
		lo, hi, ok := strings.Cut(val, ",")
		if !ok || strings.Contains(hi, ",") {
			return bad("want two values: low,high")
		}
		if a, d = parseValue(lo, f.class); d == "" {
			b, d = parseValue(hi, f.class)
		}
	default:
		a, d = parseValue(val, f.class)
	}
	if d != "" {
		return bad(d)
	}
	c := cond(op, f.Column, a, b)
	for i := len(f.Path) - 1; i >= 0; i-- {
		h := f.Path[i]
		c = InSelect(h.Column, h.Table, h.Key, c)
	}
	return c, nil
}
