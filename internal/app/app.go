package app

import (
	"github.com/jackc/pgx/v5/pgxpool"
)

// App is what the app injector builds once at start-up: the API handler and
// the singletons behind it, all ready (migrated, pool warm).
type App struct {
	Handler *Handler
	Pool    *pgxpool.Pool
	DSN     DSN
	Metrics *Metrics
}
