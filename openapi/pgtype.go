package openapi

import (
	"reflect"

	"github.com/jackc/pgx/v5/pgtype"
)

// pgtypeSchema is the schema of the JSON pgx writes for a nullable pgtype
// value (sqlc's row types hold them): the value's type, or null when it
// is not Valid. ok is false for other types.
func pgtypeSchema(t reflect.Type) (s *Schema, ok bool) {
	switch t {
	case reflect.TypeFor[pgtype.Text]():
		s = &Schema{Type: Types{"string"}}
	case reflect.TypeFor[pgtype.Bool]():
		s = &Schema{Type: Types{"boolean"}}
	case reflect.TypeFor[pgtype.Int2]():
		s = &Schema{Type: Types{"integer"}, Minimum: ptr(-32768.0), Maximum: ptr(32767.0)}
	case reflect.TypeFor[pgtype.Int4]():
		s = &Schema{Type: Types{"integer"}, Format: "int32"}
	case reflect.TypeFor[pgtype.Int8]():
		s = &Schema{Type: Types{"integer"}, Format: "int64"}
	case reflect.TypeFor[pgtype.Float4]():
		s = &Schema{Type: Types{"number"}, Format: "float"}
	case reflect.TypeFor[pgtype.Float8]():
		s = &Schema{Type: Types{"number"}, Format: "double"}
	case reflect.TypeFor[pgtype.Numeric]():
		s = &Schema{Type: Types{"number"}, Description: "An exact decimal, written as a JSON number without rounding."}
	case reflect.TypeFor[pgtype.Date]():
		s = &Schema{Type: Types{"string"}, Format: "date"}
	case reflect.TypeFor[pgtype.Timestamptz](), reflect.TypeFor[pgtype.Timestamp]():
		s = &Schema{Type: Types{"string"}, Description: "An RFC 3339 time, or infinity or -infinity."}
	case reflect.TypeFor[pgtype.UUID]():
		s = &Schema{Type: Types{"string"}, Format: "uuid"}
	default:
		return nil, false
	}
	return Nullable(s), true
}
