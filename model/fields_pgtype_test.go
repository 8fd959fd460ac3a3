package model_test

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aquila-go/aquila/model"
)

// wide has one field of every kind the pgtype, uuid, numeric and array
// constructors bind.
type wide struct {
	Text   pgtype.Text
	Int2   pgtype.Int2
	Int4   pgtype.Int4
	Int8   pgtype.Int8
	Float4 pgtype.Float4
	Float8 pgtype.Float8
	Bool   pgtype.Bool
	Date   pgtype.Date
	TS     pgtype.Timestamp
	TZ     pgtype.Timestamptz
	UUID   pgtype.UUID
	Num    pgtype.Numeric
	Raw    [16]byte
	RawPtr *[16]byte
	F32Ptr *float32
	JText  pgtype.Text

	Strings  []string
	Int16s   []int16
	Int32s   []int32
	Int64s   []int64
	Float32s []float32
	Float64s []float64
	Bools    []bool
	Blobs    [][]byte
	Times    []time.Time
	Raws     [][16]byte
	Texts    []pgtype.Text
	Int2s    []pgtype.Int2
	Int4s    []pgtype.Int4
	Int8s    []pgtype.Int8
	Float4s  []pgtype.Float4
	Float8s  []pgtype.Float8
	PBools   []pgtype.Bool
	Dates    []pgtype.Date
	TSs      []pgtype.Timestamp
	TZs      []pgtype.Timestamptz
	UUIDs    []pgtype.UUID
	Nums     []pgtype.Numeric
	VStrings []string
}

func wideTable(name string) *model.TableDef {
	return model.Table(name,
		model.Col("n", model.BigInt).Identity().PrimaryKey(),
		model.Col("text", model.Text), model.Col("int2", model.SmallInt), model.Col("int4", model.Integer),
		model.Col("int8", model.BigInt), model.Col("float4", model.Real), model.Col("float8", model.Double),
		model.Col("bool", model.Boolean), model.Col("date", model.Date), model.Col("ts", model.Timestamp),
		model.Col("tz", model.TimestampTZ), model.Col("uuid", model.UUID), model.Col("num", model.Numeric(30, 6)),
		model.Col("raw", model.UUID), model.Col("raw_ptr", model.UUID), model.Col("f32_ptr", model.Real),
		model.Col("j_text", model.JSONB),
		model.Col("strings", model.Text.Array()), model.Col("int16s", model.SmallInt.Array()),
		model.Col("int32s", model.Integer.Array()), model.Col("int64s", model.BigInt.Array()),
		model.Col("float32s", model.Real.Array()), model.Col("float64s", model.Double.Array()),
		model.Col("bools", model.Boolean.Array()), model.Col("blobs", model.Bytea.Array()),
		model.Col("times", model.TimestampTZ.Array()), model.Col("raws", model.UUID.Array()),
		model.Col("texts", model.Text.Array()), model.Col("int2s", model.SmallInt.Array()),
		model.Col("int4s", model.Integer.Array()), model.Col("int8s", model.BigInt.Array()),
		model.Col("float4s", model.Real.Array()), model.Col("float8s", model.Double.Array()),
		model.Col("pbools", model.Boolean.Array()), model.Col("dates", model.Date.Array()),
		model.Col("tss", model.Timestamp.Array()), model.Col("tzs", model.TimestampTZ.Array()),
		model.Col("uuids", model.UUID.Array()), model.Col("nums", model.Numeric(30, 6).Array()),
		model.Col("vstrings", model.Varchar(10).Array()),
	)
}

