// Command aquilagen generates the code a service on aquila would otherwise
// write by hand, into the package sqlc generates (its gen.go.out). Run it
// after sqlc, from the directory holding sqlc.yaml:
//
//	aquilagen [-f sqlc.yaml] [-tables ./internal/catalog.Tables]
//	aquilagen wire [-modfile tools/go.mod] [packages]
//
// # The sqlc step
//
// For every sql block of sqlc.yaml with a gen.go output (engine postgresql,
// sql_package pgx/v5, emit_interface and emit_exported_queries on), it
// writes into the output package:
//
//   - router_gen.go: RoutedQueries, which implements sqlc's Querier on two
//     connections, a read one (a replica) and a write one (the primary).
//     The route of every method is decided here, from the query's sqlc
//     annotation and SQL text; nothing is parsed at run time. A method
//     reads when its query is :one or :many and postgres.Classify's rule calls
//     its SQL a plain read (SELECT, WITH, VALUES or TABLE with no data
//     modification, no SELECT INTO, no locking clause and no call of a
//     function that writes or needs the primary), and it is not marked
//     "aquila:primary" in its doc comment (a "-- aquila:primary" line under
//     "-- name:" in the query file). Everything else (:exec, :execrows,
//     :execresult, :copyfrom, :batch*, and INSERT ... RETURNING) runs on the
//     write connection. Each method's comment says where it runs and why.
//   - statements_gen.go: Statements(), the SQL text of every query, for
//     preparing on each new connection (postgres.Config.Prepare).
//
// With -tables, it also writes bindings_gen.go (below).
//
// The router and the statement list read the package with go/parser only,
// so that step works even when the package does not compile.
//
// # COPY bindings
//
// bindings_gen.go holds COPY bindings for every table of the model
// registry that has a sqlc row type in the package, so that no service
// writes accessor code. For a table "order_items" and sqlc's row type
// OrderItem it declares
//
//	func OrderItemFields() []model.Field[OrderItem] // a typed field per column
//	func BindOrderItems(reg *model.Registry, columns ...string) (*model.Binding[OrderItem], error)
//
// and, for all the tables, a Bindings struct and NewBindings(reg), which
// binds them all. A binding encodes PostgreSQL's binary COPY format
// straight from the row's fields (model.BindRow, model.BindFields): no
// reflection, no boxing, and no allocation per row. Every Go type sqlc's
// pgx/v5 output uses for the column types of model is covered: int16,
// int32, int64, float32, float64, bool, string, []byte (bytea, json, jsonb,
// json.RawMessage), time.Time, pointers to these (but []byte), pgtype.Text, Int2,
// Int4, Int8, Float4, Float8, Bool, Date, Timestamp, Timestamptz, UUID and
// Numeric, [16]byte and the types defined on it (github.com/google/uuid.UUID
// and *uuid.UUID, through sqlc overrides), a struct of a value and a Valid
// bool (uuid.NullUUID, sql.NullString, sql.NullTime), and one-dimensional
// slices of the plain, [16]byte and pgtype ones for array columns
// ([]uuid.UUID and []json.RawMessage included). A type defined on one of them (type Status
// string) is converted. A binding writes the columns it is given,
// or, without any, every column the server does not fill in itself (all
// but identity, serial and default-valued columns).
//
// # How the generator learns the tables
//
// The model metadata is Go code, so -tables names a Go function of the
// service that returns it, as a package directory (or import path) and a
// function name: ./internal/catalog.Tables. It may be a
// func() []*model.TableDef, a func() (*model.Registry, error) or a
// func() *model.Registry. aquilagen writes a small program that calls it
// and reflects on the package's struct types, and runs it with go run in
// the service's module, through -overlay: nothing is written into the
// service's tree, and the program builds with the service's own versions
// of aquila and its dependencies. The same overlay stands in for the old
// bindings_gen.go with its function bodies removed, so that a schema
// change that breaks the old generated code (a column dropped or retyped)
// does not stop the code that replaces it, even when the package holding
// the tables imports the sqlc package, as a catalog that builds its
// bindings does.
//
// This was chosen over generating from sqlc's catalog alone because the
// registry is the source of truth for tables: the generator sees exactly
// what the program will bind at run time, finds each table's row type and
// each column's field by sqlc's own naming rules (the rename, initialisms,
// emit_exact_table_names and inflection_exclude_table_names options of
// sqlc.yaml included), and needs nothing from the service but one flag.
//
// A disagreement between a row type and the metadata is reported twice.
// When generating: a column without a field, or a field without a column,
// fails with a message naming the table, the column and the types (sqlc's
// schema, that is the migrations, and the metadata disagree). When the
// program starts: NewBindings (model.BindRow) checks the row type against
// the registry it is given and returns a *model.Error naming the table, the
// column and both types, e.g.
//
//	model: table "books" column "pages": field does not match the column type: int64 field of db.Book; the column is integer
//
// A table of the registry with no row type in the package (sqlc's
// omit_unused_structs, or a table the migrations lack) is skipped and
// listed in the generated file's comment.
//
// # The wire step
//
// "aquilagen wire" runs wire gen with the wire pinned in the tools module
// (go tool -modfile=tools/go.mod wire gen), then removes the line
//
//	//go:generate go run -mod=mod github.com/google/wire/cmd/wire
//
// that wire writes into every wire_gen.go: it would run a second, unpinned
// wire through the service's own go.mod and add wire's dependencies to it.
// Without aquilagen, the plain alternative is to run the pinned wire and
// delete that line from wire_gen.go by hand.
//
// # Using it from a service
//
// Make the generator a tool of the service's own go.mod, so that it always
// comes from the aquila version the service links (the bindings it writes
// call that version's model), and pin sqlc and wire apart, in a second
// modfile (tools.mod, as examples/service does) or a tools/ module, so that
// go.mod does not inherit their dependencies:
//
//	go get -tool github.com/aquila-go/aquila/cmd/aquilagen
//	go get -modfile=tools.mod -tool github.com/sqlc-dev/sqlc/cmd/sqlc@v1.31.1 github.com/google/wire/cmd/wire@v0.7.0
//
// which leaves "tool github.com/aquila-go/aquila/cmd/aquilagen" in go.mod
// and, in tools.mod (a copy of go.mod's module and go lines to start with),
//
//	tool (
//		github.com/google/wire/cmd/wire
//		github.com/sqlc-dev/sqlc/cmd/sqlc
//	)
//
// Then write the go:generate lines, in this order, in a file of the
// service's root package next to sqlc.yaml (generate.go):
//
//	//go:generate go tool -modfile=tools.mod sqlc generate
//	//go:generate go tool aquilagen -tables ./internal/tables.Tables
//	//go:generate go tool aquilagen wire -modfile tools.mod .
//
// (with a tools/ module instead: -modfile=tools/go.mod for sqlc, and the wire
// step's default -modfile). Build the bindings once, where the registry is
// built:
//
//	reg, err := model.NewRegistry(tables.Tables()...)
//	b, err := db.NewBindings(reg)
//	n, err := model.BulkCreate(ctx, pool, b.Orders, orders)
//
// Without the tool line, "go run github.com/aquila-go/aquila/cmd/aquilagen"
// does the same. Inside the aquila repository, generate.go runs
// "go run ./cmd/aquilagen".
package main
