// Package sqltext reads what aquila needs from a SQL text without a SQL
// parser, in one lexical pass: the header line sqlc writes before each
// query ("-- name: X :cmd"), and whether a statement only reads. The
// postgres package (replica prepare lists, warm-up, read cache, retries),
// the query tracer of package cli and cmd/aquilagen (replica routes) share
// it, so that they agree.
package sqltext
