// Command aquila runs the reference catalog service and manages its
// database, through the commands of package cli:
//
//	aquila serve                run the HTTP service (embedded PostgreSQL unless DATABASE_URL is set)
//	aquila migrate up|down|status|version|create|diff|lint
//	aquila ddl [-drop]          print the catalog DDL generated from its metadata
//	aquila check                compare the metadata with the live schema (exit 1 on drift)
//	aquila load -table T FILE   bulk-load NDJSON or CSV through COPY
//	aquila openapi [-o FILE]    write the API's OpenAPI 3.1 document (served at GET /openapi.json)
//	aquila version
//
// Run `aquila <command> -h` for a command's flags. Every flag has an
// environment variable fallback, named in its help text.
package main

import (
	"fmt"
	"os"

	"github.com/aquila-go/aquila/cli"
	"github.com/aquila-go/aquila/internal/app"
	"github.com/aquila-go/aquila/internal/catalog"
	"github.com/aquila-go/aquila/internal/db"
	"github.com/aquila-go/aquila/model"
	"github.com/aquila-go/aquila/schema"
)

func main() {
	reg, err := model.NewRegistry(catalog.Tables()...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "aquila:", err)
		os.Exit(1)
	}
	os.Exit(cli.Main(service(reg)))
}

// service is the reference catalog as the commands see it.
func service(reg *model.Registry) cli.Service {
	return cli.Service{
		Name:          "aquila",
		Summary:       "the reference book catalog, on a PostgreSQL service foundation with its SQL and wiring compiled at build time.",
		Registry:      reg,
		Migrations:    schema.FS,
		MigrationsDir: "schema",
		Statements:    db.Statements(),
		Handler:       initHandler,
		OpenAPI:       app.OpenAPI,
	}
}
