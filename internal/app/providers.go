package app

import "github.com/google/wire"

// AppSet provides the app-scoped singletons: database, migrations, pool,
// catalog metadata, metrics and the HTTP handler.
var AppSet = wire.NewSet(
	ProvideDSN,
	ProvideMigrated,
	ProvideMetrics,
	ProvideTracer,
	ProvidePool,
	ProvideCatalog,
	ProvideReadCache,
	ProvideDeps,
	NewHandler,
)

// RequestSet provides the request-scoped services from *Deps and the
// *http.Request.
var RequestSet = wire.NewSet(
	ProvideRequestID,
	ProvideRequestLogger,
	ProvideDBTX,
	ProvideQueries,
	ProvideBulkDB,
	ProvideCatalogFromDeps,
	NewAuthorService,
	NewBookService,
	NewTagService,
	wire.Struct(new(Request), "*"),
)
