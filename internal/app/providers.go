package app

import "github.com/google/wire"

// AppSet provides the app-scoped singletons: database, migrations, pool.
var AppSet = wire.NewSet(
	ProvideDSN,
	ProvideMigrated,
	ProvidePool,
	ProvideDeps,
	NewHandler,
)

// RequestSet provides the request-scoped services from *Deps and the
// *http.Request.
var RequestSet = wire.NewSet(
	ProvideRequestID,
	ProvideRequestLogger,
	ProvideQueries,
	NewAuthorService,
	NewBookService,
	wire.Struct(new(Request), "*"),
)
