// Package tables describes the shop's tables (schema/00001_shop.sql) as
// aquila model metadata.
//
// The registry is what `ddl` prints, what `check` compares with a live
// database, what `load` writes through binary COPY and what the generated
// COPY bindings in internal/db are checked against when the service starts.
// It must match the goose migrations exactly: the tests migrate a fresh
// database with schema.FS and fail on any difference model.Check reports,
// so a change to one without the other fails `go test ./...`.
//
// To change the schema, change both: add a migration under schema/ and the
// same change here, then run `go generate ./...` so that sqlc and the
// bindings follow.
package tables
