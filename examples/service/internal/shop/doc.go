// Package shop is the shop's domain and HTTP API: customers, products and
// orders.
//
// The services (CustomerService, ProductService, OrderService) are
// request-scoped: the request injector in wire.go builds a Request for
// every HTTP request from the app-scoped Deps, with a routing session of
// its own, so that reads go to a replica (through the request's read
// cache) until the request writes and to the primary afterwards. They run
// the sqlc queries of internal/db through its generated, replica-routed
// Querier; placing an order is one transaction (postgres.InTx), importing
// products one streamed COPY through the generated binding
// (model.BulkCreateSeq), each all or nothing.
//
// Input is checked before it reaches the database, with the rules of the
// table's constraints and a few of the API's own (a price with a third
// decimal is refused rather than rounded by numeric(12,2)); whatever the
// database still rejects is classified by api.DBError. Every error a
// client can act on is an *api.Error naming the field (items[1].product_id,
// records[7].sku), answered in the one error shape of package api.
//
// AppSet and RequestSet are the Wire provider sets; Handler registers the
// routes on an api.Mux.
package shop
