package openapi_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aquila-go/aquila/internal/library"
	"github.com/aquila-go/aquila/internal/library/db"
	"github.com/aquila-go/aquila/openapi"
	"github.com/aquila-go/aquila/openapi/openapitest"
	"github.com/aquila-go/aquila/query"
)

// day is a date written as "YYYY-MM-DD", described by its own method.
type day time.Time

func (day) OpenAPISchema(func(reflect.Type) *openapi.Schema) *openapi.Schema {
	return &openapi.Schema{Type: openapi.Types{"string"}, Format: "date"}
}

// maybe is a PATCH field: absent, null or a T.
type maybe[T any] struct {
	Set   bool
	Value *T
}

func (maybe[T]) OpenAPISchema(of func(reflect.Type) *openapi.Schema) *openapi.Schema {
	return openapi.Nullable(of(reflect.TypeFor[T]()))
}

type stamps struct {
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

type bookJSON struct {
	ID         int64           `json:"id"`
	Title      string          `json:"title" doc:"The book's title."`
	Published  day             `json:"published_on"`
	Price      int32           `json:"price_cents"`
	Attributes json.RawMessage `json:"attributes"`
	Author     *authorJSON     `json:"author"`
	Tags       []string        `json:"tags"`
	Rating     float64         `json:"rating,omitempty"`
	Count      int64           `json:"count,string,omitempty"`
	internal   int
	Skipped    string `json:"-"`
	stamps
}

type authorJSON struct {
	ID    int64   `json:"id"`
	Name  string  `json:"name"`
	Email *string `json:"email"`
}

type bookInput struct {
	Title string `json:"title"`
	Price int32  `json:"price_cents"`
	Notes string `json:"notes,omitempty"`
}

type bookPatch struct {
	Title maybe[string] `json:"title,omitzero"`
	Email maybe[string] `json:"email,omitzero"`
}

type page[T any] struct {
	Items []T     `json:"items"`
	Next  *string `json:"next"`
}

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Field   string `json:"field,omitempty"`
		Message string `json:"message"`
	} `json:"error"`
}

// booksDescription is the description of a books list endpoint on the
// test library (metadata only: no database).
func booksDescription(t *testing.T) *query.Description {
	t.Helper()
	lib, err := library.New()
	if err != nil {
		t.Fatal(err)
	}
	s, err := query.NewSchema(lib.Registry, query.SchemaConfig{CursorKeys: [][]byte{[]byte("0123456789abcdef0123456789abcdef")}})
	if err != nil {
		t.Fatal(err)
	}
	books, err := query.NewTable(s, query.TableConfig[db.Book]{
		Table: "books",
		Fields: func(b *db.Book, dst []any) []any {
			return append(dst, &b.ID, &b.AuthorID, &b.Isbn, &b.Title, &b.PublishedOn,
				&b.PriceCents, &b.Pages, &b.Attributes, &b.CreatedAt, &b.UpdatedAt)
		},
		Key: []string{"id"},
	})
	if err != nil {
		t.Fatal(err)
	}
	ep, err := query.NewEndpoint(books, query.EndpointConfig{
		Filters: []query.Filter{
			{Param: "author_id", Ops: []query.Op{query.OpEq, query.OpIn}},
			{Param: "title", Ops: []query.Op{query.OpIContains, query.OpEq}},
			{Param: "published_on", Ops: []query.Op{query.OpGe, query.OpBetween}},
			{Param: "attributes", Ops: []query.Op{query.OpIsNull}},
			{Param: "tag", Column: "name", Ops: []query.Op{query.OpEq}, Path: []query.Hop{
				{Column: "id", Table: "book_tags", Key: "book_id"}, {Column: "tag_id", Table: "tags", Key: "id"}}},
		},
		Sort:        []string{"published_on", "title", "id"},
		DefaultSort: []query.Order{query.Desc("published_on")},
		MaxLimit:    50,
	})
	if err != nil {
		t.Fatal(err)
	}
	d := ep.Describe()
	return &d
}

