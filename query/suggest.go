package query

import (
	"net/url"
	"slices"
	"strings"
)

// This file finds what a client most likely meant by a parameter the
// endpoint rejects: the spelling of another API (title.contains,
// title__icontains, price_cents_gte, sort, per_page), a different case, or
// a typo. A suggestion is always one of the endpoint's own spellings, never
// the client's text.

// reservedAlias maps the name another API gives to ordering, page size or
// cursor to the default name of the parameter that does the job here.
func reservedAlias(s string) string {
	switch s {
	case "sort", "sort_by", "sortby", "order_by", "orderby", "ordering", "orders":
		return "order"
	case "per_page", "perpage", "page_size", "pagesize", "size", "count", "take", "top",
		"first", "max_results", "maxresults":
		return "limit"
	case "cursor", "page_token", "pagetoken", "next", "next_cursor", "starting_after",
		"start_after", "page", "offset", "skip", "continuation":
		return "after"
	}
	return ""
}

// opAlias maps another API's operator name to this package's operator.
func opAlias(s string) Op {
	switch s {
	case "exact", "is", "equals":
		return OpEq
	case "neq", "not", "noteq", "not_eq":
		return OpNe
	case "lte", "max":
		return OpLe
	case "gte", "min":
		return OpGe
	case "any":
		return OpIn
	case "not_in", "notin":
		return OpNotIn
	case "isnull", "is_null":
		return OpIsNull
	case "not_null", "isnotnull":
		return OpNotNull
	case "startswith", "starts_with":
		return OpHasPrefix
	case "istartswith", "istarts_with":
		return OpIHasPrefix
	case "range":
		return OpBetween
	}
	return 0
}

// caseNeighbour is the operator that does the same with or without case.
func caseNeighbour(o Op) Op {
	switch o {
	case OpLike:
		return OpILike
	case OpILike:
		return OpLike
	case OpContains:
		return OpIContains
	case OpIContains:
		return OpContains
	case OpHasPrefix:
		return OpIHasPrefix
	case OpIHasPrefix:
		return OpHasPrefix
	}
	return 0
}

// opNamed is the operator a name stands for, in this package's words or
// another API's, or 0.
func opNamed(s string) Op {
	s = strings.ToLower(strings.TrimPrefix(s, "$"))
	if o := opByName(s); o != 0 {
		return o
	}
	return opAlias(s)
}

// nearestOp is the allowed operator a client most likely meant by name:
// the operator itself or its alias, its case-insensitive (or sensitive)
// neighbour, or an allowed name within a small typo of it. A different
// known operator is never offered (gt is not ge).
func nearestOp(name string, allowed []Op) Op {
	if o := opNamed(name); o != 0 {
		if slices.Contains(allowed, o) {
			return o
		}
		if n := caseNeighbour(o); n != 0 && slices.Contains(allowed, n) {
			return n
		}
		return 0
	}
	names := make([]string, len(allowed))
	for i, o := range allowed {
		names[i] = o.String()
	}
	if i := closest(strings.ToLower(name), names); i >= 0 {
		return allowed[i]
	}
	return 0
}

// splitKey splits a parameter key into a name and an operator: title[gt],
// title.gt, title__gt, title:gt (other APIs' spellings), and title_gt when
// gt names an operator.
func splitKey(key string) (name, op string, hasOp bool) {
	if i := strings.IndexByte(key, '['); i > 0 {
		return key[:i], strings.TrimSuffix(key[i+1:], "]"), true
	}
	for _, sep := range []string{"__", ".", ":"} {
		if n, o, ok := strings.Cut(key, sep); ok && n != "" {
			return n, o, true
		}
	}
	if i := strings.LastIndexByte(key, '_'); i > 0 && opNamed(key[i+1:]) != 0 {
		return key[:i], key[i+1:], true
	}
	return key, "", false
}

// normalName folds the differences of case and of dash and underscore.
func normalName(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), "-", "_")
}

