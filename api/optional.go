package api

import (
	"encoding/json"
	"reflect"
	"strconv"
	"time"
)

// Optional is a JSON field for PATCH bodies: Set reports that the key was
// present, Null that its value was null.
type Optional[T any] struct {
	Set   bool
	Null  bool
	Value T
}

// UnmarshalJSON records presence and nullness, then decodes the value.
func (o *Optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

// Ptr returns nil unless the field was set to a value.
func (o Optional[T]) Ptr() *T {
	if !o.Set || o.Null {
		return nil
	}
	v := o.Value
	return &v
}

// Date is a calendar date in JSON as "YYYY-MM-DD".
type Date time.Time

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return time.Time(d).IsZero() }

// MarshalText writes YYYY-MM-DD: in JSON, the string "YYYY-MM-DD" (a
// TextMarshaler is quoted by encoding/json, where a json.Marshaler's
// output would be parsed again and compacted).
func (d Date) MarshalText() ([]byte, error) {
	return time.Time(d).AppendFormat(make([]byte, 0, len(time.DateOnly)), time.DateOnly), nil
}

// UnmarshalJSON reads "YYYY-MM-DD".
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		// A type error, so that the decoder reports the field's name.
		return &json.UnmarshalTypeError{Value: "string " + strconv.Quote(s), Type: reflect.TypeFor[Date]()}
	}
	*d = Date(t)
	return nil
}
