package postgres

import "github.com/aquila-go/aquila/internal/sqltext"

// StatementKind is Classify's verdict on a SQL text.
type StatementKind uint8

const (
	// StatementWrite is a statement that may change data, or one Classify
	// cannot prove does not.
	StatementWrite StatementKind = iota
	// StatementRead is a statement that only reads.
	StatementRead
)

func (k StatementKind) String() string {
	if k == StatementRead {
		return "read"
	}
	return "write"
}

// Classify tells reads from writes without a SQL parser, in one lexical
// pass that ReadCache runs once per distinct SQL text. A statement is a
// read when sqlc's header "-- name: X :cmd", if it has one, does not name
// an exec, execrows, execresult, execlastid, copyfrom or batchexec command,
// its first keyword is SELECT, WITH, VALUES or TABLE, and no later word
// (outside comments, string literals and quoted identifiers) writes or
// locks: INSERT, UPDATE, DELETE, MERGE, INTO (SELECT INTO), SHARE (FOR
// SHARE / KEY SHARE), TRUNCATE, COPY, CALL, LOCK, NOTIFY, or nextval,
// setval, set_config, pg_notify, txid_current, pg_current_xact_id,
// pg_current_wal_*, pg_advisory_*, pg_try_advisory_*, lo_* or dblink*.
// Anything else, including an empty or malformed text, is a write.
//
// A word that only looks like one of these (a column named "share")
// makes a read a write: it goes uncached and to the primary, never stale.
// A SELECT calling a user-defined function with side effects is not
// detected; run such statements with Exec, through WithoutReadCache, or
// mark the sqlc query aquila:primary.
//
// Replica pools prepare, Open warms, the read cache keeps and a Reader
// retries only what Classify calls a read; cmd/aquilagen routes sqlc's
// :one and :many queries to replicas by the same rule, so they all agree.
func Classify(sql string) StatementKind {
	if _, cmd, ok := sqltext.Header(sql); ok {
		switch cmd {
		case ":exec", ":execrows", ":execresult", ":execlastid", ":copyfrom", ":batchexec":
			return StatementWrite
		}
	}
	if read, _ := sqltext.Classify(sql); read {
		return StatementRead
	}
	return StatementWrite
}