func testRoutes(t *testing.T) []openapi.Route {
	return []openapi.Route{
		{Pattern: "GET /books", ID: "listBooks", Summary: "List books", List: booksDescription(t),
			Replies: []openapi.Reply{openapi.OK[page[bookJSON]]("A page of books.")}},
		{Pattern: "POST /books", Body: []openapi.Content{openapi.JSON[bookInput]()}, Errors: []int{409},
			Replies: []openapi.Reply{openapi.Created[bookJSON]("The book.", openapi.HeaderParam[string]("Location", "Its URL."))}},
		{Pattern: "GET /books/{id}", Params: []openapi.Param{openapi.PathParam[int64]("id", "The book's id.")},
			Replies: []openapi.Reply{openapi.OK[bookJSON]("")}},
		{Pattern: "PATCH /books/{id}", Params: []openapi.Param{openapi.PathParam[int64]("id", "")},
			Body:    []openapi.Content{openapi.JSON[bookPatch]()},
			Replies: []openapi.Reply{openapi.OK[bookJSON]("")}},
		{Pattern: "DELETE /books/{id}", Replies: []openapi.Reply{openapi.NoContent("Deleted.")}},
		{Pattern: "POST /books:bulk", Body: []openapi.Content{openapi.Body[[]bookInput]("application/x-ndjson"), openapi.JSON[[]bookInput]()},
			Replies: []openapi.Reply{openapi.Created[map[string]int64]("")}},
		{Pattern: "GET /files/{path...}", Replies: []openapi.Reply{{Status: 200, Content: []openapi.Content{{MediaType: "text/plain", Schema: &openapi.Schema{Type: openapi.Types{"string"}}}}}}},
	}
}

func build(t *testing.T) (*openapi.Document, []byte) {
	t.Helper()
	doc, err := openapi.Build(openapi.Config{
		Info:  openapi.Info{Title: "books", Version: "1.0.0"},
		Error: &openapi.Content{Type: reflect.TypeFor[errorBody]()},
	}, testRoutes(t)...)
	if err != nil {
		t.Fatal(err)
	}
	b, err := doc.JSON()
	if err != nil {
		t.Fatal(err)
	}
	return doc, b
}

func TestBuildIsValidOpenAPI(t *testing.T) {
	_, b := build(t)
	v := openapitest.Load(t, b) // fails the test unless the document is valid OpenAPI 3.1
	_ = v
}

func TestBuildSchemas(t *testing.T) {
	doc, b := build(t)
	comps := doc.Components.Schemas
	var names []string
	for n := range comps {
		names = append(names, n)
	}
	want := []string{"Author", "Book", "BookInput", "BookPage", "BookPatch", "ErrorBody"}
	if strings.Join(sorted(names), ",") != strings.Join(want, ",") {
		t.Fatalf("components %v, want %v", sorted(names), want)
	}
	book := comps["Book"]
	if got := strings.Join(book.Required, ","); got != "id,title,published_on,price_cents,attributes,author,tags,created_at,updated_at" {
		t.Errorf("Book required %s", got)
	}
	checks := map[string]string{
		"id":           `{"type":"integer","format":"int64"}`,
		"title":        `{"type":"string","description":"The book's title."}`,
		"published_on": `{"type":"string","format":"date"}`,
		"attributes":   `{}`,
		"author":       `{"anyOf":[{"$ref":"#/components/schemas/Author"},{"type":"null"}]}`,
		"tags":         `{"type":"array","items":{"type":"string"}}`,
		"count":        `{"type":"string","description":"a JSON integer written as a string"}`,
		"created_at":   `{"type":"string","format":"date-time"}`,
	}
	for prop, want := range checks {
		got, _ := json.Marshal(book.Properties[prop])
		if string(got) != want {
			t.Errorf("Book.%s = %s, want %s", prop, got, want)
		}
	}
	for _, absent := range []string{"internal", "Skipped", "stamps"} {
		if book.Properties[absent] != nil {
			t.Errorf("Book has %s", absent)
		}
	}
	if got, _ := json.Marshal(comps["Author"].Properties["email"]); string(got) != `{"type":["string","null"]}` {
		t.Errorf("Author.email = %s", got)
	}
	if p := comps["BookPatch"]; len(p.Required) != 0 || p.Properties["title"].Type[1] != "null" {
		t.Errorf("BookPatch: %+v", p)
	}
	// The same routes make the same bytes.
	if _, again := build(t); string(again) != string(b) {
		t.Fatal("two builds of the same routes differ")
	}
}

