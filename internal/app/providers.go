package app

import (
	"net/http"

	"github.com/google/wire"
)

// AppSet provides the app-scoped singletons from what serve built
// (cli.Deps: config, logger, router, metrics registry): the catalog
// metadata, the GET /books list endpoint and the HTTP handler.
var AppSet = wire.NewSet(
	ProvideCatalog,
	ProvideReadCache,
	ProvideBookList,
	ProvideDeps,
	NewHandler,
	wire.Bind(new(http.Handler), new(*Handler)),
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
	wire.Struct(new(Request), "*"),
)
