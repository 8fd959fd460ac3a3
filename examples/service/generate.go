package main

// Every generated file of the service comes from these lines, in order:
// sqlc compiles schema/ + queries/ into internal/db; aquilagen writes the
// replica-routed Querier, the statement list and the COPY bindings of the
// tables internal/tables describes there; its wire step runs wire on this
// package (wire.go → wire_gen.go). sqlc and wire are pinned
// in tools.mod, so that go.mod and go.sum hold only what the service
// links; aquilagen is a tool of go.mod, so that it always comes from the
// version of aquila the service runs on.

//go:generate go tool -modfile=tools.mod sqlc generate
//go:generate go tool aquilagen -tables ./internal/tables.Tables
//go:generate go tool aquilagen wire -modfile tools.mod .
