package openapi

import (
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// schemas derives JSON schemas from Go types by reflection, following
// encoding/json's rules, and collects the named struct types as
// components. It is used once per Build.
type schemas struct {
	byType map[reflect.Type]string // named struct → component name
	byName map[string]reflect.Type
	comps  map[string]*Schema
	err    error // the first type that cannot be described
}

func newSchemas() *schemas {
	return &schemas{byType: map[reflect.Type]string{}, byName: map[string]reflect.Type{}, comps: map[string]*Schema{}}
}

// of returns the schema of t's JSON: a $ref for a named struct, inline
// otherwise.
//
// A nil slice or map is written as null, but the schema says array or
// object: a handler is expected to write empty ones, and validating its
// responses against the document catches one that does not.
func (s *schemas) of(t reflect.Type) *Schema {
	jsonMarshalerType := reflect.TypeFor[json.Marshaler]()
	textMarshalerType := reflect.TypeFor[encoding.TextMarshaler]()
	if d, ok := describer(t); ok {
		return d.OpenAPISchema(s.of)
	}
	switch t {
	case reflect.TypeFor[time.Time]():
		return &Schema{Type: Types{"string"}, Format: "date-time"}
	case reflect.TypeFor[json.RawMessage](), reflect.TypeFor[any]():
		return &Schema{}
	case reflect.TypeFor[json.Number]():
		return &Schema{Type: Types{"number"}}
	}
	if t.Kind() == reflect.Pointer {
		return Nullable(s.of(t.Elem()))
	}
	if ps, ok := pgtypeSchema(t); ok {
		return ps
	}
	if t.Implements(jsonMarshalerType) || reflect.PointerTo(t).Implements(jsonMarshalerType) {
		return &Schema{} // its own JSON, not described: any value
	}
	if t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType) {
		return &Schema{Type: Types{"string"}}
	}
	switch t.Kind() {
	case reflect.Bool:
		return &Schema{Type: Types{"boolean"}}
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int,
		reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uint, reflect.Uintptr:
		return integer(t)
	case reflect.Float32:
		return &Schema{Type: Types{"number"}, Format: "float"}
	case reflect.Float64:
		return &Schema{Type: Types{"number"}, Format: "double"}
	case reflect.String:
		return &Schema{Type: Types{"string"}}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && !reflect.PointerTo(t.Elem()).Implements(jsonMarshalerType) &&
			!reflect.PointerTo(t.Elem()).Implements(textMarshalerType) {
			return &Schema{Type: Types{"string"}, Format: "byte"} // base64
		}
		return &Schema{Type: Types{"array"}, Items: s.of(t.Elem())}
	case reflect.Array:
		return &Schema{Type: Types{"array"}, Items: s.of(t.Elem()), MinItems: ptr(t.Len()), MaxItems: ptr(t.Len())}
	case reflect.Map:
		switch k := t.Key(); {
		case k.Kind() == reflect.String, k.Kind() >= reflect.Int && k.Kind() <= reflect.Uintptr, k.Implements(textMarshalerType):
			return &Schema{Type: Types{"object"}, AdditionalProperties: s.of(t.Elem())}
		}
	case reflect.Struct:
		return s.structRef(t)
	case reflect.Interface:
		return &Schema{}
	}
	s.fail(fmt.Errorf("openapi: %s cannot be written as JSON", t))
	return &Schema{}
}

// describer returns t's Describer, with a value or a pointer receiver.
func describer(t reflect.Type) (Describer, bool) {
	describerType := reflect.TypeFor[Describer]()
	if t.Implements(describerType) {
		if t.Kind() == reflect.Pointer {
			return reflect.New(t.Elem()).Interface().(Describer), true
		}
		return reflect.Zero(t).Interface().(Describer), true
	}
	if t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(describerType) {
		return reflect.New(t).Interface().(Describer), true
	}
	return nil, false
}

