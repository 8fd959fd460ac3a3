// Package model is aquila's small model metadata layer: it describes
// PostgreSQL tables in Go, generates their DDL, checks a live database for
// drift against them, writes the migration that removes the drift and
// writes rows in bulk through COPY.
//
// # Metadata
//
// A table is a list of columns and table-level constraints and indexes:
//
//	books := model.Table("books",
//		model.Col("id", model.BigInt).Identity().PrimaryKey(),
//		model.Col("author_id", model.BigInt).NotNull().References("authors", "id").OnDelete(model.Restrict),
//		model.Col("isbn", model.Text).NotNull().Unique().Check(`"isbn" ~ '^[0-9]{13}$'`),
//		model.Col("attributes", model.JSONB),
//		model.Col("created_at", model.TimestampTZ).NotNull().Default("now()"),
//		model.Index("author_id"),
//		model.Index("attributes").Using(model.GIN),
//	)
//	reg, err := model.NewRegistry(authors, books)
//
// Columns read as one expression each because column-level constraints
// (PrimaryKey, Unique, Check, References) sit on the column, as in SQL;
// composite ones are table elements (PrimaryKey, Unique, CheckConstraint,
// ForeignKey, Index). ManyToMany builds a join table from two tables'
// primary keys. Types are the Type constants plus Varchar, Numeric and
// Array.
//
// NewRegistry validates everything once and fails fast, reporting every
// problem rather than the first: each is an *Error naming the table and
// column and wrapping a sentinel from errors.go (ErrDuplicateColumn,
// ErrUnknownTable, ErrTypeMismatch, ...), so errors.Is and errors.As work.
// It also names every constraint and index the way PostgreSQL would
// (books_pkey, books_isbn_key, books_isbn_check, books_author_id_fkey,
// books_author_id_idx) and always writes the names out, so the DDL, a
// hand-written migration and the drift check agree on them. A name over 63
// bytes is an error rather than a silent truncation by the server. A
// Registry is immutable after NewRegistry and safe for concurrent use; the
// package has no global state.
//
// # SQL text and trust
//
// Identifiers are always quoted (reserved words and mixed case work as
// names) and row values are always sent as COPY data, never as SQL text.
// The SQL expressions in metadata — Default, Check, CheckConstraint and an
// index's Where — are trusted developer input written into the DDL as they
// are, like the text of a migration; never build them from user input.
// DefaultValue quotes a Go value as a literal.
//
// # DDL
//
// Registry.CreateStatements returns CREATE TABLE and CREATE INDEX statements
// in dependency order (a depth-first walk of foreign keys from the tables in
// declaration order, so a registry declared in dependency order keeps it);
// a foreign key that closes a cycle is added by an ALTER TABLE after all the
// tables exist. DropStatements reverses it. The output is deterministic: a
// registry always gives the same statements, byte for byte. NewRegistry
// renders each column definition and constraint clause once; CreateSQL
// only assembles them into one buffer of the exact size, and
// AppendCreateSQL into the caller's.
//
// # Drift check
//
// Check compares a registry with a database through pg_catalog. Comparing
// the metadata's own spelling with the server's rendering of defaults and
// CHECK expressions is unreliable (the server rewrites BETWEEN, adds casts,
// quotes as it likes), so Check does not try: inside a transaction it always
// rolls back, it applies the registry's DDL to a scratch schema and reads
// both schemas through the same catalog queries, with search_path set so
// that pg_get_expr and pg_get_constraintdef render both alike. Differences
// are reported per table, column, constraint and index, matched by name. It
// needs the CREATE privilege on the database and changes nothing.
//
// # Migrations
//
// PlanMigration turns the drift check around: from the differences Check
// would report between a database and a registry, it writes the goose
// migration that takes the database to the registry (the Up section) and
// back (Down). It is the engine of `migrate diff`, which runs it on a
// scratch database that the existing migrations were applied to, so that
// the metadata stays the single source of truth for tables and the
// migrations follow it. It lives here, beside Check, because it is the
// same comparison read the other way: the Up side is written from the
// metadata (its spelling of types, defaults and checks, as CreateStatements
// writes them), the Down side from the database's catalog.
//
// Each difference becomes a step with its undo, and steps run in an order
// that respects dependencies: foreign keys are dropped before the keys they
// use, tables are created in dependency order (a cycle is closed by ALTER
// TABLE), a column's default, identity and nullability change in the order
// PostgreSQL accepts. A type change gets a USING clause only where
// PostgreSQL has no assignment cast. A constraint or index that only
// changed its name is renamed. Renames of tables and columns are never
// guessed: RenameTable and RenameColumn declare them; without that, a
// column that disappears while another appears is dropped and added, with a
// warning in the file.
//
// The Up section is safe on a table with rows and traffic: an index on an
// existing table is built CONCURRENTLY, a primary key or unique constraint
// is added USING such an index, a check or foreign key is added NOT VALID
// and validated afterwards, and SET NOT NULL first validates a CHECK
// (column IS NOT NULL) so that it takes its lock without scanning. Since
// CONCURRENTLY cannot run in a transaction, and validating in the
// transaction that added the constraint would hold its lock during the
// scan, those statements go to a second file marked -- +goose NO
// TRANSACTION, which runs after the first has committed. The main file
// sets lock_timeout (LockTimeout), so that a statement stuck behind a long
// query fails instead of queueing the table's traffic. Dropping a table
// or column and narrowing a type lose data: they need AllowDestructive, the
// file marks them for migrate lint, and their Down says the data is not
// restored.
//
// # Binding and bulk writes
//
// A binding ties a table to a Go row type, such as the sqlc-generated
// db.Book, without reflection. BindFields takes one typed field per column:
//
//	b, err := model.BindFields(reg.Table("books"),
//		model.Int64("author_id", func(r *db.Book) int64 { return r.AuthorID }),
//		model.String("isbn", func(r *db.Book) string { return r.Isbn }),
//		model.PgNumeric("price", func(r *db.Book) pgtype.Numeric { return r.Price }),
//		model.StringArray("tags", func(r *db.Book) []string { return r.Tags }))
//
// There is a field constructor for every Go type sqlc's pgx/v5 output uses
// for the column types here: the plain Go types and pointers to them
// (Int64, StringPtr, Time, Bytes for bytea and json, ...), pgx's nullable
// pgtype structs (PgText, PgInt8, PgTimestamptz, PgUUID, PgNumeric, ...),
// uuid values as [16]byte (UUIDBytes), and an Array form of each
// non-pointer one for one-dimensional array columns (StringArray,
// PgUUIDArray, ...).
// cmd/aquilagen writes these fields for every sqlc row type that has a
// table in the registry, and BindRow binds them, checking first that the
// row type and the table agree column for column. It checks each field's
// Go type against its column's type when the program starts, and bulk
// operations then encode PostgreSQL's binary COPY format straight from the
// typed values into a reused buffer that pgconn streams: no []any, no
// interface boxing, no per-value codec lookup, and no allocation per row.
// Bind takes a values function instead,
//
//	b, err := model.Bind(reg.Table("books"), []string{"author_id", "isbn"},
//		func(r *db.Book, dst []any) []any { return append(dst, r.AuthorID, r.Isbn) })
//
// and goes through pgx.CopyFrom, so it covers every type pgx can encode,
// custom ones included.
//
// BulkCreate and BulkCreateSeq (a streaming iter.Seq2) write rows with COPY,
// WithChunkSize rows per COPY statement. A slice that fits in one chunk, on
// a *pgxpool.Pool or *pgx.Conn, is a single COPY statement, atomic by
// itself (the same round trips as a hand-written pgx.CopyFrom); anything
// more, and every stream, runs in one transaction, begun when the first
// row is ready — on a pgx.Tx, a savepoint. Any failure — a rejected row, a
// constraint violation, a cancelled context, a lost connection — leaves no
// row behind. A stream is read as the COPY encoder needs its rows, so that
// reading and decoding the input overlap with the server writing the rows,
// and no row is held beyond the one being encoded; the encoder's buffer
// (64 KiB) is the only memory that grows with the input. Errors read
// "copy <table>: ...", keep
// the *pgconn.PgError reachable with errors.As, satisfy errors.Is(err,
// context.Canceled) when the context was cancelled and, when the failing
// row is known, carry its index in a *RowError. BulkUpsert and
// BulkUpsertSeq add ON CONFLICT DO NOTHING or DO UPDATE, which COPY (and
// sqlc's :copyfrom) cannot do, by copying into a temporary table and moving
// the rows with one INSERT … SELECT … ON CONFLICT.
//
// Hooks are set on a binding: WithValidate
// runs on every row before it is sent (for a slice, on all rows before
// anything is sent), and WithAfterCommit receives the number of rows once
// the transaction has committed.
package model
