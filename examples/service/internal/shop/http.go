package shop

import (
	"net/http"

	"github.com/aquila-go/aquila/api"
)

// MaxImportBytes limits a POST /products:import body; it is streamed into
// COPY, never held in memory.
const MaxImportBytes = 64 << 20

// Handler serves the shop API. Each request gets its request-scoped
// services from newRequest, the generated request injector, exactly once.
type Handler struct {
	mux        *api.Mux
	newRequest RequestFunc
}

// NewHandler registers the routes on mux.
func NewHandler(mux *api.Mux, newRequest RequestFunc) *Handler {
	h := &Handler{mux: mux, newRequest: newRequest}

	mux.Handle("POST /customers", h.createCustomer)
	mux.Handle("GET /customers", h.listCustomers)
	mux.Handle("GET /customers/{id}", h.getCustomer)
	mux.Handle("DELETE /customers/{id}", h.deleteCustomer)
	mux.Handle("GET /customers/{id}/orders", h.customerOrders)

	mux.Handle("POST /products", h.createProduct)
	mux.Handle("POST /products:import", h.importProducts)
	mux.Handle("GET /products", h.listProducts)
	mux.Handle("GET /products/{id}", h.getProduct)
	mux.Handle("PATCH /products/{id}", h.patchProduct)

	mux.Handle("POST /orders", h.placeOrder)
	mux.Handle("GET /orders/{id}", h.getOrder)
	mux.Handle("PUT /orders/{id}/status", h.setOrderStatus)

	mux.Handle("/", func(w http.ResponseWriter, r *http.Request) error {
		return api.Errorf(api.CodeNotFound, "", "no route for %s %s", r.Method, r.URL.Path)
	})
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// page is the response shape of every list: a full page carries the
// cursor to pass as after= for the next one.
type page[T any] struct {
	Items []T     `json:"items"`
	Next  *string `json:"next"`
}

func pageOf[T any](items []T, limit int32, cursor func(T) string) page[T] {
	p := page[T]{Items: items}
	if len(items) > 0 && len(items) == int(limit) {
		next := cursor(items[len(items)-1])
		p.Next = &next
	}
	return p
}
