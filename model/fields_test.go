package model_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aquila-go/aquila/model"
)

// sample has one field of every kind BindFields supports.
type sample struct {
	I16  int16
	I32  int32
	I64  int64
	F32  float32
	F64  float64
	B    bool
	S    string
	V    string
	J    string
	JB   string
	Raw  []byte
	Blob []byte
	D    time.Time
	TS   time.Time
	TZ   time.Time
	PI16 *int16
	PI32 *int32
	PI64 *int64
	PF64 *float64
	PB   *bool
	PS   *string
	PT   *time.Time
}

func sampleTable(name string) *model.TableDef {
	return model.Table(name,
		model.Col("n", model.BigInt).Identity().PrimaryKey(),
		model.Col("i16", model.SmallInt), model.Col("i32", model.Integer), model.Col("i64", model.BigInt),
		model.Col("f32", model.Real), model.Col("f64", model.Double), model.Col("b", model.Boolean),
		model.Col("s", model.Text), model.Col("v", model.Varchar(20)), model.Col("j", model.JSON),
		model.Col("jb", model.JSONB), model.Col("raw", model.JSONB), model.Col("blob", model.Bytea),
		model.Col("d", model.Date), model.Col("ts", model.Timestamp), model.Col("tz", model.TimestampTZ),
		model.Col("pi16", model.SmallInt), model.Col("pi32", model.Integer), model.Col("pi64", model.BigInt),
		model.Col("pf64", model.Double), model.Col("pb", model.Boolean), model.Col("ps", model.Text),
		model.Col("pt", model.TimestampTZ),
	)
}

var sampleColumns = []string{"i16", "i32", "i64", "f32", "f64", "b", "s", "v", "j", "jb", "raw", "blob", "d", "ts", "tz",
	"pi16", "pi32", "pi64", "pf64", "pb", "ps", "pt"}

func sampleFields() []model.Field[sample] {
	return []model.Field[sample]{
		model.Int16("i16", func(r *sample) int16 { return r.I16 }),
		model.Int32("i32", func(r *sample) int32 { return r.I32 }),
		model.Int64("i64", func(r *sample) int64 { return r.I64 }),
		model.Float32("f32", func(r *sample) float32 { return r.F32 }),
		model.Float64("f64", func(r *sample) float64 { return r.F64 }),
		model.Bool("b", func(r *sample) bool { return r.B }),
		model.String("s", func(r *sample) string { return r.S }),
		model.String("v", func(r *sample) string { return r.V }),
		model.String("j", func(r *sample) string { return r.J }),
		model.String("jb", func(r *sample) string { return r.JB }),
		model.Bytes("raw", func(r *sample) []byte { return r.Raw }),
		model.Bytes("blob", func(r *sample) []byte { return r.Blob }),
		model.Time("d", func(r *sample) time.Time { return r.D }),
		model.Time("ts", func(r *sample) time.Time { return r.TS }),
		model.Time("tz", func(r *sample) time.Time { return r.TZ }),
		model.Int16Ptr("pi16", func(r *sample) *int16 { return r.PI16 }),
		model.Int32Ptr("pi32", func(r *sample) *int32 { return r.PI32 }),
		model.Int64Ptr("pi64", func(r *sample) *int64 { return r.PI64 }),
		model.Float64Ptr("pf64", func(r *sample) *float64 { return r.PF64 }),
		model.BoolPtr("pb", func(r *sample) *bool { return r.PB }),
		model.StringPtr("ps", func(r *sample) *string { return r.PS }),
		model.TimePtr("pt", func(r *sample) *time.Time { return r.PT }),
	}
}

func sampleValues(r *sample, dst []any) []any {
	return append(dst, r.I16, r.I32, r.I64, r.F32, r.F64, r.B, r.S, r.V, r.J, r.JB, r.Raw, r.Blob, r.D, r.TS, r.TZ,
		r.PI16, r.PI32, r.PI64, r.PF64, r.PB, r.PS, r.PT)
}

func ptr[V any](v V) *V { return &v }

