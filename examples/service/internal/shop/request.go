package shop

import (
	"net/http"

	"github.com/aquila-go/aquila/model"
	"github.com/aquila-go/aquila/postgres"

	"github.com/aquila-go/aquila/examples/service/internal/db"
)

// Deps are the app-scoped singletons the request injector builds from;
// nothing request-scoped is ever stored in it.
type Deps struct {
	Router    *postgres.Router
	ReadCache *postgres.ReadCache
	Products  *model.Binding[db.Product]
}

// Request holds the request-scoped services, built once per HTTP request
// by the generated request injector.
type Request struct {
	Customers *CustomerService
	Products  *ProductService
	Orders    *OrderService
}

// RequestFunc builds a Request for r; main implements it with the
// generated request injector.
type RequestFunc func(r *http.Request) *Request

// ProvideSession starts the request's routing session: reads go to a
// healthy replica until the request writes, then to the primary, so a
// request always reads its own writes.
func ProvideSession(d *Deps) *postgres.Session { return d.Router.Session() }

// ProvideQueries returns the request's sqlc queries, routed when they
// were generated: reads run on the session's read scope (a replica, and
// an identical read in one request reaches the database once; any write
// of the session empties it), everything else on the primary.
func ProvideQueries(d *Deps, s *postgres.Session) db.Querier {
	return db.NewRouted(d.ReadCache.SessionScope(s), s.Writer())
}

// ProvideWriter is where transactions and COPY run: the session's writer,
// the primary, so the session knows it wrote.
func ProvideWriter(s *postgres.Session) *postgres.Writer { return s.Writer() }

// ProvideProducts hands the app's products binding to request services.
func ProvideProducts(d *Deps) *model.Binding[db.Product] { return d.Products }