// closest returns the index of the one candidate within a small edit
// distance of s (1 for short names, 2 up to 8 bytes, 3 beyond), or whose
// words s starts or ends (author → author_id); -1 when there is none or
// more than one is as close.
func closest(s string, candidates []string) int {
	if s == "" || len(s) > 64 {
		return -1
	}
	max := 1
	switch {
	case len(s) > 8:
		max = 3
	case len(s) > 4:
		max = 2
	}
	best, bestD, tie := -1, max+1, false
	for i, c := range candidates {
		d := distance(s, c)
		if d < bestD {
			best, bestD, tie = i, d, false
		} else if d == bestD {
			tie = true
		}
	}
	if best >= 0 && !tie {
		return best
	}
	best = -1
	for i, c := range candidates {
		if strings.HasPrefix(c, s+"_") || strings.HasSuffix(c, "_"+s) {
			if best >= 0 {
				return -1
			}
			best = i
		}
	}
	return best
}

// distance is the Levenshtein distance of two short strings, in bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// nearestName is the one of names a client most likely meant by key:
// the same name in another case or with dashes, the name another API
// gives to ordering, page size or cursor (rename maps those default names
// to the configured ones), or a small typo of it; "" when none is close.
func nearestName(key string, names []string, rename func(string) string) string {
	n := normalName(key)
	for _, c := range names {
		if normalName(c) == n {
			return c
		}
	}
	if def := reservedAlias(n); def != "" {
		if r := rename(def); slices.Contains(names, r) {
			return r
		}
	}
	if i := closest(n, names); i >= 0 {
		return names[i]
	}
	return ""
}

// ValidateNames rejects the first parameter of v (in sorted order) that is
// not one of allowed, with a *ParamError wrapping ErrUnknownParam that
// lists allowed and suggests the nearest name. It is for handlers whose
// parameters are fixed, such as a plain list with only limit and after.
func ValidateNames(v url.Values, allowed ...string) error {
	keys := make([]string, 0, len(v))
	for k := range v {
		if !slices.Contains(allowed, k) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	key := slices.Min(keys)
	name, _, _ := splitKey(key)
	return &ParamError{
		Param:   key,
		Err:     ErrUnknownParam,
		Allowed: slices.Clone(allowed),
		Suggest: nearestName(name, allowed, func(s string) string { return s }),
	}
}

// unknownParam is the error for a key that names no parameter of e.
func (e *Endpoint[T]) unknownParam(key string) *ParamError {
	pe := &ParamError{Param: key, Err: ErrUnknownParam, Allowed: slices.Clone(e.names)}
	name, op, hasOp := splitKey(key)
	if hasOp {
		pe.Detail = "a filter takes an operator as name[op]"
	}
	s := nearestName(name, e.names, e.rename)
	if s == "" {
		return pe
	}
	f := e.filters[s]
	if f == nil || op == "" {
		pe.Suggest = s
	} else if o := nearestOp(op, f.Ops); o != 0 {
		pe.Suggest = s + "[" + o.String() + "]"
	}
	if pe.Suggest == key {
		pe.Suggest = ""
	}
	return pe
}

// rename maps the default names of the reserved parameters to the
// configured ones.
func (e *Endpoint[T]) rename(def string) string {
	switch def {
	case "order":
		return e.cfg.SortParam
	case "limit":
		return e.cfg.LimitParam
	case "after":
		return e.cfg.AfterParam
	}
	return def
}

// suggestOrder rewrites an order the endpoint refused into one it accepts
// (price:desc → -price_cents), or returns "".
func (e *Endpoint[T]) suggestOrder(val string) string {
	items := strings.Split(val, ",")
	out := make([]string, 0, len(items))
	seen := map[string]bool{}
	for _, it := range items {
		it = strings.TrimSpace(it)
		sign := ""
		if rest, ok := strings.CutPrefix(it, "-"); ok {
			it, sign = rest, "-"
		} else {
			it = strings.TrimPrefix(it, "+")
		}
		for _, sep := range []string{" ", ":", "."} { // title desc, title:desc, title.asc
			if col, dir, ok := strings.Cut(it, sep); ok {
				switch strings.ToLower(dir) {
				case "desc", "descending":
					it, sign = col, "-"
				case "asc", "ascending":
					it = col
				}
			}
		}
		col := nearestName(it, e.cfg.Sort, func(s string) string { return s })
		if col == "" || seen[col] {
			return ""
		}
		seen[col] = true
		out = append(out, sign+col)
	}
	if len(out) == 0 || len(out) > len(e.cfg.Sort) {
		return ""
	}
	s := strings.Join(out, ",")
	if s == val {
		return ""
	}
	return e.cfg.SortParam + "=" + s
}
