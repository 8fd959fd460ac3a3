package app

import (
	"github.com/aquila-go/aquila/postgres"
)

// App is what the app injector builds once at start-up: the API handler and
// the singletons behind it, all ready (migrated, pool warm).
type App struct {
	Handler *Handler
	Router  *postgres.Router
}