func wideFields() []model.Field[wide] {
	return []model.Field[wide]{
		model.PgText("text", func(r *wide) pgtype.Text { return r.Text }),
		model.PgInt2("int2", func(r *wide) pgtype.Int2 { return r.Int2 }),
		model.PgInt4("int4", func(r *wide) pgtype.Int4 { return r.Int4 }),
		model.PgInt8("int8", func(r *wide) pgtype.Int8 { return r.Int8 }),
		model.PgFloat4("float4", func(r *wide) pgtype.Float4 { return r.Float4 }),
		model.PgFloat8("float8", func(r *wide) pgtype.Float8 { return r.Float8 }),
		model.PgBool("bool", func(r *wide) pgtype.Bool { return r.Bool }),
		model.PgDate("date", func(r *wide) pgtype.Date { return r.Date }),
		model.PgTimestamp("ts", func(r *wide) pgtype.Timestamp { return r.TS }),
		model.PgTimestamptz("tz", func(r *wide) pgtype.Timestamptz { return r.TZ }),
		model.PgUUID("uuid", func(r *wide) pgtype.UUID { return r.UUID }),
		model.PgNumeric("num", func(r *wide) pgtype.Numeric { return r.Num }),
		model.UUIDBytes("raw", func(r *wide) [16]byte { return r.Raw }),
		model.UUIDBytesPtr("raw_ptr", func(r *wide) *[16]byte { return r.RawPtr }),
		model.Float32Ptr("f32_ptr", func(r *wide) *float32 { return r.F32Ptr }),
		model.PgText("j_text", func(r *wide) pgtype.Text { return r.JText }),
		model.StringArray("strings", func(r *wide) []string { return r.Strings }),
		model.Int16Array("int16s", func(r *wide) []int16 { return r.Int16s }),
		model.Int32Array("int32s", func(r *wide) []int32 { return r.Int32s }),
		model.Int64Array("int64s", func(r *wide) []int64 { return r.Int64s }),
		model.Float32Array("float32s", func(r *wide) []float32 { return r.Float32s }),
		model.Float64Array("float64s", func(r *wide) []float64 { return r.Float64s }),
		model.BoolArray("bools", func(r *wide) []bool { return r.Bools }),
		model.BytesArray("blobs", func(r *wide) [][]byte { return r.Blobs }),
		model.TimeArray("times", func(r *wide) []time.Time { return r.Times }),
		model.UUIDBytesArray("raws", func(r *wide) [][16]byte { return r.Raws }),
		model.PgTextArray("texts", func(r *wide) []pgtype.Text { return r.Texts }),
		model.PgInt2Array("int2s", func(r *wide) []pgtype.Int2 { return r.Int2s }),
		model.PgInt4Array("int4s", func(r *wide) []pgtype.Int4 { return r.Int4s }),
		model.PgInt8Array("int8s", func(r *wide) []pgtype.Int8 { return r.Int8s }),
		model.PgFloat4Array("float4s", func(r *wide) []pgtype.Float4 { return r.Float4s }),
		model.PgFloat8Array("float8s", func(r *wide) []pgtype.Float8 { return r.Float8s }),
		model.PgBoolArray("pbools", func(r *wide) []pgtype.Bool { return r.PBools }),
		model.PgDateArray("dates", func(r *wide) []pgtype.Date { return r.Dates }),
		model.PgTimestampArray("tss", func(r *wide) []pgtype.Timestamp { return r.TSs }),
		model.PgTimestamptzArray("tzs", func(r *wide) []pgtype.Timestamptz { return r.TZs }),
		model.PgUUIDArray("uuids", func(r *wide) []pgtype.UUID { return r.UUIDs }),
		model.PgNumericArray("nums", func(r *wide) []pgtype.Numeric { return r.Nums }),
		model.StringArray("vstrings", func(r *wide) []string { return r.VStrings }),
	}
}

const wideColumns = "text, int2, int4, int8, float4, float8, bool, date, ts, tz, uuid, num, raw, raw_ptr, f32_ptr, j_text, " +
	"strings, int16s, int32s, int64s, float32s, float64s, bools, blobs, times, raws, texts, int2s, int4s, int8s, " +
	"float4s, float8s, pbools, dates, tss, tzs, uuids, nums, vstrings"

