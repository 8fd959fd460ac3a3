// Package schema holds aquila's reference catalog migrations as goose SQL files
// and embeds them in the binary.
//
// The files are plain goose migrations: the goose CLI runs them unchanged
// (`goose -dir schema postgres "$DATABASE_URL" up`), sqlc reads them as the
// schema it compiles queries against, and the service's serve and migrate
// commands (package cli, through postgres.Migrator) apply the embedded copy.
// Versions are zero-padded so that goose's numeric order and sqlc's
// lexical order agree.
package schema

import "embed"

// FS holds the migration files at its root, as goose.NewProvider expects.
//
//go:embed *.sql
var FS embed.FS
