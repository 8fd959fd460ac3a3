// Package tools pins the code generators and command-line tools that aquila
// uses at build time (sqlc, wire, goose, benchstat). It lives in its own module
// so that services importing aquila do not inherit the tools' dependency graph.
//
// Run a tool from the repository root with:
//
//	go tool -modfile=tools/go.mod sqlc generate
//	go tool -modfile=tools/go.mod wire gen .
//	go tool -modfile=tools/go.mod goose -dir schema postgres "$DATABASE_URL" up
package tools
