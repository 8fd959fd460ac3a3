// Command service is a small shop on aquila: customers, products and
// orders over HTTP and JSON, on PostgreSQL.
//
//	service serve              run the HTTP API (embedded PostgreSQL unless DATABASE_URL is set)
//	service migrate up|down|status|version|create
//	service ddl                print the DDL the model metadata generates
//	service check              compare the metadata with the live database (exit 1 on drift)
//	service load -table T FILE bulk-load NDJSON or CSV through COPY
//	service openapi            write the API's OpenAPI 3.1 document (served at GET /openapi.json)
//	service version
//
// Everything here is wiring: the commands come from aquila's cli package,
// the API from internal/shop through the Wire injectors in wire.go.
package main

import (
	"fmt"
	"net/http"
	"os"

	"github.com/aquila-go/aquila/cli"
	"github.com/aquila-go/aquila/model"

	"github.com/aquila-go/aquila/examples/service/internal/db"
	"github.com/aquila-go/aquila/examples/service/internal/shop"
	"github.com/aquila-go/aquila/examples/service/internal/tables"
	"github.com/aquila-go/aquila/examples/service/schema"
)

func main() {
	reg, err := tables.Registry()
	if err != nil {
		fmt.Fprintln(os.Stderr, "service:", err)
		os.Exit(1)
	}
	os.Exit(cli.Main(service(reg)))
}

// service describes the shop to its commands.
func service(reg *model.Registry) cli.Service {
	return cli.Service{
		Name:       "shop",
		Summary:    "a shop API on PostgreSQL",
		EnvPrefix:  "SHOP",
		Registry:   reg,
		Migrations: schema.FS,
		Statements: db.Statements(),
		Handler:    initHandler,
		OpenAPI:    shop.OpenAPI, // GET /openapi.json and `shop openapi`
	}
}

// provideRequestFunc hands the request injector to the handler.
func provideRequestFunc(d *shop.Deps) shop.RequestFunc {
	return func(r *http.Request) *shop.Request { return newRequest(d, r) }
}
