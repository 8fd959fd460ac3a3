package openapi

import (
	"encoding/json"
	"reflect"
	"slices"
)

// Schema is a JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1):
// the keywords Build uses. The zero Schema accepts any value.
type Schema struct {
	Ref                  string             `json:"$ref,omitempty"`
	Type                 Types              `json:"type,omitempty"`
	Format               string             `json:"format,omitempty"`
	Description          string             `json:"description,omitempty"`
	Enum                 []any              `json:"enum,omitempty"`
	Default              any                `json:"default,omitempty"`
	Minimum              *float64           `json:"minimum,omitempty"`
	Maximum              *float64           `json:"maximum,omitempty"`
	MinLength            *int               `json:"minLength,omitempty"`
	MaxLength            *int               `json:"maxLength,omitempty"`
	Pattern              string             `json:"pattern,omitempty"`
	Items                *Schema            `json:"items,omitempty"`
	MinItems             *int               `json:"minItems,omitempty"`
	MaxItems             *int               `json:"maxItems,omitempty"`
	Properties           map[string]*Schema `json:"properties,omitempty"`
	Required             []string           `json:"required,omitempty"`
	AdditionalProperties *Schema            `json:"additionalProperties,omitempty"`
	AnyOf                []*Schema          `json:"anyOf,omitempty"`
	Examples             []any              `json:"examples,omitempty"`
}

// Types is the type keyword: one JSON type, or several (["string",
// "null"]). One is written as a string.
type Types []string

// MarshalJSON writes one type as a string and several as an array.
func (t Types) MarshalJSON() ([]byte, error) {
	if len(t) == 1 {
		return json.Marshal(t[0])
	}
	return json.Marshal([]string(t))
}

// UnmarshalJSON reads a string or an array of strings.
func (t *Types) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*t = Types{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(t))
}

// Describer is implemented by a type whose JSON reflection cannot see —
// one with its own MarshalJSON or UnmarshalJSON, such as a date or a
// wrapper for optional fields. of returns the schema of another type, a
// $ref for a named struct. The method is called on the zero value.
//
//	func (Date) OpenAPISchema(func(reflect.Type) *openapi.Schema) *openapi.Schema {
//		return &openapi.Schema{Type: openapi.Types{"string"}, Format: "date"}
//	}
type Describer interface {
	OpenAPISchema(of func(reflect.Type) *Schema) *Schema
}

// Nullable returns a schema that also accepts null: s with "null" added
// to its types, or anyOf s and null for a reference.
func Nullable(s *Schema) *Schema {
	switch {
	case s == nil:
		return nil
	case s.Ref != "" || len(s.AnyOf) > 0:
		return &Schema{AnyOf: []*Schema{s, {Type: Types{"null"}}}}
	case len(s.Type) == 0 || slices.Contains(s.Type, "null"):
		return s
	}
	n := *s
	n.Type = append(slices.Clone(s.Type), "null")
	if len(n.Enum) > 0 {
		n.Enum = append(slices.Clone(s.Enum), nil)
	}
	return &n
}

func ptr[T any](v T) *T { return &v }
