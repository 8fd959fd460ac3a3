//go:build wireinject

package main

import (
	"context"
	"net/http"

	"github.com/google/wire"

	"github.com/aquila-go/aquila/cli"

	"github.com/aquila-go/aquila/examples/service/internal/shop"
)

// initHandler is the app injector: serve calls it once, with a migrated
// database and a warm pool, and runs its cleanup at shutdown.
func initHandler(ctx context.Context, d *cli.Deps) (http.Handler, func(), error) {
	panic(wire.Build(
		wire.FieldsOf(new(*cli.Deps), "Config", "Logger", "Router", "Metrics", "Registry"),
		shop.AppSet,
		provideRequestFunc,
		wire.Bind(new(http.Handler), new(*shop.Handler)),
	))
}

// newRequest is the request injector, called once per HTTP request.
func newRequest(d *shop.Deps, r *http.Request) *shop.Request {
	panic(wire.Build(shop.RequestSet))
}