// TestBindFieldsEncoding writes the same rows through BindFields (the
// package's binary encoder) and Bind (pgx's encoder) and expects the two
// tables to hold identical rows.
func TestBindFieldsEncoding(t *testing.T) {
	t.Parallel()
	reg, err := model.NewRegistry(sampleTable("typed"), sampleTable("boxed"))
	if err != nil {
		t.Fatal(err)
	}
	typed, err := model.BindFields(reg.Table("typed"), sampleFields()...)
	if err != nil {
		t.Fatal(err)
	}
	boxed, err := model.Bind(reg.Table("boxed"), sampleColumns, sampleValues)
	if err != nil {
		t.Fatal(err)
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	if paris == nil {
		paris = time.FixedZone("CET", 3600)
	}
	rows := []sample{
		{}, // zero values: year 1 dates and times, empty strings... but not valid JSON
		{
			I16: -32768, I32: 2147483647, I64: -9223372036854775808, F32: 1.5, F64: -0.1, B: true,
			S: "héllo 'world'\n", V: "varchar", J: `{"a": [1, 2]}`, JB: `{"b": null}`, Raw: []byte(`[1, "x"]`), Blob: []byte{0, 1, 255},
			D:    time.Date(1969, 7, 20, 23, 59, 0, 0, paris),
			TS:   time.Date(2024, 2, 29, 13, 14, 15, 123456789, paris),
			TZ:   time.Date(2024, 2, 29, 13, 14, 15, 999999999, paris),
			PI16: ptr[int16](7), PI32: ptr[int32](-7), PI64: ptr[int64](1 << 40), PF64: ptr(2.5), PB: ptr(false), PS: ptr(""),
			PT: ptr(time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC)),
		},
		{D: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), TS: time.Date(1900, 1, 1, 0, 0, 0, 1000, time.UTC), TZ: time.Unix(0, 0),
			J: "1", JB: "1", S: "x"},
	}
	rows[0].J, rows[0].JB = "null", `"s"`
	pool := writeBoth(t, reg, typed, boxed, rows, "i16, i32, i64, f32, f64, b, s, v, j::text, jb, raw, blob, d, ts, tz, pi16, pi32, pi64, pf64, pb, ps, pt")
	var n int
	if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM typed WHERE pi16 IS NULL AND ps IS NULL AND raw IS NULL AND blob IS NULL").Scan(&n); err != nil || n != 2 {
		t.Errorf("NULLs: %d rows, %v; want 2", n, err)
	}
}

func TestBindFieldsErrors(t *testing.T) {
	reg, err := model.NewRegistry(sampleTable("t"), model.Table("u", model.Col("id", model.UUID), model.Col("a", model.Text.Array()),
		model.Col("g", model.BigInt).IdentityAlways()))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		table string
		field model.Field[sample]
		err   error
	}{
		{"t", model.Int32("i64", func(r *sample) int32 { return r.I32 }), model.ErrFieldType},
		{"t", model.Int64("i32", func(r *sample) int64 { return r.I64 }), model.ErrFieldType},
		{"t", model.Time("s", func(r *sample) time.Time { return r.D }), model.ErrFieldType},
		{"t", model.String("blob", func(r *sample) string { return r.S }), model.ErrFieldType},
		{"t", model.Bytes("s", func(r *sample) []byte { return r.Raw }), model.ErrFieldType},
		{"u", model.String("id", func(r *sample) string { return r.S }), model.ErrFieldType},
		{"u", model.String("a", func(r *sample) string { return r.S }), model.ErrFieldType},
		{"u", model.Int64("g", func(r *sample) int64 { return r.I64 }), model.ErrGeneratedColumn},
		{"t", model.Int64("nope", func(r *sample) int64 { return r.I64 }), model.ErrUnknownColumn},
		{"t", model.Field[sample]{}, model.ErrUnknownColumn},
	} {
		_, err := model.BindFields(reg.Table(tc.table), tc.field)
		var me *model.Error
		if !errors.Is(err, tc.err) || !errors.As(err, &me) || me.Table != tc.table {
			t.Errorf("BindFields(%s) = %v, want %v naming the table", tc.table, err, tc.err)
		}
	}
}
