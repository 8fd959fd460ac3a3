package shop

import (
	"log/slog"

	"github.com/google/wire"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/aquila-go/aquila/api"
	"github.com/aquila-go/aquila/cli"
	"github.com/aquila-go/aquila/postgres"
)

// AppSet provides the app-scoped singletons from what serve built (the
// fields of *cli.Deps): the API mux, the COPY bindings and the handler.
var AppSet = wire.NewSet(
	ProvideMux,
	ProvideReadCache,
	NewBindings,
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
