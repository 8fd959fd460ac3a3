//go:build wireinject

package main

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/google/wire"

	"github.com/aquila-go/aquila/internal/app"
)

// initApp is the app injector: config → embedded server (if needed) →
// migrations → warm pool → handler. Cleanups run in reverse order.
func initApp(ctx context.Context, cfg app.Config, log *slog.Logger) (*app.App, func(), error) {
	panic(wire.Build(app.AppSet, provideRequestFunc, wire.Struct(new(app.App), "*")))
}

// newRequest is the request injector, called once per HTTP request.
func newRequest(d *app.Deps, r *http.Request) *app.Request {
	panic(wire.Build(app.RequestSet))
}
