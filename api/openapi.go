package api

import (
	"reflect"

	"github.com/aquila-go/aquila/openapi"
)

// Route registers fn under doc.Pattern, as Handle does, and documents the
// route: OpenAPI describes it with doc's parameters, bodies and replies.
func (m *Mux) Route(doc openapi.Route, fn HandlerFunc) {
	m.Handle(doc.Pattern, fn)
	m.routes = append(m.routes, doc)
}

// Routes returns the documentation of the routes registered with Route,
// in the order they were registered.
func (m *Mux) Routes() []openapi.Route {
	return append([]openapi.Route(nil), m.routes...)
}

// OpenAPI builds the OpenAPI 3.1 document of the routes registered with
// Route, with ErrorBody as every route's error answer.
func (m *Mux) OpenAPI(info openapi.Info) (*openapi.Document, error) {
	errorBody := openapi.JSON[ErrorBody]()
	return openapi.Build(openapi.Config{Info: info, Error: &errorBody}, m.routes...)
}

// OpenAPISchema describes a Date: a string in the form YYYY-MM-DD.
func (Date) OpenAPISchema(func(reflect.Type) *openapi.Schema) *openapi.Schema {
	return &openapi.Schema{Type: openapi.Types{"string"}, Format: "date"}
}

// OpenAPISchema describes an Optional field as its value or null; a PATCH
// body tags it omitzero, so that it is not required.
func (Optional[T]) OpenAPISchema(of func(reflect.Type) *openapi.Schema) *openapi.Schema {
	return openapi.Nullable(of(reflect.TypeFor[T]()))
}

// OpenAPISchema describes a Code as one of the error codes.
func (Code) OpenAPISchema(func(reflect.Type) *openapi.Schema) *openapi.Schema {
	codes := []Code{CodeInvalid, CodeNotFound, CodeConflict, CodeUnprocessable, CodeTooLarge,
		CodeMediaType, CodeUnavailable, CodeTimeout, CodeInternal}
	s := &openapi.Schema{Type: openapi.Types{"string"}, Description: "The error's class; each has one HTTP status."}
	for _, c := range codes {
		s.Enum = append(s.Enum, string(c))
	}
	return s
}