func wideValues(r *wide, dst []any) []any {
	return append(dst, r.Text, r.Int2, r.Int4, r.Int8, r.Float4, r.Float8, r.Bool, r.Date, r.TS, r.TZ, r.UUID, r.Num,
		r.Raw, r.RawPtr, r.F32Ptr, r.JText, r.Strings, r.Int16s, r.Int32s, r.Int64s, r.Float32s, r.Float64s, r.Bools,
		r.Blobs, r.Times, r.Raws, r.Texts, r.Int2s, r.Int4s, r.Int8s, r.Float4s, r.Float8s, r.PBools, r.Dates, r.TSs,
		r.TZs, r.UUIDs, r.Nums, r.VStrings)
}

func num(t testing.TB, s string) pgtype.Numeric {
	t.Helper()
	var n pgtype.Numeric
	if err := n.Scan(s); err != nil {
		t.Fatal(err)
	}
	return n
}

func wideRows(t testing.TB) []wide {
	paris, _ := time.LoadLocation("Europe/Paris")
	if paris == nil {
		paris = time.FixedZone("CET", 3600)
	}
	at := time.Date(2024, 2, 29, 13, 14, 15, 123456000, paris)
	id := [16]byte{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 1, 2, 3, 4, 5, 6, 7, 8}
	f32 := float32(-2.5)
	big1, _ := new(big.Int).SetString("-123456789012345678901234", 10)
	return []wide{
		{}, // every pgtype NULL, every slice nil
		{
			Text: pgtype.Text{String: "héllo\n", Valid: true}, Int2: pgtype.Int2{Int16: -32768, Valid: true},
			Int4: pgtype.Int4{Int32: 2147483647, Valid: true}, Int8: pgtype.Int8{Int64: -1 << 63, Valid: true},
			Float4: pgtype.Float4{Float32: 1.5, Valid: true}, Float8: pgtype.Float8{Float64: -0.1, Valid: true},
			Bool: pgtype.Bool{Bool: false, Valid: true}, Date: pgtype.Date{Time: at, Valid: true},
			TS: pgtype.Timestamp{Time: at, Valid: true}, TZ: pgtype.Timestamptz{Time: at, Valid: true},
			UUID: pgtype.UUID{Bytes: id, Valid: true}, Num: num(t, "12345678.123456"),
			Raw: id, RawPtr: &id, F32Ptr: &f32, JText: pgtype.Text{String: `"a json string"`, Valid: true},
			Strings: []string{"a", "", "b,c", `"q"`, "NULL"}, Int16s: []int16{1, -2}, Int32s: []int32{3},
			Int64s: []int64{1 << 40, -1}, Float32s: []float32{0.5}, Float64s: []float64{1e300, -0},
			Bools: []bool{true, false}, Blobs: [][]byte{{0, 255}, nil, {}}, Times: []time.Time{at, time.Unix(0, 0)},
			Raws:    [][16]byte{id, {}},
			Texts:   []pgtype.Text{{String: "x", Valid: true}, {}},
			Int2s:   []pgtype.Int2{{Int16: 7, Valid: true}, {}},
			Int4s:   []pgtype.Int4{{}, {Int32: -7, Valid: true}},
			Int8s:   []pgtype.Int8{{Int64: 9, Valid: true}},
			Float4s: []pgtype.Float4{{Float32: 0.25, Valid: true}, {}},
			Float8s: []pgtype.Float8{{}, {Float64: 2.5, Valid: true}},
			PBools:  []pgtype.Bool{{Bool: true, Valid: true}, {}},
			Dates: []pgtype.Date{{Time: at, Valid: true}, {InfinityModifier: pgtype.Infinity, Valid: true},
				{InfinityModifier: pgtype.NegativeInfinity, Valid: true}, {}},
			TSs: []pgtype.Timestamp{{Time: at, Valid: true}, {InfinityModifier: pgtype.Infinity, Valid: true},
				{InfinityModifier: pgtype.NegativeInfinity, Valid: true}},
			TZs:   []pgtype.Timestamptz{{Time: at, Valid: true}, {InfinityModifier: pgtype.NegativeInfinity, Valid: true}},
			UUIDs: []pgtype.UUID{{Bytes: id, Valid: true}, {}},
			Nums: []pgtype.Numeric{num(t, "0"), num(t, "-0.000001"), {Int: big1, Exp: -6, Valid: true}, {},
				{NaN: true, Valid: true}, {Int: big.NewInt(1), Exp: 20, Valid: true}, num(t, "99990000"), num(t, "0.5")},
			VStrings: []string{"short", "ten chars!"},
		},
		{
			Strings: []string{}, Int64s: []int64{}, Nums: []pgtype.Numeric{}, UUIDs: []pgtype.UUID{},
			Num: pgtype.Numeric{Int: big.NewInt(5), Exp: 3, Valid: true}, Date: pgtype.Date{InfinityModifier: pgtype.Infinity, Valid: true},
			TS: pgtype.Timestamp{InfinityModifier: pgtype.NegativeInfinity, Valid: true},
			TZ: pgtype.Timestamptz{InfinityModifier: pgtype.Infinity, Valid: true},
		},
	}
}

