// Package catalog describes the reference catalog (schema/00001_catalog.sql)
// as model metadata and binds its tables to the sqlc row types of
// internal/db through the bindings cmd/aquilagen generates there from
// Tables (go generate runs it with -tables ./internal/catalog.Tables).
//
// The metadata here must match the goose migrations exactly: the tests
// migrate a fresh database with schema.FS and assert that model.Check
// reports no difference, so a change to one without the other fails CI.
package catalog
