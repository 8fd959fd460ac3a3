//go:build wireinject

package main

import (
	"context"
	"net/http"

	"github.com/google/wire"

	"github.com/aquila-go/aquila/cli"
	"github.com/aquila-go/aquila/internal/app"
)

// initHandler is the app injector: from what serve built (config, logger,
// warm router, metrics registry) to the catalog's HTTP handler. Cleanups
// run in reverse order.
func initHandler(ctx context.Context, d *cli.Deps) (http.Handler, func(), error) {
	panic(wire.Build(
		wire.FieldsOf(new(*cli.Deps), "Config", "Logger", "Router", "Metrics"),
		app.AppSet, provideRequestFunc))
}

// newRequest is the request injector, called once per HTTP request; the
// caller releases the Request when the request ends.
func newRequest(d *app.Deps, r *http.Request) app.Request {
	panic(wire.Build(app.RequestSet))
}