// poolWith returns a pool on a fresh database holding reg's tables.
func poolWith(t *testing.T, reg *model.Registry) *pgxpool.Pool {
	t.Helper()
	pool := pg.Pool(t, nil)
	for _, s := range reg.CreateStatements() {
		if _, err := pool.Exec(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
	return pool
}

// writeBoth writes rows through typed (the package's binary encoder) into
// the table "typed" and through boxed (pgx's encoder) into "boxed", both of
// reg, and expects the two tables to hold the same rows, compared on cols.
// It returns the pool on the database holding them.
func writeBoth[R any](t *testing.T, reg *model.Registry, typed, boxed *model.Binding[R], rows []R, cols string) *pgxpool.Pool {
	t.Helper()
	pool := poolWith(t, reg)
	ctx := context.Background()
	if _, err := model.BulkCreate(ctx, pool, typed, rows); err != nil {
		t.Fatal(err)
	}
	if _, err := model.BulkCreate(ctx, pool, boxed, rows); err != nil {
		t.Fatal(err)
	}
	q := "SELECT count(*) FROM ((SELECT " + cols + " FROM typed EXCEPT ALL SELECT " + cols + " FROM boxed) UNION ALL (SELECT " + cols + " FROM boxed EXCEPT ALL SELECT " + cols + " FROM typed)) d"
	var diff int
	if err := pool.QueryRow(ctx, q).Scan(&diff); err != nil {
		t.Fatal(err)
	}
	if diff != 0 {
		t.Errorf("%d rows differ between the binary encoder and pgx's", diff)
	}
	return pool
}

// TestPgtypeFieldsEncoding writes the same rows through the typed fields
// (the package's binary encoder) and Bind (pgx's encoder) and expects the
// two tables to hold identical rows.
func TestPgtypeFieldsEncoding(t *testing.T) {
	t.Parallel()
	reg, err := model.NewRegistry(wideTable("typed"), wideTable("boxed"))
	if err != nil {
		t.Fatal(err)
	}
	typed, err := model.BindFields(reg.Table("typed"), wideFields()...)
	if err != nil {
		t.Fatal(err)
	}
	boxed, err := model.Bind(reg.Table("boxed"), strings.Split(wideColumns, ", "), wideValues)
	if err != nil {
		t.Fatal(err)
	}
	// Compare as text: every type has an equality operator on its text form.
	pool := writeBoth(t, reg, typed, boxed, wideRows(t), strings.ReplaceAll(wideColumns, ", ", "::text, ")+"::text")
	ctx := context.Background()
	var nums, num, dates, date string
	if err := pool.QueryRow(ctx, "SELECT nums::text, num::text, dates::text, date::text FROM typed WHERE n = 2").Scan(&nums, &num, &dates, &date); err != nil {
		t.Fatal(err)
	}
	if want := "{0.000000,-0.000001,-123456789012345678.901234,NULL,NaN,100000000000000000000.000000,99990000.000000,0.500000}"; nums != want {
		t.Errorf("nums = %s, want %s", nums, want)
	}
	if want := "12345678.123456"; num != want {
		t.Errorf("num = %s, want %s", num, want)
	}
	if want := "{2024-02-29,infinity,-infinity,NULL}"; dates != want || date != "2024-02-29" {
		t.Errorf("dates = %s, date = %s", dates, date)
	}
	var nulls int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM typed WHERE text IS NULL AND num IS NULL AND strings IS NULL AND raw_ptr IS NULL AND uuid IS NULL").Scan(&nulls); err != nil || nulls != 1 {
		t.Errorf("rows of NULLs: %d, %v; want 1", nulls, err)
	}
}

// TestNumericEncoding compares the binary numeric encoder with the server's
// parse of the same decimal text, across digit-group boundaries.
func TestNumericEncoding(t *testing.T) {
	t.Parallel()
	reg, err := model.NewRegistry(model.Table("nums", model.Col("i", model.Integer).PrimaryKey(), model.Col("v", model.Numeric(1000, 500))))
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		I int32
		V pgtype.Numeric
	}
	b, err := model.BindFields(reg.Table("nums"),
		model.Int32("i", func(r *row) int32 { return r.I }),
		model.PgNumeric("v", func(r *row) pgtype.Numeric { return r.V }))
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"0", "1", "-1", "9999", "10000", "-10001", "0.1", "0.0001", "0.00001", "-0.12345",
		"123.45", "1234.5678", "12345.6789", "100000000", "99999999.99999999", "0.000000001",
		"9223372036854775807", "-9223372036854775808", "18446744073709551615", "18446744073709551616",
		"123456789012345678901234567890.123456789", "-0.000000000000000000000000000001", "1000000000000000000000000000000000",
		"3.14159265358979323846264338327950288419716939937510"}
	var rows []row
	for i, s := range texts {
		rows = append(rows, row{I: int32(i), V: num(t, s)})
		// The same value with its integer scaled up and the exponent down.
		n := num(t, s)
		n.Int = new(big.Int).Mul(n.Int, big.NewInt(1000))
		n.Exp -= 3
		rows = append(rows, row{I: int32(1000 + i), V: n})
	}
	ctx := context.Background()
	pool := poolWith(t, reg)
	if _, err := model.BulkCreate(ctx, pool, b, rows); err != nil {
		t.Fatal(err)
	}
	for i, s := range texts {
		var same bool
		if err := pool.QueryRow(ctx, "SELECT bool_and(v = $2::numeric) AND count(*) = 2 FROM nums WHERE i IN ($1, $1 + 1000)", i, s).Scan(&same); err != nil {
			t.Fatal(err)
		}
		if !same {
			var got string
			_ = pool.QueryRow(ctx, "SELECT string_agg(v::text, ' ') FROM nums WHERE i IN ($1, $1 + 1000)", i).Scan(&got)
			t.Errorf("numeric %s stored as %s", s, got)
		}
	}
}

