package app

import (
	"github.com/google/wire"

	"github.com/aquila-go/aquila/internal/db"
)

// AppSet provides the app-scoped singletons: database, migrations, pool,
// catalog metadata, metrics and the HTTP handler.
var AppSet = wire.NewSet(
	ProvideDSN,
	ProvideMigrated,
	ProvideMetrics,
	ProvideTracer,
	ProvideRouter,
	ProvideCatalog,
	ProvideReadCache,
	ProvideBookList,
	ProvideDeps,
	NewHandler,
)

// RequestSet provides the request-scoped services from *Deps and the
// *http.Request.
var RequestSet = wire.NewSet(
	ProvideRequestID,
	ProvideRequestLogger,
	ProvideSession,
	ProvideDBTX,
	ProvideQueries,
	ProvideBulkDB,
	ProvideCatalogFromDeps,
	NewAuthorService,
	NewBookService,
	NewTagService,
	wire.Bind(new(db.Querier), new(*db.RoutedQueries)),
	wire.Struct(new(Request), "*"),
)
