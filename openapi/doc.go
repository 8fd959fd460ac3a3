// Package openapi builds the OpenAPI 3.1 document of a JSON API from the
// routes it registers — never from text written by hand — so that the
// document cannot drift from what the service does.
//
// # Routes
//
// A Route documents one http.ServeMux pattern: its path parameters (the
// pattern's wildcards, typed with PathParam), its request body and
// answers as Go types, and, for a list endpoint, the query.Description
// of its query.Endpoint:
//
//	ep, _ := query.NewEndpoint(books, cfg)
//	list := ep.Describe()
//	doc, err := openapi.Build(openapi.Config{
//		Info:  openapi.Info{Title: "catalog", Version: "1.0.0"},
//		Error: &openapi.Content{Type: reflect.TypeFor[api.ErrorBody]()},
//	},
//		openapi.Route{Pattern: "GET /books", List: &list,
//			Replies: []openapi.Reply{openapi.OK[Page[Book]]("A page of books.")}},
//		openapi.Route{Pattern: "POST /books", Body: []openapi.Content{openapi.JSON[BookInput]()},
//			Errors: []int{409, 422}, Replies: []openapi.Reply{openapi.Created[Book]("The new book.")}},
//		openapi.Route{Pattern: "GET /books/{id}", Params: []openapi.Param{openapi.PathParam[int64]("id", "")},
//			Replies: []openapi.Reply{openapi.OK[Book]("")}},
//	)
//	h, err := openapi.Handler(doc) // serve it at GET /openapi.json
//
// Every route answers errors with the common error body (Config.Error):
// its default response, plus 400 when it takes a parameter or body, 404
// with a path parameter, 413 and 415 with a body, and the statuses it
// lists in Errors.
//
// # Lists
//
// A list's filters become one query parameter per operator, name[op]
// (title[icontains], price_cents[between]), and the bare name for the
// first operator, each with the schema of its values: integers with their
// format, dates and times with theirs, comma-separated lists (in, nin,
// between) as arrays with style form and explode false, the null tests as
// booleans. order is an array of the allowed columns, each optionally
// after "-"; limit an integer bounded by the endpoint's maximum, with its
// default; after the cursor string of the previous page's next.
//
// # Schemas
//
// The JSON schema (draft 2020-12, OpenAPI 3.1's dialect) of a Go type is
// derived once, at Build, by reflection, with encoding/json's rules: json
// tags name the properties, a field is required unless tagged omitempty
// or omitzero, a pointer is nullable, embedded structs are promoted,
// ",string" writes a number as a string, time.Time is a date-time and
// json.RawMessage any value, the nullable pgtype values of sqlc's row
// types (pgtype.Timestamptz, UUID, Numeric, Date, Text, Int8, ...) what
// pgx writes for them or null; a doc tag is a property's description. Named
// structs become components/schemas, named after the Go type with a
// "JSON" suffix dropped (bookJSON → Book) and generic arguments before the
// type (page[bookJSON] → BookPage); two types with one name fail Build. A
// type with its own JSON encoding describes itself by implementing
// Describer. No reflection happens while serving.
//
// A document marshals deterministically (Document.JSON), so that it can
// be committed and compared: a test that builds it and compares it with
// the committed file fails when an endpoint changes without the
// document. Package openapitest loads a document with a well-kept OpenAPI
// library, validates it, and checks requests and responses against it.
package openapi
