//go:build wireinject

package wirereq

import (
	"net/http"

	"github.com/google/wire"

	"github.com/aquila-go/aquila/internal/app"
)

// Request is the service's request injector, generated from the same
// app.RequestSet as newRequest in the root package's wire.go: the request
// id, the request logger, the session, the queries and the three domain
// services. The caller releases it.
func Request(d *app.Deps, r *http.Request) app.Request {
	panic(wire.Build(app.RequestSet))
}

// AuthorScope is a request scope with one domain service: the request id,
// the request logger, the session, the queries and the author service. The
// caller releases its session.
func AuthorScope(d *app.Deps, r *http.Request) AuthorRequest {
	panic(wire.Build(app.RequestSet, wire.Struct(new(AuthorRequest), "*")))
}
