package openapi

import (
	"reflect"

	"github.com/aquila-go/aquila/query"
)

// Route documents one route: what a handler registered under Pattern
// accepts and answers. Bodies and parameters are Go types, whose JSON
// schemas Build derives; a list's query parameters come from its
// query.Description. Nothing in a Route is written as JSON by hand.
type Route struct {
	// Pattern is the route's http.ServeMux pattern with a method, e.g.
	// "GET /books/{id}"; its wildcards are the path parameters.
	Pattern string
	// ID is the operationId; default the method and the path's words,
	// e.g. getBooksById.
	ID          string
	Summary     string
	Description string
	Tags        []string
	// Params documents parameters: a path wildcard's type (default
	// string), query parameters and headers.
	Params []Param
	// List is the description of a list endpoint: its filters, order,
	// limit and cursor become query parameters.
	List *query.Description
	// Body is the request body, one Content per media type accepted;
	// empty for none.
	Body         []Content
	BodyOptional bool
	// Replies are the route's answers other than the common errors: its
	// success and any error with a body of its own.
	Replies []Reply
	// Errors are the statuses this route answers with the common error
	// body (Config.Error) beyond those its inputs imply: 400 for any
	// parameter or body, 404 for a path parameter, 413 and 415 for a
	// body. Every route also gets the error body as its default answer.
	Errors []int
}

// Param documents one parameter.
type Param struct {
	Name string
	// In is "path", "query" or "header"; default "path".
	In          string
	Description string
	Required    bool
	// Type is the Go type the parameter is parsed into; Schema, when set,
	// replaces the schema derived from it.
	Type   reflect.Type
	Schema *Schema
}

// Content is a body in one media type.
type Content struct {
	// MediaType defaults to application/json.
	MediaType string
	// Type is the Go type whose JSON the body is; Schema, when set,
	// replaces the schema derived from it.
	Type   reflect.Type
	Schema *Schema
}

// Reply is one answer of a route.
type Reply struct {
	Status      int
	Description string // default the status text
	Content     []Content
	Headers     []Param
}

// JSON is an application/json body holding a T.
func JSON[T any]() Content {
	return Content{MediaType: "application/json", Type: reflect.TypeFor[T]()}
}

// Body is a body of the given media type holding a T. An
// application/x-ndjson stream is described as the array of its records,
// Body[[]Record]("application/x-ndjson").
func Body[T any](mediaType string) Content {
	return Content{MediaType: mediaType, Type: reflect.TypeFor[T]()}
}

// PathParam documents the path wildcard name as a T.
func PathParam[T any](name, description string) Param {
	return Param{Name: name, In: "path", Description: description, Required: true, Type: reflect.TypeFor[T]()}
}

// HeaderParam documents a request or response header holding a T.
func HeaderParam[T any](name, description string) Param {
	return Param{Name: name, In: "header", Description: description, Type: reflect.TypeFor[T]()}
}

// OK is a 200 reply with a JSON T.
func OK[T any](description string) Reply {
	return Reply{Status: 200, Description: description, Content: []Content{JSON[T]()}}
}

// Created is a 201 reply with a JSON T.
func Created[T any](description string, headers ...Param) Reply {
	return Reply{Status: 201, Description: description, Content: []Content{JSON[T]()}, Headers: headers}
}

// NoContent is a 204 reply.
func NoContent(description string) Reply {
	return Reply{Status: 204, Description: description}
}
