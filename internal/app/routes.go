package app

import (
	"net/http"

	"github.com/aquila-go/aquila/api"
	"github.com/aquila-go/aquila/cli"
	"github.com/aquila-go/aquila/openapi"
	"github.com/aquila-go/aquila/query"
)

// route is one route of the catalog API: its documentation, whose
// Pattern is where it is registered, and its handler.
type route struct {
	doc openapi.Route
	fn  handlerFunc
}

// bulkJSON is the answer of POST /books:bulk.
type bulkJSON struct {
	Created int64 `json:"created" doc:"The number of books created."`
}

// routes is the catalog API. NewHandler registers it and the API document
// describes it, so the document cannot miss a route.
func (h *Handler) routes() []route {
	id := func(what string) openapi.Param { return openapi.PathParam[int64]("id", "The "+what+"'s id.") }
	location := openapi.HeaderParam[string]("Location", "The path of the new resource.")
	plain := &query.Description{LimitParam: "limit", AfterParam: "after", DefaultLimit: 50, MaxLimit: 500}
	books := h.books.Endpoint.Describe()
	return []route{
		{openapi.Route{Pattern: "POST /authors", ID: "createAuthor", Summary: "Create an author", Tags: []string{"authors"},
			Body: []openapi.Content{openapi.JSON[AuthorInput]()}, Errors: []int{409, 422},
			Replies: []openapi.Reply{openapi.Created[authorJSON]("The new author.", location)}}, h.createAuthor},
		{openapi.Route{Pattern: "GET /authors", ID: "listAuthors", Summary: "List authors by id", Tags: []string{"authors"},
			List: plain, Replies: []openapi.Reply{openapi.OK[page[authorJSON]]("A page of authors.")}}, h.listAuthors},
		{openapi.Route{Pattern: "GET /authors/{id}", ID: "getAuthor", Summary: "Get an author", Tags: []string{"authors"},
			Params: []openapi.Param{id("author")}, Replies: []openapi.Reply{openapi.OK[authorJSON]("The author.")}}, h.getAuthor},
		{openapi.Route{Pattern: "PATCH /authors/{id}", ID: "updateAuthor", Summary: "Change an author", Tags: []string{"authors"},
			Description: "Absent fields are kept; email and bio may be set to null.",
			Params:      []openapi.Param{id("author")}, Body: []openapi.Content{openapi.JSON[AuthorPatch]()}, Errors: []int{409, 422},
			Replies: []openapi.Reply{openapi.OK[authorJSON]("The changed author.")}}, h.updateAuthor},
		{openapi.Route{Pattern: "DELETE /authors/{id}", ID: "deleteAuthor", Summary: "Delete an author without books", Tags: []string{"authors"},
			Params: []openapi.Param{id("author")}, Errors: []int{422},
			Replies: []openapi.Reply{openapi.NoContent("Deleted.")}}, h.deleteAuthor},
		{openapi.Route{Pattern: "GET /authors/{id}/books", ID: "listAuthorBooks", Summary: "List an author's books by id", Tags: []string{"authors", "books"},
			Params: []openapi.Param{id("author")}, List: plain,
			Replies: []openapi.Reply{openapi.OK[page[bookJSON]]("A page of the author's books.")}}, h.authorBooks},

		{openapi.Route{Pattern: "POST /books", ID: "createBook", Summary: "Create a book", Tags: []string{"books"},
			Body: []openapi.Content{openapi.JSON[BookInput]()}, Errors: []int{409, 422},
			Replies: []openapi.Reply{openapi.Created[bookJSON]("The new book.", location)}}, h.createBook},
		{openapi.Route{Pattern: "POST /books:bulk", ID: "bulkCreateBooks", Summary: "Create many books, all or nothing", Tags: []string{"books"},
			Description: "An NDJSON stream (one book per line) or a JSON array of books, streamed into COPY: " +
				"either every book is created or none is, and the error names the record (records[i].field).",
			Body:   []openapi.Content{openapi.Body[[]BookInput]("application/x-ndjson"), openapi.JSON[[]BookInput]()},
			Errors: []int{409, 422}, Replies: []openapi.Reply{openapi.Created[bulkJSON]("The books were created.")}}, h.bulkBooks},
		{openapi.Route{Pattern: "GET /books", ID: "listBooks", Summary: "List books: filter, order, page", Tags: []string{"books"},
			Description: "Filters are name=value or name[op]=value; several filters all apply. " +
				"order takes comma-separated columns, \"-\" before one for descending; " +
				"a page holds at most limit items and its next, when not null, is the after of the following page.",
			List: &books, Replies: []openapi.Reply{openapi.OK[page[bookJSON]]("A page of books.")}}, h.listBooks},
		{openapi.Route{Pattern: "GET /books/{id}", ID: "getBook", Summary: "Get a book", Tags: []string{"books"},
			Params: []openapi.Param{id("book")}, Replies: []openapi.Reply{openapi.OK[bookJSON]("The book.")}}, h.getBook},
		{openapi.Route{Pattern: "PATCH /books/{id}", ID: "updateBook", Summary: "Change a book", Tags: []string{"books"},
			Description: "Absent fields are kept; attributes may be set to null.",
			Params:      []openapi.Param{id("book")}, Body: []openapi.Content{openapi.JSON[BookPatch]()}, Errors: []int{409, 422},
			Replies: []openapi.Reply{openapi.OK[bookJSON]("The changed book.")}}, h.updateBook},
		{openapi.Route{Pattern: "DELETE /books/{id}", ID: "deleteBook", Summary: "Delete a book", Tags: []string{"books"},
			Params: []openapi.Param{id("book")}, Replies: []openapi.Reply{openapi.NoContent("Deleted.")}}, h.deleteBook},
		{openapi.Route{Pattern: "GET /books/{id}/tags", ID: "listBookTags", Summary: "List a book's tags", Tags: []string{"books", "tags"},
			Params:  []openapi.Param{id("book")},
			Replies: []openapi.Reply{openapi.OK[page[tagJSON]]("Every tag of the book, in one page (next is null).")}}, h.bookTags},
		{openapi.Route{Pattern: "PUT /books/{id}/tags/{tag_id}", ID: "attachTag", Summary: "Tag a book (idempotent)", Tags: []string{"books", "tags"},
			Params:  []openapi.Param{id("book"), openapi.PathParam[int64]("tag_id", "The tag's id.")},
			Replies: []openapi.Reply{openapi.NoContent("The book has the tag.")}}, h.attachTag},
		{openapi.Route{Pattern: "DELETE /books/{id}/tags/{tag_id}", ID: "detachTag", Summary: "Untag a book", Tags: []string{"books", "tags"},
			Params:  []openapi.Param{id("book"), openapi.PathParam[int64]("tag_id", "The tag's id.")},
			Replies: []openapi.Reply{openapi.NoContent("The book no longer has the tag.")}}, h.detachTag},

		{openapi.Route{Pattern: "POST /tags", ID: "createTag", Summary: "Create a tag", Tags: []string{"tags"},
			Body: []openapi.Content{openapi.JSON[TagInput]()}, Errors: []int{409, 422},
			Replies: []openapi.Reply{openapi.Created[tagJSON]("The new tag.")}}, h.createTag},
		{openapi.Route{Pattern: "GET /tags", ID: "listTags", Summary: "List tags by name", Tags: []string{"tags"},
			List: plain, Replies: []openapi.Reply{openapi.OK[page[tagJSON]]("A page of tags.")}}, h.listTags},
	}
}

