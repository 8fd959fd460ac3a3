// Package query builds dynamic SELECTs — the filters, orders and pages that
// sqlc's static SQL cannot express — checked against aquila's model
// metadata, and runs them on the same pgx/sqlc connection (pool, conn, tx
// or postgres.ReadScope), scanning into the sqlc row types.
//
// # Schema, tables and queries
//
// A Schema indexes a model.Registry once; a Table binds one of its tables
// to a row type with a fields function, the scanning counterpart of
// model.Bind's values function:
//
//	s, err := query.NewSchema(reg, query.SchemaConfig{CursorKeys: [][]byte{key}})
//	books, err := query.NewTable(s, query.TableConfig[db.Book]{
//		Table: "books",
//		Fields: func(b *db.Book, dst []any) []any {
//			return append(dst, &b.ID, &b.AuthorID, &b.Isbn, &b.Title, &b.PublishedOn,
//				&b.PriceCents, &b.Pages, &b.Attributes, &b.CreatedAt, &b.UpdatedAt)
//		},
//		Key: []string{"id"},
//	})
//
//	rows, err := books.Select(query.Eq("author_id", id), query.IContains("title", s)).
//		OrderBy(query.Desc("published_on")).Limit(50).All(ctx, pool)
//
// Conditions are Eq, Ne, Lt, Le, Gt, Ge, In and NotIn (= ANY / <> ALL of
// one array parameter), IsNull, NotNull, Like and ILike (trusted
// patterns), Contains, IContains, HasPrefix and IHasPrefix (literal text,
// wildcards escaped), Between, And, Or, Not, and InSelect, a semi-join to
// another table. Orders take NULLS FIRST/LAST; Limit and Offset are
// parameters. Count and Exists reuse the conditions.
//
// # What reaches SQL
//
// Column and table names are looked up in the metadata and written quoted
// from it; a name that is not there is an *Error (ErrUnknownColumn), never
// text in a statement. Operators are checked against the column's type
// (LIKE only on text, < only on ordered types). Every value — including
// LIKE patterns, limits, offsets and cursor positions — is a parameter.
// So the SQL text depends only on the query's shape, and no client input
// can change it.
//
// # Compiled shapes
//
// Building a query walks it once, writing a compact shape key (table
// binding, column numbers, operators, order, paging flags — no values) into
// a stack buffer and collecting the values into the query's own argument
// array. The key finds the SQL text in the schema's bounded, concurrent
// shape cache; only a new shape is rendered. A query therefore costs one
// allocation for itself plus whatever boxing its values need.
//
// # Keyset pagination and cursors
//
// Page fetches Limit rows (plus one, to know whether more exist) after the
// After cursor, ordered by the query's order followed by the table's Key,
// and returns the cursor of the next page. A cursor is base64url of the
// last row's order values, a fingerprint of table and order, and an
// HMAC-SHA256 with a key the application supplies (SchemaConfig.CursorKeys;
// rotation by listing the new key first). A cursor that is malformed,
// signed with another key, edited, or used with another order is
// ErrCursor. The keyset condition is a row comparison when all items share
// a direction, so an index on (published_on, id) serves it.
//
// # Parsing requests
//
// An Endpoint declares what one list endpoint accepts: filter parameters
// (a column, the operators allowed as name[op]=value, optionally a path of
// semi-joins to another table), sortable columns, default and maximum
// limit. Parse turns url.Values into a Query or a *ParamError naming the
// offending parameter (unknown parameter or operator, repeated parameter,
// wrong value type, limit out of range, bad order, bad cursor), which an
// HTTP layer answers with 400; it never produces SQL from the request.
// The error teaches: it lists what is allowed in that place (Allowed) and
// suggests what the client most likely meant (Suggest) — title[icontains]
// for title.contains or title__icontains, price_cents[ge] for
// price_cents_gte, order for sort, limit for per_page, after for cursor,
// order=-price_cents for order=price_cents:desc, and small typos.
// ValidateNames does the same for handlers with a fixed set of parameters.
//
//	ep, err := query.NewEndpoint(books, query.EndpointConfig{
//		Filters: []query.Filter{
//			{Param: "author_id", Ops: []query.Op{query.OpEq, query.OpIn}},
//			{Param: "published_after", Column: "published_on", Ops: []query.Op{query.OpGt}},
//			{Param: "title", Ops: []query.Op{query.OpIContains}},
//		},
//		Sort:        []string{"published_on", "title", "id"},
//		DefaultSort: []query.Order{query.Desc("published_on")},
//	})
//	q, err := ep.Parse(r.URL.Query())   // *ParamError → 400
//	page, err := q.Page(ctx, scope)      // page.Items, page.Next
//
// # Scanning
//
// Rows scan through the table's fields function into a slice of T: one
// call per row with a reused pointer slice, no reflection per row, as in
// sqlc's generated code. Reflection is used once, in NewTable, to check
// that the function returns one pointer into the row per column.
package query
