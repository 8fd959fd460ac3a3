package main

// seedRow is one row of the seed's measured tables: the Python figure of
// Aquilia (cited, not measured here) and the benchmark that reproduces it.
type seedRow struct {
	table  string  // "DI" or "Models"
	what   string  // the seed's wording
	short  string  // chart label
	seedUS float64 // the seed's figure, µs
	bench  string  // benchmark name (without "Benchmark")
	unit   string  // "ns/op" or "ns/row"
	how    string  // what the Go benchmark does
}

// seedRows are the seed's DI and model rows, in the seed's order.
func seedRows() []seedRow {
	return []seedRow{
		{"DI", "resolve_async, cached singleton, by type", "singleton, by type", 0.17, "SeedDISingleton", "ns/op", "field of the app's *app.Deps (what the generated injector reads)"},
		{"DI", "resolve_async, cached singleton, by name", "singleton, by name", 0.12, "SeedDISingleton", "ns/op", "same: Go has no string keys to resolve"},
		{"DI", "provider call, no dependencies (cold)", "provider, 0 deps", 0.92, "SeedDIProvider/deps=0", "ns/op", "postgres.NewReadCache(empty config), result kept on the heap"},
		{"DI", "provider call, one dependency", "provider, 1 dep", 1.83, "SeedDIProvider/deps=1", "ns/op", "app.ProvideSession(deps), result kept on the heap"},
		{"DI", "request lifecycle, 1 request-scoped service", "request, 1 service", 0.54, "SeedDIRequest/services=1/log=discard", "ns/op", "Wire-generated injector from app.RequestSet: id, logger, session, read scope, routed queries, author service; then the session's release"},
		{"DI", "request lifecycle, 3 request-scoped services", "request, 3 services", 1.21, "SeedDIRequest/services=3/log=discard", "ns/op", "the service's request injector (Wire, app.RequestSet): id, logger, session, read scope, routed queries, author, book and tag services; then Request.Release"},
		{"Models", "construct a model, 2 fields", "construct, 2 fields", 1.43, "SeedConstruct/fields=2", "ns/op", "&db.BookTag{…} returned to the caller (heap)"},
		{"Models", "construct a model, 6 fields", "construct, 6 fields", 0.99, "SeedConstruct/fields=6", "ns/op", "&db.Author{…} returned to the caller (heap)"},
		{"Models", "decode a row, 8 columns", "decode, 8 cols", 0.88, "SeedDecode/cols=8", "ns/row", "client decode of a real 1 000-row ReadSlice, per row, as rows.Scan in sqlc's code"},
		{"Models", "decode a row, 8 columns (whole query)", "ReadSlice/row, 8 cols", 0.88, "SeedReadSlice/cols=8", "ns/row", "the real ReadSlice (sqlc ListModels, 1 000 rows) / 1 000: server, socket and decode"},
		{"Models", "decode a row, 5 columns", "decode, 5 cols", 0.60, "SeedDecode/cols=5", "ns/row", "as above, 5 columns (sqlc ListModelSummaries)"},
		{"Models", "decode a row, 5 columns (whole query)", "ReadSlice/row, 5 cols", 0.60, "SeedReadSlice/cols=5", "ns/row", "the real ReadSlice / 1 000"},
		{"Models", "dynamic filter, 1 clause", "filter, 1 clause", 1.13, "SeedFilter/clauses=1", "ns/op", "query builder on the catalog's books: a new query, checked against the metadata, SQL from the shape cache, arguments bound"},
		{"Models", "filter + order + limit", "filter+order+limit", 2.95, "SeedFilter/filter_order_limit", "ns/op", "as above: two conditions, an order and a limit"},
		{"Models", "generate_create_table_sql, 8 fields", "DDL, 8 fields", 3.16, "CreateTableSQL/CreateSQL", "ns/op", "model: CREATE TABLE of an 8-column table as a new string (bulk_test.go)"},
		{"Models", "generate_create_table_sql, 8 fields (reused buffer)", "DDL, 8 fields, buffer", 3.16, "CreateTableSQL/AppendCreateSQL", "ns/op", "the same statement appended to a reused buffer: no allocation"},
	}
}

// The performance targets (ratios on this machine, one run).
const (
	targetSeedDI      = 20.0 // request lifecycle (3 services) vs the seed's 1.21 µs
	targetDIPeers     = 10.0 // vs dig and samber/do
	targetVsPgxTime   = 1.05 // aquila time / raw pgx time, each efectn op
	targetVsPgxAllocs = 2.0  // aquila allocs - raw pgx allocs, each efectn op
	targetBulk        = 2.0  // fastest peer's bulk API time / aquila's
	targetVsPgbench   = 0.85 // aquila peak get-by-id tps / pgbench's peak
	targetVsPgxPeak   = 0.95 // aquila peak / raw pgx's peak
	seedRequest3US    = 1.21
)
