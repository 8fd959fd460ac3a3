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

// NewHandler registers the routes (routes.go, each with its documentation)
// on an api.Mux: request ids, the request
// timeout, error writing, request metrics (on reg, which serve's /metrics
// exposes) and the access log come from there. serve answers /healthz,
// /readyz, /metrics and /debug/pprof/ itself.
func NewHandler(newRequest RequestFunc, reg *prometheus.Registry, books *BookList, cfg cli.Config, log *slog.Logger) (*Handler, error) {
	mc := api.Config{Logger: log, Timeout: cfg.RequestTimeout}
	if reg != nil {
		mc.Registerer = reg
	}
	mux, err := api.NewMux(mc)
	if err != nil {
		return nil, err
	}
	h := &Handler{newRequest: newRequest, books: books, mux: mux}
	h.handleRoutes()
	return h, nil
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mux.ServeHTTP(w, r)
}

// handlerFunc is a catalog handler: an api.HandlerFunc that also gets the
// request's services (the request injector runs once per request, inside
// the api.Mux's lifecycle). They are passed by value, so that they stay on
// the stack.
type handlerFunc func(w http.ResponseWriter, r *http.Request, req Request) error

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
	v, err := api.ValidateParams(r, "after", "limit")
	if err != nil {
		return 0, 0, err
	}
	if after, err = api.AfterID(v); err != nil {
		return 0, 0, err
	}
	limit, err = api.Limit(v)
	return after, limit, err
}
