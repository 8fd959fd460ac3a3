// Package migratelint checks goose SQL migrations for statements that lock
// a busy table for long, fail on a table with rows, or lose data — the
// operations squawk and strong_migrations flag — and says what to write
// instead. `migrate lint` runs it over a service's migrations and `migrate
// diff` over what it writes.
//
// # Findings
//
// Lint reads the migrations in version order and reports each problem of
// their Up sections as a Finding, printed "file:line rule: message". A table
// created by an earlier migration is taken to have rows and traffic; one
// created in the same file is not (creating an index on it plainly is
// fine). The linter follows the schema as the files build it: columns and
// their types (to tell a type change that rewrites the table from one that
// does not), CHECK (column IS NOT NULL) constraints and whether they were
// validated, indexes and their tables.
//
// The rules, by their stable names (Rules has each one's why and what to
// write instead):
//
//	adding-required-field               ADD COLUMN NOT NULL without DEFAULT on an existing table
//	adding-field-with-volatile-default  ADD COLUMN that rewrites the table (volatile default, serial, identity)
//	require-concurrent-index-creation   CREATE INDEX without CONCURRENTLY on an existing table
//	require-concurrent-index-deletion   DROP INDEX without CONCURRENTLY
//	concurrently-in-transaction         CONCURRENTLY in a file without -- +goose NO TRANSACTION
//	constraint-missing-not-valid        ADD CHECK / FOREIGN KEY without NOT VALID; VALIDATE in the same transaction
//	disallowed-unique-constraint        ADD UNIQUE / PRIMARY KEY without USING INDEX
//	changing-column-type                ALTER COLUMN TYPE that rewrites the table
//	set-not-null-without-check          SET NOT NULL without a validated CHECK (column IS NOT NULL)
//	ban-drop-column                     DROP COLUMN
//	ban-drop-table                      DROP TABLE of an existing table
//	renaming-column                     RENAME COLUMN of a column the sqlc queries still use
//	renaming-table                      RENAME TO of a table the sqlc queries still use
//	invalid-lint-ignore                 a lint-ignore without a known rule or a reason
//
// A comment silences one rule for one statement, with a reason a reviewer
// can check:
//
//	-- aquila:lint-ignore ban-drop-column the v2 API stopped reading legacy_code in release 41
//	ALTER TABLE books DROP COLUMN legacy_code;
//
// It applies to the statement it sits in or ends the line of, or else to
// the next one. migrate diff writes such a comment above each destructive
// statement it was allowed to write (-allow-destructive).
//
// # Parsing
//
// The linter reads SQL with its own lexer, which follows PostgreSQL's
// lexical rules (nested comments, escape-string and dollar-quoted strings, quoted
// identifiers), cuts statements at semicolons as goose does (a
// StatementBegin block is one statement), and recognises the statement
// shapes the rules are about: CREATE TABLE, CREATE and DROP INDEX, DROP
// TABLE and the actions of ALTER TABLE. Statements of any other shape are
// skipped, never misread. PostgreSQL's own parser is available to Go as
// pganalyze/pg_query_go, which needs cgo and compiles libpg_query, and as
// wasilibs/go-pgquery, which runs it as WebAssembly: measured here, that
// adds 16.5 MB to a binary and its first parse takes seconds while the
// module compiles. The linter runs inside every service's own command
// (migrate lint and migrate diff), so neither cost is worth paying for
// recognising a dozen statement shapes.
package migratelint