func TestBuildOperations(t *testing.T) {
	doc, _ := build(t)
	list := (*doc.Paths["/books"])["get"]
	var params []string
	for _, p := range list.Parameters {
		params = append(params, p.Name)
	}
	want := "author_id author_id[eq] author_id[in] title title[icontains] title[eq] published_on published_on[ge] published_on[between] " +
		"attributes attributes[null] tag tag[eq] order limit after"
	if got := strings.Join(params, " "); got != want {
		t.Fatalf("list parameters\n got %s\nwant %s", got, want)
	}
	for _, p := range list.Parameters {
		switch p.Name {
		case "limit":
			if *p.Schema.Maximum != 50 || p.Schema.Default != 20 {
				t.Errorf("limit: %+v", p.Schema)
			}
		case "order":
			if len(p.Schema.Items.Enum) != 6 || p.Style != "form" || *p.Explode || p.Schema.Default.([]any)[0] != "-published_on" {
				t.Errorf("order: %+v", p.Schema)
			}
		case "author_id[in]":
			if p.Schema.Type[0] != "array" || p.Schema.Items.Format != "int64" || *p.Schema.MaxItems != 100 {
				t.Errorf("author_id[in]: %+v", p.Schema)
			}
		case "tag":
			if !strings.Contains(p.Description, "book_tags → tags") {
				t.Errorf("tag: %q", p.Description)
			}
		}
	}
	codes := func(op *openapi.Operation) string {
		var c []string
		for k := range op.Responses {
			c = append(c, k)
		}
		return strings.Join(sorted(c), " ")
	}
	for _, tt := range []struct{ path, method, codes string }{
		{"/books", "get", "200 400 default"},
		{"/books", "post", "201 400 409 413 415 default"},
		{"/books/{id}", "get", "200 400 404 default"},
		{"/books/{id}", "delete", "204 400 404 default"},
		{"/books:bulk", "post", "201 400 413 415 default"},
		{"/files/{path}", "get", "200 400 404 default"},
	} {
		op := (*doc.Paths[tt.path])[tt.method]
		if op == nil {
			t.Fatalf("no %s %s", tt.method, tt.path)
		}
		if got := codes(op); got != tt.codes {
			t.Errorf("%s %s answers %s, want %s", tt.method, tt.path, got, tt.codes)
		}
	}
	if id := (*doc.Paths["/books/{id}"])["delete"].OperationID; id != "deleteBooksById" {
		t.Errorf("default operationId %q", id)
	}
	if p := (*doc.Paths["/books/{id}"])["delete"].Parameters[0]; p.Name != "id" || p.Schema.Type[0] != "string" {
		t.Errorf("undocumented path parameter: %+v", p)
	}
}

// TestDocumentValidatesTraffic checks the document's meaning with a
// validator: what the endpoint accepts passes, what it refuses fails.
func TestDocumentValidatesTraffic(t *testing.T) {
	_, b := build(t)
	v := openapitest.Load(t, b)
	good := []string{
		"/books", "/books?author_id=1", "/books?author_id[in]=1,2,3", "/books?title[icontains]=go",
		"/books?published_on[between]=2020-01-01,2021-01-01", "/books?attributes[null]=true",
		"/books?order=-published_on,title&limit=50&after=abc", "/books?tag=go",
	}
	for _, u := range good {
		if errs := v.Request(httptest.NewRequest("GET", u, nil)); len(errs) > 0 {
			t.Errorf("GET %s: %v", u, errs)
		}
	}
	bad := []string{
		"/books?author_id=x", "/books?author_id[in]=1,y", "/books?limit=51", "/books?limit=0",
		"/books?order=pages", "/books?published_on[ge]=yesterday", "/books?published_on[between]=2020-01-01",
		"/books?attributes[null]=maybe",
	}
	for _, u := range bad {
		if errs := v.Request(httptest.NewRequest("GET", u, nil)); len(errs) == 0 {
			t.Errorf("GET %s: accepted by the document", u)
		}
	}
	resp := func(status int, body string) *http.Response {
		rec := httptest.NewRecorder()
		rec.Header().Set("Content-Type", "application/json")
		rec.WriteHeader(status)
		rec.WriteString(body)
		return rec.Result()
	}
	get := httptest.NewRequest("GET", "/books/1", nil)
	okBook := `{"id":1,"title":"T","published_on":"2020-01-01","price_cents":1,"attributes":null,"author":null,"tags":[],"created_at":"2020-01-01T00:00:00Z","updated_at":"2020-01-01T00:00:00Z"}`
	if errs := v.Response(get, resp(200, okBook)); len(errs) > 0 {
		t.Errorf("a valid book: %v", errs)
	}
	if errs := v.Response(get, resp(200, `{"id":1}`)); len(errs) == 0 {
		t.Error("a book without its required fields passed")
	}
	if errs := v.Response(get, resp(200, strings.Replace(okBook, `"tags":[]`, `"tags":null`, 1))); len(errs) == 0 {
		t.Error("a book with tags null passed")
	}
	if errs := v.Response(get, resp(404, `{"error":{"code":"not_found","message":"book not found"}}`)); len(errs) > 0 {
		t.Errorf("an error body: %v", errs)
	}
	if errs := v.Response(get, resp(503, `{"error":{"message":"x"}}`)); len(errs) == 0 {
		t.Error("an error body without its code passed as the default answer")
	}
}

