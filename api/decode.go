package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
)

// MaxBodyBytes limits a body read by DecodeJSON.
const MaxBodyBytes = 1 << 20

// ValidateMediaType returns the media type of r's body when it is one of
// types, the first of types when no Content-Type is set, and a 415 *Error
// otherwise.
func ValidateMediaType(r *http.Request, types ...string) (string, error) {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return types[0], nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil {
		for _, t := range types {
			if mt == t {
				return mt, nil
			}
		}
	}
	return "", Errorf(CodeMediaType, "", "Content-Type must be %s", strings.Join(types, " or "))
}

// DecodeJSON strictly decodes exactly one JSON value of at most
// MaxBodyBytes from r's body into v. Every string in the body, object keys
// and nested values included, must be valid UTF-8 without U+0000 (which
// PostgreSQL cannot store in text or jsonb; encoding/json would quietly
// replace invalid bytes with U+FFFD). Unknown fields, trailing data, a bad
// string, a wrong media type or a too-large body are *Errors naming what is
// wrong.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if _, err := ValidateMediaType(r, "application/json"); err != nil {
		return err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		return JSONError(err)
	}
	return decodeStrict(body, v)
}

// decodeStrict checks the text of one JSON document and decodes it into v,
// rejecting unknown fields and trailing data.
func decodeStrict(doc []byte, v any) error {
	if err := validateJSONText(doc); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return JSONError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return JSONError(err)
		}
		return Errorf(CodeInvalid, "", "body must hold a single JSON value")
	}
	return nil
}

// Records decodes a stream of JSON objects into T one at a time, as NDJSON
// (one value per line) or as one JSON array, so that memory stays flat
// whatever the size of the body. Each record is checked and decoded as
// DecodeJSON does (text, unknown fields); an error ends the stream. It is
// always an *Error, its field relative to the record: RecordError names
// the record. The caller limits the body's size.
func Records[T any](body io.Reader, ndjson bool) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		dec := json.NewDecoder(body)
		if !ndjson {
			tok, err := dec.Token()
			if err != nil || tok != json.Delim('[') {
				if err == nil {
					err = Errorf(CodeInvalid, "", "body must be a JSON array")
				}
				yield(zero, JSONError(err))
				return
			}
		}
		for {
			if !ndjson && !dec.More() {
				if _, err := dec.Token(); err != nil { // the closing ]
					yield(zero, JSONError(err))
					return
				}
				if _, err := dec.Token(); !errors.Is(err, io.EOF) {
					yield(zero, Errorf(CodeInvalid, "", "data after the JSON array"))
				}
				return
			}
			var raw json.RawMessage
			err := dec.Decode(&raw)
			if ndjson && errors.Is(err, io.EOF) {
				return
			}
			var rec T
			if err == nil {
				err = decodeStrict(raw, &rec)
			}
			if err != nil {
				yield(rec, JSONError(err))
				return
			}
			if !yield(rec, nil) {
				return
			}
		}
	}
}

// JSONError maps a json decoding error to an *Error that names the field.
func JSONError(err error) *Error {
	var e *Error
	var tooLarge *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &e):
		return e
	case errors.As(err, &tooLarge):
		return &Error{Code: CodeTooLarge, Message: "body exceeds " + strconv.FormatInt(tooLarge.Limit, 10) + " bytes", Err: err}
	case errors.As(err, &typeErr):
		return &Error{Code: CodeInvalid, Field: typeErr.Field, Message: "must be " + jsonTypeName(typeErr.Type), Err: err}
	case errors.As(err, &syntaxErr):
		return &Error{Code: CodeInvalid, Message: "malformed JSON at byte " + strconv.FormatInt(syntaxErr.Offset, 10), Err: err}
	case errors.Is(err, io.EOF):
		return &Error{Code: CodeInvalid, Message: "empty body", Err: err}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &Error{Code: CodeInvalid, Message: "truncated JSON", Err: err}
	}
	if f, ok := unknownField(err.Error()); ok {
		return &Error{Code: CodeInvalid, Field: f, Message: "unknown field", Err: err}
	}
	return &Error{Code: CodeInvalid, Message: "invalid JSON body", Err: err}
}

// jsonTypeName describes a Go type the way a JSON client thinks of it.
func jsonTypeName(t reflect.Type) string {
	if t == nil {
		return "a different type"
	}
	if t == reflect.TypeFor[Date]() {
		return "a date (YYYY-MM-DD)"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer in range"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "a " + t.String()
}

// unknownField extracts the name from encoding/json's `json: unknown field "x"`.
func unknownField(msg string) (string, bool) {
	const prefix = `json: unknown field "`
	if len(msg) > len(prefix)+1 && msg[:len(prefix)] == prefix && msg[len(msg)-1] == '"' {
		return msg[len(prefix) : len(msg)-1], true
	}
	return "", false
}
