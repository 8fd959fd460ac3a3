// Package schema holds the shop's goose migrations and embeds them in the
// binary.
//
// The files are plain goose migrations: sqlc reads them as the schema it
// compiles queries/ against, the service applies the embedded copy at
// start-up (serve) or on demand (migrate), the tests build their template
// database from them, and the goose CLI runs them unchanged:
//
//	go tool -modfile=tools.mod goose -dir schema postgres "$DATABASE_URL" up
//
// Versions are zero-padded so that goose's numeric order and sqlc's lexical
// order agree.
package schema

import "embed"

// FS holds the migration files at its root, as goose expects.
//
//go:embed *.sql
var FS embed.FS
