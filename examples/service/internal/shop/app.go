package shop

import (
	"log/slog"

	"github.com/google/wire"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/aquila-go/aquila/api"
	"github.com/aquila-go/aquila/cli"
	"github.com/aquila-go/aquila/model"
	"github.com/aquila-go/aquila/postgres"

	"github.com/aquila-go/aquila/examples/service/internal/db"
)

// AppSet provides the app-scoped singletons from what serve built (the
// fields of *cli.Deps): the API mux, the read cache, the products binding
// and the handler.
var AppSet = wire.NewSet(
	ProvideMux,
	ProvideReadCache,
	ProvideProductImport,
	wire.Struct(new(Deps), "*"),
	NewHandler,
)

// ProvideMux is the API's mux: request ids, the access log, the request
// timeout (-request-timeout) and the request metrics on serve's /metrics
// registry.
func ProvideMux(cfg cli.Config, log *slog.Logger, metrics *prometheus.Registry) (*api.Mux, error) {
	return api.NewMux(api.Config{Logger: log, Timeout: cfg.RequestTimeout, Registerer: metrics})
}

// ProvideReadCache is the app-wide part of the per-request read cache
// (-no-read-cache switches it off).
func ProvideReadCache(cfg cli.Config) *postgres.ReadCache {
	return postgres.NewReadCache(postgres.ReadCacheConfig{Disabled: cfg.NoReadCache})
}

// ProvideProductImport binds products for imports to the generated
// accessors of db.Product: the columns a client sends, while id and
// created_at stay the server's. A row type that disagrees with the
// registry fails here, when serve starts.
func ProvideProductImport(reg *model.Registry) (*model.Binding[db.Product], error) {
	return db.BindProducts(reg, "sku", "name", "price", "tags", "active")
}
