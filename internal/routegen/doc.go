// Command routegen writes router_gen.go in the sqlc output package: a
// RoutedQueries type that implements sqlc's Querier interface on two
// connections, a read one (a replica) and a write one (the primary), with
// the choice for every method made here, at generation time, from the
// query's sqlc annotation and SQL text — nothing is parsed at run time.
//
// A method reads (runs on the read connection) when its query is
//
//   - annotated :one or :many, and
//   - a plain read: it starts with SELECT, WITH, VALUES or TABLE and holds no
//     INSERT, UPDATE, DELETE, MERGE, TRUNCATE or INTO (SELECT INTO creates a
//     table), no locking clause (FOR UPDATE, FOR NO KEY UPDATE, FOR SHARE,
//     FOR KEY SHARE), and no call to a function that writes or needs the
//     primary (nextval, setval, pg_advisory_*, pg_try_advisory_*, pg_notify,
//     txid_current, pg_current_xact_id, pg_current_wal_*), and
//   - not marked "aquila:primary" in its doc comment (a "-- aquila:primary"
//     line under "-- name:" in the query file).
//
// Everything else — :exec, :execrows, :execresult, :copyfrom, every :batch*
// command, and :one/:many writes (INSERT ... RETURNING) — runs on the write
// connection. Comments, string literals, quoted identifiers and
// dollar-quoted bodies are ignored when looking for those words.
//
// It reads the package with go/parser only (the Querier interface and the
// exported query constants, emit_interface and emit_exported_queries must be
// on); run it after sqlc generate:
//
//	go run ./internal/routegen -dir internal/db
package main
