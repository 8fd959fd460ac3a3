package bench

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aquila-go/aquila/bench/internal/benchdb"
	"github.com/aquila-go/aquila/internal/db"
	"github.com/aquila-go/aquila/model"
)

// The seed's model rows (Aquilia, Python), reproduced:
//
//	SeedConstruct/fields=2  constructing a model with 2 fields (1.43 µs):
//	                        a *db.BookTag, returned to the caller (on the heap)
//	SeedConstruct/fields=6  ... with 6 fields (0.99 µs): a *db.Author
//	decoding a row of 8 columns (0.88 µs) and of 5 columns (0.60 µs), per
//	row, two ways (cols=8, cols=5):
//	SeedReadSlice           a real ReadSlice of 1 000 rows through the sqlc
//	                        code (ListModels, ListModelSummaries): ns/row is
//	                        the whole query (server, socket, decode) / 1 000
//	SeedDecode              the client's decode alone: the rows of that real
//	                        result, captured, scanned again per row exactly as
//	                        rows.Scan does (scan plans made once per column,
//	                        then one plan.Scan per value) into a new struct
//	                        appended to the result slice, as sqlc's code does
//
// DDL generation for 8 fields (3.16 µs) is BenchmarkCreateTableSQL in
// bulk_test.go.

// seedAuthorTime is a fixed timestamp for the constructed models.
var seedAuthorTime = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// Sinks: a constructed model is handed to the caller (it escapes to the
// heap), as a model instance is; without them the compiler would keep it
// on the stack or drop it.
var (
	seedBookTag *db.BookTag
	seedAuthor  *db.Author
)

func BenchmarkSeedConstruct(b *testing.B) {
	b.Run("fields=2", func(b *testing.B) {
		b.ReportAllocs()
		for i := int64(0); b.Loop(); i++ {
			seedBookTag = newBookTag(i, 7)
		}
	})
	b.Run("fields=6", func(b *testing.B) {
		email, bio := "ann@example.com", "Writes about Go."
		b.ReportAllocs()
		for i := int64(0); b.Loop(); i++ {
			seedAuthor = newAuthor(i, "Ann", &email, &bio, seedAuthorTime)
		}
	})
}

func newBookTag(bookID, tagID int64) *db.BookTag {
	return &db.BookTag{BookID: bookID, TagID: tagID}
}

func newAuthor(id int64, name string, email, bio *string, at time.Time) *db.Author {
	return &db.Author{ID: id, Name: name, Email: email, Bio: bio, CreatedAt: at, UpdatedAt: at}
}

// seedDecodeRows is the size of the ReadSlice whose rows are decoded.
const seedDecodeRows = 1000

// SeedDSNEnv names a database the decode benchmarks may use (dropping and
// recreating its models table) instead of a new one from pg: bench/report
// sets it, saving a database clone per benchmark.
const SeedDSNEnv = "AQUILA_BENCH_SEED_DSN"