func TestBuildRefuses(t *testing.T) {
	type chanBody struct {
		C chan int `json:"c"`
	}
	type other struct{ X int }
	ok := openapi.Reply{Status: 200}
	for name, routes := range map[string][]openapi.Route{
		"no method":              {{Pattern: "/books", Replies: []openapi.Reply{ok}}},
		"host":                   {{Pattern: "GET example.com/books", Replies: []openapi.Reply{ok}}},
		"path param not in path": {{Pattern: "GET /books", Params: []openapi.Param{openapi.PathParam[int64]("id", "")}}},
		"twice":                  {{Pattern: "GET /books"}, {Pattern: "GET /books"}},
		"same operationId":       {{Pattern: "GET /a", ID: "x"}, {Pattern: "GET /b", ID: "x"}},
		"same wildcard":          {{Pattern: "GET /a/{id}/{id}"}},
		"bad status":             {{Pattern: "GET /a", Replies: []openapi.Reply{{Status: 42}}}},
		"channel":                {{Pattern: "POST /a", Body: []openapi.Content{openapi.JSON[chanBody]()}}},
		"bad parameter place":    {{Pattern: "GET /a", Params: []openapi.Param{{Name: "x", In: "cookie"}}}},
		"component name clash": {
			{Pattern: "GET /a", Replies: []openapi.Reply{openapi.OK[other]("")}},
			{Pattern: "GET /b", Replies: []openapi.Reply{openapi.OK[otherJSON]("")}},
		},
	} {
		_, err := openapi.Build(openapi.Config{}, routes...)
		if err == nil {
			t.Errorf("%s: built", name)
			continue
		}
		if name != "channel" && name != "component name clash" && !errors.Is(err, openapi.ErrRoute) {
			t.Errorf("%s: %v does not wrap ErrRoute", name, err)
		}
	}
}

// otherJSON is named Other in a document, like other in TestBuildRefuses.
type otherJSON struct{ Y int }

func TestHandler(t *testing.T) {
	doc, b := build(t)
	h, err := openapi.Handler(doc)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/openapi.json", nil))
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" || rec.Body.String() != string(b) {
		t.Fatalf("served %d %q, %d bytes", rec.Code, rec.Header().Get("Content-Type"), rec.Body.Len())
	}
	req := httptest.NewRequest("GET", "/openapi.json", nil)
	req.Header.Set("If-None-Match", rec.Header().Get("ETag"))
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Fatalf("revalidation: %d", rec.Code)
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// rowJSON is an sqlc row type with nullable pgtype fields.
type rowJSON struct {
	At    pgtype.Timestamptz `json:"at"`
	ID    pgtype.UUID        `json:"id"`
	Price pgtype.Numeric     `json:"price"`
	On    pgtype.Date        `json:"on"`
	Note  pgtype.Text        `json:"note"`
}

// TestPgtypeSchemas checks the schemas of pgtype values against what pgx
// really writes for them, valid and null.
func TestPgtypeSchemas(t *testing.T) {
	doc, err := openapi.Build(openapi.Config{Info: openapi.Info{Title: "rows", Version: "1"}},
		openapi.Route{Pattern: "GET /rows/{id}", Replies: []openapi.Reply{openapi.OK[rowJSON]("")}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := doc.JSON()
	if err != nil {
		t.Fatal(err)
	}
	v := openapitest.Load(t, b)
	var price pgtype.Numeric
	if err := price.Scan("12.50"); err != nil {
		t.Fatal(err)
	}
	full := rowJSON{
		At:    pgtype.Timestamptz{Time: time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC), Valid: true},
		ID:    pgtype.UUID{Bytes: [16]byte{1, 2, 3}, Valid: true},
		Price: price,
		On:    pgtype.Date{Time: time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC), Valid: true},
		Note:  pgtype.Text{String: "n", Valid: true},
	}
	for name, row := range map[string]rowJSON{"valid": full, "null": {}} {
		body, err := json.Marshal(row)
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		rec.Header().Set("Content-Type", "application/json")
		rec.Write(body)
		if errs := v.Response(httptest.NewRequest("GET", "/rows/1", nil), rec.Result()); len(errs) > 0 {
			t.Errorf("%s row %s: %v", name, body, errs)
		}
	}
	if got, _ := json.Marshal(doc.Components.Schemas["Row"].Properties["id"]); string(got) != `{"type":["string","null"],"format":"uuid"}` {
		t.Errorf("pgtype.UUID: %s", got)
	}
}