// integer is the schema of an integer kind, with its range when JSON
// clients may not assume it (the 8- and 16-bit kinds, unsigned kinds).
func integer(t reflect.Type) *Schema {
	sc := &Schema{Type: Types{"integer"}}
	switch t.Kind() {
	case reflect.Int8:
		sc.Minimum, sc.Maximum = ptr(float64(math.MinInt8)), ptr(float64(math.MaxInt8))
	case reflect.Int16:
		sc.Minimum, sc.Maximum = ptr(float64(math.MinInt16)), ptr(float64(math.MaxInt16))
	case reflect.Int32:
		sc.Format = "int32"
	case reflect.Int64, reflect.Int:
		sc.Format = "int64"
	case reflect.Uint8:
		sc.Minimum, sc.Maximum = ptr(0.0), ptr(float64(math.MaxUint8))
	case reflect.Uint16:
		sc.Minimum, sc.Maximum = ptr(0.0), ptr(float64(math.MaxUint16))
	case reflect.Uint32:
		sc.Minimum, sc.Format = ptr(0.0), "int64"
	default: // uint, uint64, uintptr
		sc.Minimum = ptr(0.0)
	}
	return sc
}

func (s *schemas) fail(err error) {
	if s.err == nil {
		s.err = err
	}
}

// structRef returns a $ref to the component of a named struct, building
// it on first use, or the inline schema of an anonymous one.
func (s *schemas) structRef(t reflect.Type) *Schema {
	if t.Name() == "" {
		return s.object(t)
	}
	if name, ok := s.byType[t]; ok {
		return &Schema{Ref: "#/components/schemas/" + name}
	}
	name := componentName(t)
	if other, ok := s.byName[name]; ok {
		s.fail(fmt.Errorf("openapi: %s and %s are both named %q in the document", other, t, name))
		return &Schema{}
	}
	s.byType[t], s.byName[name] = name, t
	s.comps[name] = nil // reserved: a recursive type refers to itself
	s.comps[name] = s.object(t)
	return &Schema{Ref: "#/components/schemas/" + name}
}

// componentName is the schema name of a named type: the Go name with its
// first letter upper case and a "JSON" suffix dropped (bookJSON → Book),
// and for a generic type the names of its arguments before its own
// (page[bookJSON] → BookPage).
func componentName(t reflect.Type) string {
	name, args, generic := strings.Cut(t.Name(), "[")
	prefix := ""
	if generic {
		args = strings.TrimSuffix(args, "]")
		for _, a := range splitTypeArgs(args) {
			a = a[strings.LastIndexAny(a, "./*]")+1:]
			prefix += exportName(a)
		}
	}
	return prefix + exportName(name)
}

// splitTypeArgs splits a type argument list at its top-level commas.
func splitTypeArgs(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, c := range s {
		switch c {
		case '[':
			depth++
		case ']':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

func exportName(s string) string {
	if len(s) > len("JSON") {
		s = strings.TrimSuffix(s, "JSON")
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// object is the schema of a struct's JSON object: its fields as
// encoding/json writes them (json tags, embedded structs promoted), every
// field required unless tagged omitempty or omitzero. A doc tag is the
// field's description.
func (s *schemas) object(t reflect.Type) *Schema {
	o := &Schema{Type: Types{"object"}, Properties: map[string]*Schema{}}
	s.fields(t, o, map[string]bool{})
	return o
}

func (s *schemas) fields(t reflect.Type, o *Schema, seen map[string]bool) {
	var embedded []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				embedded = append(embedded, ft) // promoted after the outer fields, which win
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		fs := s.of(ft)
		if hasOpt(opts, "string") {
			fs = stringOpt(ft, fs)
		}
		if d := f.Tag.Get("doc"); d != "" {
			fs = described(fs, d)
		}
		o.Properties[name] = fs
		if !hasOpt(opts, "omitempty") && !hasOpt(opts, "omitzero") {
			o.Required = append(o.Required, name)
		}
	}
	for _, e := range embedded {
		s.fields(e, o, seen)
	}
}

func hasOpt(opts, want string) bool {
	for o := range strings.SplitSeq(opts, ",") {
		if o == want {
			return true
		}
	}
	return false
}

// stringOpt is the schema of a field tagged ",string": numbers and
// booleans are written as JSON strings.
func stringOpt(t reflect.Type, fs *Schema) *Schema {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return &Schema{Type: Types{"string"}, Description: "a JSON " + fs.Type[0] + " written as a string"}
	}
	return fs
}

// described returns a copy of fs with a description (beside a $ref too,
// as JSON Schema 2020-12 allows).
func described(fs *Schema, d string) *Schema {
	c := *fs
	c.Description = d
	return &c
}