// modelsPool returns a pool on a database holding the models table with n
// rows, written with model.BulkCreate: $AQUILA_BENCH_SEED_DSN or a new
// database.
func modelsPool(b *testing.B, n int) *pgxpool.Pool {
	b.Helper()
	ctx := context.Background()
	var pool *pgxpool.Pool
	if dsn := os.Getenv(SeedDSNEnv); dsn != "" {
		var err error
		if pool, err = pgxpool.New(ctx, dsn); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(pool.Close)
		// A table left by an earlier run with the same rows is reused.
		var rows int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM "models"`).Scan(&rows); err == nil && rows == n {
			return pool
		}
		if _, err := pool.Exec(ctx, `DROP TABLE IF EXISTS "models"`); err != nil {
			b.Fatal(err)
		}
	} else {
		pool = pg.Pool(b, nil)
	}
	reg, err := benchdb.Registry()
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range reg.CreateStatements() {
		if _, err := pool.Exec(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
	bind, err := benchdb.BindModels(reg)
	if err != nil {
		b.Fatal(err)
	}
	ms := make([]benchdb.Model, n)
	for i := range ms {
		ms[i] = benchdb.NewModel()
	}
	if _, err := model.BulkCreate(ctx, pool, bind, ms); err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "VACUUM ANALYZE models"); err != nil {
		b.Fatal(err)
	}
	return pool
}

// perRow reports ns/row: the time of one iteration over seedDecodeRows.
func perRow(b *testing.B) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/seedDecodeRows, "ns/row")
}

// BenchmarkSeedReadSlice is a real ReadSlice of seedDecodeRows rows through
// the sqlc code, 8 columns (ListModels) and 5 (ListModelSummaries).
func BenchmarkSeedReadSlice(b *testing.B) {
	ctx := context.Background()
	q := benchdb.New(modelsPool(b, seedDecodeRows))
	b.Run("cols=8", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ms, err := q.ListModels(ctx, 0, seedDecodeRows)
			if err != nil || len(ms) != seedDecodeRows {
				b.Fatal(len(ms), err)
			}
		}
		perRow(b)
	})
	b.Run("cols=5", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ms, err := q.ListModelSummaries(ctx, 0, seedDecodeRows)
			if err != nil || len(ms) != seedDecodeRows {
				b.Fatal(len(ms), err)
			}
		}
		perRow(b)
	})
}

// BenchmarkSeedDecode decodes the captured rows of the same ReadSlices
// again, client side only.
func BenchmarkSeedDecode(b *testing.B) {
	pool := modelsPool(b, seedDecodeRows)
	b.Run("cols=8", func(b *testing.B) {
		res := capture(b, pool, benchdb.ListModels)
		b.ReportAllocs()
		for b.Loop() {
			items := []benchdb.Model{}
			for _, vals := range res.rows {
				var i benchdb.Model
				if err := res.scan(vals, &i.ID, &i.Name, &i.Title, &i.Fax, &i.Web, &i.Age, &i.Right, &i.Counter); err != nil {
					b.Fatal(err)
				}
				items = append(items, i)
			}
		}
		perRow(b)
	})
	b.Run("cols=5", func(b *testing.B) {
		res := capture(b, pool, benchdb.ListModelSummaries)
		b.ReportAllocs()
		for b.Loop() {
			items := []benchdb.ListModelSummariesRow{}
			for _, vals := range res.rows {
				var i benchdb.ListModelSummariesRow
				if err := res.scan(vals, &i.ID, &i.Name, &i.Title, &i.Age, &i.Counter); err != nil {
					b.Fatal(err)
				}
				items = append(items, i)
			}
		}
		perRow(b)
	})
}

// captured is the result of one real query: the raw values of each row, in
// the format pgx asked for (binary, and text for text columns), and one scan
// plan per column.
type captured struct {
	rows  [][][]byte
	plans []pgtype.ScanPlan
}

// capture runs the sqlc statement sql (a ReadSlice taking after_id and
// limit) on a connection of pool and keeps its rows.
func capture(b *testing.B, pool *pgxpool.Pool, sql string) *captured {
	b.Helper()
	ctx := context.Background()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Release()
	rows, err := conn.Query(ctx, sql, int32(0), int32(seedDecodeRows))
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	res := &captured{}
	fds := rows.FieldDescriptions()
	for rows.Next() {
		raw := rows.RawValues()
		vals := make([][]byte, len(raw))
		for i, v := range raw {
			vals[i] = append([]byte(nil), v...)
		}
		res.rows = append(res.rows, vals)
	}
	if err := rows.Err(); err != nil || len(res.rows) != seedDecodeRows {
		b.Fatal(len(res.rows), err)
	}
	// The plans rows.Scan makes on the first row, for sqlc's destination
	// types.
	var m benchdb.Model
	dests := map[int][]any{
		8: {&m.ID, &m.Name, &m.Title, &m.Fax, &m.Web, &m.Age, &m.Right, &m.Counter},
		5: {&m.ID, &m.Name, &m.Title, &m.Age, &m.Counter},
	}[len(fds)]
	tm := conn.Conn().TypeMap()
	for i, fd := range fds {
		res.plans = append(res.plans, tm.PlanScan(fd.DataTypeOID, fd.Format, dests[i]))
	}
	return res
}

// scan decodes one captured row into dest, as rows.Scan does once its plans
// are made.
func (c *captured) scan(vals [][]byte, dest ...any) error {
	for i, d := range dest {
		if err := c.plans[i].Scan(vals[i], d); err != nil {
			return err
		}
	}
	return nil
}
