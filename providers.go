package main

import (
	"net/http"

	"github.com/aquila-go/aquila/internal/app"
)

// provideRequestFunc hands the generated request injector, closed over the
// app singletons, to the HTTP handler.
func provideRequestFunc(d *app.Deps) app.RequestFunc {
	return func(r *http.Request) app.Request { return newRequest(d, r) }
}
