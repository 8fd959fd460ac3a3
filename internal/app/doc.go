// Package app is aquila's reference service: a small book catalog served over
// HTTP, built from the sqlc-generated queries in internal/db.
//
// Everything a service shares with any other (flags, the embedded
// database, migrations, the warm pool and replica router, metrics, the
// serve lifecycle) is in the public package cli; this package holds only
// the catalog's services and handlers. It is split along Wire's two
// scopes. App-scoped providers (AppSet) build the HTTP handler once from
// what serve built (cli.Deps); request-scoped providers (RequestSet, in
// request.go) build a Request — request id, logger, queries and the domain
// services — from the app singletons and the incoming *http.Request; the
// request injector generated from them is called once per HTTP request.
// The injectors themselves are in the root package's wire.go.
//
// The HTTP plumbing is the public package api: handlers run inside an
// api.Mux (request id, timeout, metrics, access log), decode with
// api.DecodeJSON and api.Records, and return *api.Error for anything a
// client caused, or a database error that api.DBError classifies;
// everything else is a 500 with the request id and no internal detail.
package app
