package app

import (
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aquila-go/aquila/api"
	"github.com/aquila-go/aquila/cli"
)

// MaxBodyBytes limits every JSON request body except the bulk stream.
const MaxBodyBytes = api.MaxBodyBytes

// MaxBulkBytes limits a POST /books:bulk body; it is streamed, never held.
const MaxBulkBytes = 256 << 20

// Handler serves the catalog API. Each request gets its request-scoped
// services from newRequest — the generated request injector — exactly once.
type Handler struct {
	newRequest RequestFunc
	books      *BookList
	mux        *api.Mux
}

// NewHandler registers the routes on an api.Mux: request ids, the request
// timeout, error writing, request metrics (on reg, which serve's /metrics
// exposes) and the access log come from there. serve answers /healthz,
// /readyz, /metrics and /debug/pprof/ itself.
func NewHandler(newRequest RequestFunc, reg *prometheus.Registry, books *BookList, cfg cli.Config, log *slog.Logger) (*Handler, error) {
	mux, err := api.NewMux(api.Config{Logger: log, Timeout: cfg.RequestTimeout, Registerer: reg})
	if err != nil {
		return nil, err
	}
	h := &Handler{newRequest: newRequest, books: books, mux: mux}

	h.handle("POST /authors", h.createAuthor)
	h.handle("GET /authors", h.listAuthors)
	h.handle("GET /authors/{id}", h.getAuthor)
	h.handle("PATCH /authors/{id}", h.updateAuthor)
	h.handle("DELETE /authors/{id}", h.deleteAuthor)
	h.handle("GET /authors/{id}/books", h.authorBooks)

	h.handle("POST /books", h.createBook)
	h.handle("POST /books:bulk", h.bulkBooks)
	h.handle("GET /books", h.listBooks)
	h.handle("GET /books/{id}", h.getBook)
	h.handle("PATCH /books/{id}", h.updateBook)
	h.handle("DELETE /books/{id}", h.deleteBook)
	h.handle("GET /books/{id}/tags", h.bookTags)
	h.handle("PUT /books/{id}/tags/{tag_id}", h.attachTag)
	h.handle("DELETE /books/{id}/tags/{tag_id}", h.detachTag)

	h.handle("POST /tags", h.createTag)
	h.handle("GET /tags", h.listTags)

	mux.Handle("/", func(w http.ResponseWriter, r *http.Request) error {
		return api.Errorf(api.CodeNotFound, "", "no route for %s %s", r.Method, r.URL.Path)
	})
	return h, nil
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mux.ServeHTTP(w, r)
}

// handlerFunc is a catalog handler: an api.HandlerFunc that also gets the
// request's services.
type handlerFunc func(w http.ResponseWriter, r *http.Request, req *Request) error

// handle registers fn under pattern; the request injector runs once per
// request, inside the api.Mux's lifecycle.
func (h *Handler) handle(pattern string, fn handlerFunc) {
	h.mux.Handle(pattern, func(w http.ResponseWriter, r *http.Request) error {
		return fn(w, r, h.newRequest(r))
	})
}

// page is the response shape of every list.
type page[T any] struct {
	Items []T     `json:"items"`
	Next  *string `json:"next"`
}

// pageOf converts a page of rows to their JSON shape. A full page (limit
// rows) gets next, the cursor of its last row; a short page is the last.
func pageOf[R, J any](rows []R, limit int32, toJSON func(R) J, cursor func(R) string) page[J] {
	p := page[J]{Items: make([]J, len(rows))}
	for i, r := range rows {
		p.Items[i] = toJSON(r)
	}
	if limit > 0 && len(rows) == int(limit) {
		next := cursor(rows[len(rows)-1])
		p.Next = &next
	}
	return p
}

// listParams checks a keyset list's query string (only after and limit)
// and parses both, after as an id.
func listParams(r *http.Request) (after int64, limit int32, err error) {
	v, err := api.CheckParams(r, "after", "limit")
	if err != nil {
		return 0, 0, err
	}
	if after, err = api.AfterID(v); err != nil {
		return 0, 0, err
	}
	limit, err = api.Limit(v)
	return after, limit, err
}