// Info names the catalog API in its document.
func Info() openapi.Info {
	return openapi.Info{
		Title:   "aquila catalog",
		Version: "1.0.0",
		Description: "The reference book catalog of aquila. Every list answers {\"items\": [...], \"next\": cursor-or-null}; " +
			"every error {\"error\": {\"code\", \"field\", \"message\", \"request_id\"}}.",
	}
}

// OpenAPI builds the catalog API's OpenAPI document — what NewHandler
// registers, documented — without a database.
func OpenAPI() (*openapi.Document, error) { return Document(BooksEndpoint()) }

// Document builds the API document with books as GET /books' endpoint.
func Document(books query.EndpointConfig) (*openapi.Document, error) {
	cat, err := ProvideCatalog()
	if err != nil {
		return nil, err
	}
	bl, err := newBookList(cat, make([]byte, query.MinCursorKeySize), books) // the key signs nothing here
	if err != nil {
		return nil, err
	}
	h, err := NewHandler(nil, nil, bl, cli.Config{}, nil)
	if err != nil {
		return nil, err
	}
	return h.mux.OpenAPI(Info())
}

// handleRoutes registers the routes on the Mux.
func (h *Handler) handleRoutes() {
	for _, rt := range h.routes() {
		fn := rt.fn
		h.mux.Route(rt.doc, func(w http.ResponseWriter, r *http.Request) error {
			req := h.newRequest(r)
			defer req.Release()
			return fn(w, r, req)
		})
	}
	h.mux.Handle("/", func(w http.ResponseWriter, r *http.Request) error {
		return api.Errorf(api.CodeNotFound, "", "no route for %s %s", r.Method, r.URL.Path)
	})
}
