package shop

import (
	"github.com/google/wire"

	"github.com/aquila-go/aquila/model"
	"github.com/aquila-go/aquila/postgres"
)

// RequestSet provides the request-scoped services from *Deps and the
// *http.Request.
var RequestSet = wire.NewSet(
	ProvideSession,
	ProvideQueries,
	ProvideWriter,
	ProvideProducts,
	NewCustomerService,
	NewProductService,
	NewOrderService,
	wire.Bind(new(model.DBTX), new(*postgres.Writer)),
	wire.Bind(new(postgres.TxBeginner), new(*postgres.Writer)),
	wire.Struct(new(Request), "*"),
)
