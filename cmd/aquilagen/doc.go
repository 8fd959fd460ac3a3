// Command aquilagen generates the code a service on aquila would otherwise
// write by hand, into the package sqlc generates (its gen.go.out). Run it
// after sqlc, from the directory holding sqlc.yaml:
//
//	aquilagen [-f sqlc.yaml]
//	aquilagen wire [-modfile tools/go.mod] [packages]
//
// # The sqlc step
//
// For every sql block of sqlc.yaml with a gen.go output (engine postgresql,
// sql_package pgx/v5, emit_interface and emit_exported_queries on), it
// writes two files into the output package:
//
//   - router_gen.go: RoutedQueries, which implements sqlc's Querier on two
//     connections, a read one (a replica) and a write one (the primary).
//     The route of every method is decided here, from the query's sqlc
//     annotation and SQL text; nothing is parsed at run time. A method
//     reads when its query is :one or :many and postgres.ClassifySQL calls
//     its SQL a plain read (SELECT, WITH, VALUES or TABLE with no data
//     modification, no SELECT INTO, no locking clause and no call of a
//     function that writes or needs the primary), and it is not marked
//     "aquila:primary" in its doc comment (a "-- aquila:primary" line under
//     "-- name:" in the query file). Everything else (:exec, :execrows,
//     :execresult, :copyfrom, :batch*, and INSERT ... RETURNING) runs on the
//     write connection. Each method's comment says where it runs and why.
//   - statements_gen.go: Statements(), the SQL text of every query, for
//     preparing on each new connection (postgres.Config.Prepare).
//
// The package is read with go/parser only, so this step works even when
// the package does not compile yet.
//
// # The wire step
//
// "aquilagen wire" runs wire gen with the wire pinned in the tools module
// (go tool -modfile=tools/go.mod wire gen), then removes the line
//
//	//go:generate go run -mod=mod github.com/google/wire/cmd/wire
//
// that wire writes into every wire_gen.go: it would run a second, unpinned
// wire through the service's own go.mod and add wire's dependencies to it.
//
// # Using it from a service
//
// Pin the generator beside sqlc and wire in the service's tools module
// (tools/go.mod, its own module so that the service's go.mod does not
// inherit their dependencies):
//
//	go get -modfile=tools/go.mod -tool github.com/aquila-go/aquila/cmd/aquilagen
//
// which adds to tools/go.mod
//
//	tool (
//		github.com/aquila-go/aquila/cmd/aquilagen
//		github.com/google/wire/cmd/wire
//		github.com/sqlc-dev/sqlc/cmd/sqlc
//	)
//
// and write the go:generate lines, in this order, in a file of the service's
// root package (next to sqlc.yaml), e.g. generate.go:
//
//	//go:generate go tool -modfile=tools/go.mod sqlc generate
//	//go:generate go tool -modfile=tools/go.mod aquilagen
//	//go:generate go tool -modfile=tools/go.mod aquilagen wire .
//
// Without a tools module, "go run github.com/aquila-go/aquila/cmd/aquilagen"
// runs the version of aquila in the service's go.mod. Inside the aquila
// repository itself, generate.go runs "go run ./cmd/aquilagen".
package main
