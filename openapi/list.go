package openapi

import (
	"strconv"
	"strings"

	"github.com/aquila-go/aquila/query"
)

// listParams documents a list endpoint's query parameters: each filter
// as name[op] for every operator it allows and as the bare name for its
// first one, each with the schema of its values; then order, limit and
// the cursor.
func listParams(d *query.Description) []*Parameter {
	var out []*Parameter
	for _, f := range d.Filters {
		what := f.Column
		if len(f.Path) > 0 {
			hops := make([]string, len(f.Path))
			for i, h := range f.Path {
				hops[i] = h.Table
			}
			what = f.Column + " of a related " + strings.Join(hops, " → ") + " row (the item matches when one does)"
		}
		for i, op := range f.Ops {
			desc := "Filter: " + what + " " + opPhrase(op) + "."
			if op != query.OpIsNull && op != query.OpNotNull {
				desc += " A value is " + f.Kind.Format() + "."
			}
			p := opParam(f.Param+"["+op.String()+"]", op, f.Kind, d)
			p.Description = desc
			if i == 0 {
				bare := *p
				bare.Name = f.Param
				bare.Description = "Same as " + p.Name + ". " + desc
				out = append(out, &bare)
			}
			out = append(out, p)
		}
	}
	if d.SortParam != "" && len(d.Sort) > 0 {
		enum := make([]any, 0, 2*len(d.Sort))
		for _, c := range d.Sort {
			enum = append(enum, c, "-"+c)
		}
		desc := "Order: comma-separated columns, each ascending or, after \"-\", descending; ties are broken by the key."
		var def []any
		for _, o := range d.DefaultSort {
			if o.Descending() {
				def = append(def, "-"+o.Column())
			} else {
				def = append(def, o.Column())
			}
		}
		out = append(out, &Parameter{Name: d.SortParam, In: "query", Description: desc, Style: "form", Explode: ptr(false),
			Schema: &Schema{Type: Types{"array"}, Items: &Schema{Type: Types{"string"}, Enum: enum},
				MinItems: ptr(1), MaxItems: ptr(len(d.Sort)), Default: defaultOrNil(def)}})
	}
	if d.LimitParam != "" {
		out = append(out, &Parameter{Name: d.LimitParam, In: "query",
			Description: "Page size: at most " + strconv.Itoa(d.MaxLimit) + " items.",
			Schema: &Schema{Type: Types{"integer"}, Minimum: ptr(1.0), Maximum: ptr(float64(d.MaxLimit)),
				Default: d.DefaultLimit}})
	}
	if d.AfterParam != "" {
		out = append(out, &Parameter{Name: d.AfterParam, In: "query",
			Description: "Cursor: the next of the previous page, to fetch the page after it (absent or empty for the first page). It is only valid with the same order.",
			Schema:      &Schema{Type: Types{"string"}}})
	}
	return out
}

func defaultOrNil(v []any) any {
	if len(v) == 0 {
		return nil
	}
	return v
}

// opParam is the parameter of one operator: a value, a comma-separated
// list (in, nin), two values (between) or a boolean (null tests).
func opParam(name string, op query.Op, k query.Kind, d *query.Description) *Parameter {
	p := &Parameter{Name: name, In: "query"}
	v := valueSchema(k, d.MaxValueLen)
	switch op {
	case query.OpIsNull, query.OpNotNull:
		p.Schema = &Schema{Type: Types{"boolean"}}
	case query.OpIn, query.OpNotIn:
		p.Style, p.Explode = "form", ptr(false)
		p.Schema = &Schema{Type: Types{"array"}, Items: v, MinItems: ptr(1), MaxItems: ptr(d.MaxListValues)}
	case query.OpBetween:
		p.Style, p.Explode = "form", ptr(false)
		p.Schema = &Schema{Type: Types{"array"}, Items: v, MinItems: ptr(2), MaxItems: ptr(2)}
	default:
		p.Schema = v
	}
	return p
}

// valueSchema is the schema of one URL value of kind k.
func valueSchema(k query.Kind, maxLen int) *Schema {
	switch k {
	case query.KindInt16:
		return &Schema{Type: Types{"integer"}, Minimum: ptr(-32768.0), Maximum: ptr(32767.0)}
	case query.KindInt32:
		return &Schema{Type: Types{"integer"}, Format: "int32"}
	case query.KindInt64:
		return &Schema{Type: Types{"integer"}, Format: "int64"}
	case query.KindFloat:
		return &Schema{Type: Types{"number"}, Format: "double"}
	case query.KindDecimal:
		return &Schema{Type: Types{"string"}, Format: "decimal", Pattern: `^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,4})?$`}
	case query.KindBool:
		return &Schema{Type: Types{"boolean"}}
	case query.KindDate:
		return &Schema{Type: Types{"string"}, Format: "date"}
	case query.KindTimestamp:
		return &Schema{Type: Types{"string"}, AnyOf: []*Schema{{Format: "date-time"}, {Format: "date"}}}
	case query.KindUUID:
		return &Schema{Type: Types{"string"}, Format: "uuid"}
	}
	s := &Schema{Type: Types{"string"}}
	if maxLen > 0 {
		s.MaxLength = ptr(maxLen) // bytes in fact; never fewer characters
	}
	return s
}

// opPhrase says what an operator tests.
func opPhrase(op query.Op) string {
	switch op {
	case query.OpEq:
		return "equals the value"
	case query.OpNe:
		return "differs from the value"
	case query.OpLt:
		return "is less than the value"
	case query.OpLe:
		return "is at most the value"
	case query.OpGt:
		return "is greater than the value"
	case query.OpGe:
		return "is at least the value"
	case query.OpIn:
		return "is one of the comma-separated values"
	case query.OpNotIn:
		return "is none of the comma-separated values"
	case query.OpIsNull:
		return "is null (true) or not null (false)"
	case query.OpNotNull:
		return "is not null (true) or null (false)"
	case query.OpLike:
		return "matches the LIKE pattern (% and _ are wildcards)"
	case query.OpILike:
		return "matches the LIKE pattern (% and _ are wildcards), ignoring case"
	case query.OpContains:
		return "contains the value"
	case query.OpIContains:
		return "contains the value, ignoring case"
	case query.OpHasPrefix:
		return "starts with the value"
	case query.OpIHasPrefix:
		return "starts with the value, ignoring case"
	case query.OpBetween:
		return "is between the two comma-separated values low,high, both included"
	}
	return op.String()
}