func TestPgtypeFieldsErrors(t *testing.T) {
	reg, err := model.NewRegistry(wideTable("t"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []model.Field[wide]{
		model.PgText("int2", func(r *wide) pgtype.Text { return r.Text }),
		model.PgInt4("int8", func(r *wide) pgtype.Int4 { return r.Int4 }),
		model.PgNumeric("float8", func(r *wide) pgtype.Numeric { return r.Num }),
		model.PgUUID("text", func(r *wide) pgtype.UUID { return r.UUID }),
		model.UUIDBytes("text", func(r *wide) [16]byte { return r.Raw }),
		model.PgDate("int4", func(r *wide) pgtype.Date { return r.Date }),
		model.StringArray("text", func(r *wide) []string { return r.Strings }),
		model.StringArray("int32s", func(r *wide) []string { return r.Strings }),
		model.Int64Array("int32s", func(r *wide) []int64 { return r.Int64s }),
		model.PgText("strings", func(r *wide) pgtype.Text { return r.Text }),
		model.PgNumericArray("num", func(r *wide) []pgtype.Numeric { return r.Nums }),
	} {
		_, err := model.BindFields(reg.Table("t"), f)
		if !errors.Is(err, model.ErrFieldType) {
			t.Errorf("BindFields = %v, want ErrFieldType", err)
		}
	}
}
