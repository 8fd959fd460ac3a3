package main

// Every generated file in the repository comes from these lines, in order:
// sqlc compiles schema/ + queries/ into internal/db; aquilagen (the public
// generator any service runs, see cmd/aquilagen) writes the replica-routed
// Querier, the statement list for prepare-on-connect and the COPY bindings of
// the tables internal/catalog.Tables describes there; its wire step
// runs the pinned wire and drops the go:generate line wire writes into
// wire_gen.go (it would run a second, unpinned wire through this module's
// go.mod).

//go:generate go tool -modfile=tools/go.mod sqlc generate
//go:generate go run ./cmd/aquilagen -tables ./internal/catalog.Tables
//go:generate go run ./cmd/aquilagen wire . ./bench/internal/wirereq

// The fixture of the public packages' tests (internal/library): a service's
// queries on the library, with the routed Querier and the statement list.

//go:generate go tool -modfile=tools/go.mod sqlc generate -f internal/library/sqlc.yaml
//go:generate go run ./cmd/aquilagen -f internal/library/sqlc.yaml

// The generator's own test schema (cmd/aquilagen/testdata/types): every column
// type model supports, through sqlc's default output and through overrides;
// its generated files are the generator's golden files.

//go:generate go tool -modfile=tools/go.mod sqlc generate -f cmd/aquilagen/testdata/types/sqlc.yaml
//go:generate go run ./cmd/aquilagen -f cmd/aquilagen/testdata/types/sqlc.yaml -tables ./cmd/aquilagen/testdata/types.Tables
