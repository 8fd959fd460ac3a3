package shop

import (
	"net/http"
	"reflect"

	"github.com/aquila-go/aquila/api"
	"github.com/aquila-go/aquila/openapi"
	"github.com/aquila-go/aquila/query"

	"github.com/aquila-go/aquila/examples/service/internal/db"
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

// NewHandler registers the routes on mux, each with its documentation:
// mux.OpenAPI builds the API's document from them (see OpenAPI).
func NewHandler(mux *api.Mux, newRequest RequestFunc) *Handler {
	h := &Handler{mux: mux, newRequest: newRequest}

	id := openapi.PathParam[int64]("id", "")
	uuid := openapi.Param{Name: "id", Schema: &openapi.Schema{Type: openapi.Types{"string"}, Format: "uuid"}}
	paging := &query.Description{LimitParam: "limit", AfterParam: "after", DefaultLimit: api.DefaultLimit, MaxLimit: api.MaxLimit}
	tag := openapi.Param{Name: "tag", In: "query", Description: "Only products with this tag.", Type: reflect.TypeFor[string]()}
	conflict := []int{409, 422}
	for _, rt := range []struct {
		doc openapi.Route
		fn  api.HandlerFunc
	}{
		{openapi.Route{Pattern: "POST /customers", Summary: "Create a customer", Body: []openapi.Content{openapi.JSON[CustomerInput]()},
			Errors: conflict, Replies: []openapi.Reply{openapi.Created[db.Customer]("The new customer.")}}, h.createCustomer},
		{openapi.Route{Pattern: "GET /customers", Summary: "List customers by id", List: paging,
			Replies: []openapi.Reply{openapi.OK[page[db.Customer]]("A page of customers.")}}, h.listCustomers},
		{openapi.Route{Pattern: "GET /customers/{id}", Summary: "Get a customer", Params: []openapi.Param{id},
			Replies: []openapi.Reply{openapi.OK[db.Customer]("The customer.")}}, h.getCustomer},
		{openapi.Route{Pattern: "DELETE /customers/{id}", Summary: "Delete a customer", Params: []openapi.Param{id},
			Errors: conflict, Replies: []openapi.Reply{openapi.NoContent("Deleted.")}}, h.deleteCustomer},
		{openapi.Route{Pattern: "GET /customers/{id}/orders", Summary: "List a customer's orders", Params: []openapi.Param{id}, List: paging,
			Replies: []openapi.Reply{openapi.OK[page[db.Order]]("A page of orders.")}}, h.customerOrders},

		{openapi.Route{Pattern: "POST /products", Summary: "Create a product", Body: []openapi.Content{openapi.JSON[ProductInput]()},
			Errors: conflict, Replies: []openapi.Reply{openapi.Created[db.Product]("The new product.")}}, h.createProduct},
		{openapi.Route{Pattern: "POST /products:import", Summary: "Import products, all or nothing",
			Body:   []openapi.Content{openapi.Body[[]ProductInput]("application/x-ndjson"), openapi.JSON[[]ProductInput]()},
			Errors: conflict, Replies: []openapi.Reply{openapi.Created[map[string]int64]("How many were imported.")}}, h.importProducts},
		{openapi.Route{Pattern: "GET /products", Summary: "List products by SKU", Params: []openapi.Param{tag}, List: paging,
			Replies: []openapi.Reply{openapi.OK[page[db.Product]]("A page of products.")}}, h.listProducts},
		{openapi.Route{Pattern: "GET /products/{id}", Summary: "Get a product", Params: []openapi.Param{uuid},
			Replies: []openapi.Reply{openapi.OK[db.Product]("The product.")}}, h.getProduct},
		{openapi.Route{Pattern: "PATCH /products/{id}", Summary: "Change a product's price", Params: []openapi.Param{uuid},
			Body: []openapi.Content{openapi.JSON[ProductPatch]()}, Errors: conflict,
			Replies: []openapi.Reply{openapi.OK[db.Product]("The product.")}}, h.patchProduct},

		{openapi.Route{Pattern: "POST /orders", Summary: "Place an order", Body: []openapi.Content{openapi.JSON[OrderInput]()},
			Errors: conflict, Replies: []openapi.Reply{openapi.Created[OrderView]("The order.")}}, h.placeOrder},
		{openapi.Route{Pattern: "GET /orders/{id}", Summary: "Get an order with its items", Params: []openapi.Param{id},
			Replies: []openapi.Reply{openapi.OK[OrderView]("The order.")}}, h.getOrder},
		{openapi.Route{Pattern: "PUT /orders/{id}/status", Summary: "Move an order on", Params: []openapi.Param{id},
			Body: []openapi.Content{openapi.JSON[StatusInput]()}, Errors: conflict,
			Replies: []openapi.Reply{openapi.OK[db.Order]("The order.")}}, h.setOrderStatus},
	} {
		mux.Route(rt.doc, rt.fn)
	}

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

// OpenAPI builds the shop API's OpenAPI document without a database: the
// routes NewHandler registers, documented. serve answers GET
// /openapi.json with it and `shop openapi` writes it.
func OpenAPI() (*openapi.Document, error) {
	mux, err := api.NewMux(api.Config{})
	if err != nil {
		return nil, err
	}
	NewHandler(mux, nil)
	return mux.OpenAPI(openapi.Info{Title: "shop", Version: "1.0.0"})
}
