package main

import (
	"context"
	"encoding/json"
	"errors"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aquila-go/aquila/cmd/aquilagen/testdata/types"
	"github.com/aquila-go/aquila/cmd/aquilagen/testdata/types/ids"
	"github.com/aquila-go/aquila/cmd/aquilagen/testdata/types/pgtypes"
	"github.com/aquila-go/aquila/cmd/aquilagen/testdata/types/plain"
	"github.com/aquila-go/aquila/model"
)

// Values shared by the round trips. Times are in UTC with microseconds, as
// PostgreSQL stores them and pgx reads them back.
var (
	rtAt   = time.Date(2024, 2, 29, 13, 14, 15, 123456000, time.UTC)
	rtDay  = time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC)
	rtID   = [16]byte{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 1, 2, 3, 4, 5, 6, 7, 8}
	rtJSON = `{"a": 1, "b": [true, null]}` // jsonb's own rendering
)

func rtNum(i int64, exp int32) pgtype.Numeric {
	return pgtype.Numeric{Int: big.NewInt(i), Exp: exp, Valid: true}
}

func ptr[V any](v V) *V { return &v }

// rtDB returns the registry of testdata/types and a pool on a fresh
// database migrated with its migrations, after checking that the two agree.
func rtDB(t testing.TB) (*model.Registry, *pgxpool.Pool) {
	t.Helper()
	reg, err := model.NewRegistry(types.Tables()...)
	if err != nil {
		t.Fatal(err)
	}
	migrations, err := types.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	pool := pg.Pool(t, migrations)
	ctx := context.Background()
	diffs, err := model.Check(ctx, pool, reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Errorf("testdata/types: the migrations and Tables differ: %s", d)
	}
	return reg, pool
}

// TestRoundTripPgtypes writes every column type through the bindings
// generated for sqlc's default output (pgtype.* for NULL, dates, times,
// uuids and numerics) and reads it back with the sqlc queries.
func TestRoundTripPgtypes(t *testing.T) {
	t.Parallel()
	reg, pool := rtDB(t)
	q := pgtypes.New(pool)
	b, err := pgtypes.NewBindings(reg)
	if err != nil {
		t.Fatal(err)
	}
	scalars := []pgtypes.Scalar{
		{
			I2: -32768, I4: 2147483647, I8: -1 << 63, B: true, T: "héllo\n'\\", V: "twenty chars at most", F4: 1.5, F8: -0.25,
			D: pgtype.Date{Time: rtDay, Valid: true}, Ts: pgtype.Timestamp{Time: rtAt, Valid: true},
			Tz: pgtype.Timestamptz{Time: rtAt, Valid: true}, U: pgtype.UUID{Bytes: rtID, Valid: true},
			J: []byte(`{"z":1,  "a":2}`), Jb: []byte(rtJSON), By: []byte{0, 1, 255}, N: rtNum(-12345678, -3),
			Ni2: pgtype.Int2{Int16: 7, Valid: true}, Ni4: pgtype.Int4{Int32: -7, Valid: true}, Ni8: pgtype.Int8{Int64: 1 << 40, Valid: true},
			Nb: pgtype.Bool{Bool: false, Valid: true}, Nt: pgtype.Text{String: "", Valid: true}, Nv: pgtype.Text{String: "v", Valid: true},
			Nf4: pgtype.Float4{Float32: 0.5, Valid: true}, Nf8: pgtype.Float8{Float64: 1e300, Valid: true},
			Nd: pgtype.Date{Time: rtDay, Valid: true}, Nts: pgtype.Timestamp{Time: rtAt, Valid: true},
			Ntz: pgtype.Timestamptz{Time: rtAt, Valid: true}, Nu: pgtype.UUID{Bytes: rtID, Valid: true},
			Nj: []byte(`[1,2]`), Njb: []byte(`"a json string"`), Nby: []byte{}, Nn: rtNum(5, 3),
		},
		{ // every nullable column NULL, the others at their zero value
			D: pgtype.Date{Time: rtDay, Valid: true}, Ts: pgtype.Timestamp{Time: rtAt, Valid: true},
			Tz: pgtype.Timestamptz{Time: rtAt, Valid: true}, U: pgtype.UUID{Valid: true},
			J: []byte("null"), Jb: []byte(`"s"`), By: []byte{}, N: rtNum(0, 0),
		},
		{ // infinities and NaN
			D: pgtype.Date{InfinityModifier: pgtype.Infinity, Valid: true}, Ts: pgtype.Timestamp{InfinityModifier: pgtype.NegativeInfinity, Valid: true},
			Tz: pgtype.Timestamptz{InfinityModifier: pgtype.Infinity, Valid: true}, U: pgtype.UUID{Bytes: rtID, Valid: true},
			J: []byte("1"), Jb: []byte("1"), By: []byte{1}, N: pgtype.Numeric{NaN: true, Valid: true},
			Nd: pgtype.Date{InfinityModifier: pgtype.NegativeInfinity, Valid: true},
		},
	}
	arrays := []pgtypes.Array{
		{
			I2: []int16{1, -2}, I4: []int32{}, I8: []int64{1 << 50}, B: []bool{true, false},
			T: []string{"a", "", "b,c", `"q"`, "NULL", "x y", "{}"}, V: []string{"v"}, F4: []float32{0.25}, F8: []float64{-1, 2},
			D:  []pgtype.Date{{Time: rtDay, Valid: true}, {}, {InfinityModifier: pgtype.Infinity, Valid: true}},
			Ts: []pgtype.Timestamp{{Time: rtAt, Valid: true}, {}},
			Tz: []pgtype.Timestamptz{{}, {Time: rtAt, Valid: true}},
			U:  []pgtype.UUID{{Bytes: rtID, Valid: true}, {}},
			Jb: [][]byte{[]byte(rtJSON), nil, []byte(`"x"`)},
			By: [][]byte{{0, 1}, nil, {}},
			N:  []pgtype.Numeric{rtNum(15, -1), {}, rtNum(-1, -4), {NaN: true, Valid: true}},
		},
		{I2: []int16{}, I4: []int32{}, I8: []int64{}, B: []bool{}, T: []string{}, V: []string{}, F4: []float32{}, F8: []float64{},
			D: []pgtype.Date{}, N: []pgtype.Numeric{}},
	}
	items := []pgtypes.OrderItem{{OrderID: 1, Line: 1, Sku: "a"}, {OrderID: 1, Line: 2, Sku: "b"}, {OrderID: 2, Line: 1, Sku: "c"}}

	roundTrip(t, pool, b.Scalars, scalars, q.ListScalars)
	roundTrip(t, pool, b.Arrays, arrays, q.ListArrays)
	gotItems := roundTrip(t, pool, b.OrderItems, items, q.ListOrderItems)
	// Serial columns take the server's values, unless the binding names
	// them.
	if got := strings.Join(b.Counters.Columns(), ","); got != "label" {
		t.Errorf("counters binding writes %s, want label", got)
	}
	counters, err := pgtypes.BindCounters(reg, "small", "medium", "big", "label")
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, pool, counters, []pgtypes.Counter{{Small: 7, Medium: 8, Big: 9, Label: "given"},
		{Small: 32767, Medium: 1<<31 - 1, Big: 1 << 62, Label: "max"}}, q.ListCounters)
	for _, it := range gotItems {
		if !it.AddedAt.Valid || it.AddedAt.Time.IsZero() {
			t.Errorf("order item %d/%d: added_at %v, want the default now()", it.OrderID, it.Line, it.AddedAt)
		}
	}
}

// TestRoundTripPlain does the same through sqlc's output with pointers for
// NULL and overrides: time.Time, a uuid type defined on [16]byte and a
// {UUID; Valid} struct for a nullable one (as github.com/google/uuid's UUID
// and NullUUID are) and json.RawMessage.
func TestRoundTripPlain(t *testing.T) {
	t.Parallel()
	reg, pool := rtDB(t)
	q := plain.New(pool)
	b, err := plain.NewBindings(reg)
	if err != nil {
		t.Fatal(err)
	}
	id := ids.UUID(rtID)
	scalars := []plain.Scalar{
		{
			I2: 32767, I4: -2147483648, I8: 1<<63 - 1, B: true, T: "tab\there", V: "v", F4: -1.5, F8: 0.1,
			D: rtDay, Ts: rtAt, Tz: rtAt, U: id, J: []byte(` {"k": "v"} `), Jb: json.RawMessage(rtJSON), By: []byte("bytes"),
			N:   rtNum(123456789, -4),
			Ni2: ptr[int16](-1), Ni4: ptr[int32](0), Ni8: ptr[int64](42), Nb: ptr(true), Nt: ptr("t"), Nv: ptr(""),
			Nf4: ptr[float32](3), Nf8: ptr(-2.5), Nd: ptr(rtDay), Nts: ptr(rtAt), Ntz: ptr(rtAt), Nu: ids.NullUUID{UUID: id, Valid: true},
			Nj: []byte(`{}`), Njb: json.RawMessage(`[]`), Nby: []byte{0}, Nn: rtNum(-1, 0),
		},
		{D: rtDay, Ts: rtAt, Tz: rtAt, J: []byte(`"a string"`), Jb: json.RawMessage(`"a string"`), By: []byte{}, N: rtNum(0, -2)},
	}
	arrays := []plain.Array{
		{
			I2: []int16{-1}, I4: []int32{1, 2, 3}, I8: []int64{}, B: []bool{false}, T: []string{`back\slash`, "ü"}, V: []string{"", "v"},
			F4: []float32{1}, F8: []float64{0.5},
			D: []time.Time{rtDay}, Ts: []time.Time{rtAt, rtDay}, Tz: []time.Time{rtAt},
			U: []ids.UUID{id, {}}, Jb: []json.RawMessage{json.RawMessage(rtJSON), nil}, By: [][]byte{{9}},
			N: []pgtype.Numeric{rtNum(1, 2), {}},
		},
		{I2: []int16{}, I4: []int32{}, I8: []int64{}, B: []bool{}, T: []string{}, V: []string{}, F4: []float32{}, F8: []float64{}},
	}
	roundTrip(t, pool, b.Scalars, scalars, q.ListScalars)
	roundTrip(t, pool, b.Arrays, arrays, q.ListArrays)
}

// TestGeneratedBindingsMismatch: a row type generated from a schema the
// metadata no longer agrees with is reported by NewBindings, naming the
// table, the column and both types.
func TestGeneratedBindingsMismatch(t *testing.T) {
	// retype rebuilds the registry with one column of scalars changed:
	// typ "" drops it, and a column "extra" is added when add is set.
	retype := func(column string, typ model.Type, add bool) *model.Registry {
		t.Helper()
		var tables []*model.TableDef
		for _, td := range types.Tables() {
			if td.Name() != "scalars" {
				tables = append(tables, td)
				continue
			}
			var cols []model.Element
			for _, c := range td.Columns() {
				cd := td.Column(c)
				typ2 := cd.Type()
				if c == column {
					if typ == "" {
						continue
					}
					typ2 = typ
				}
				col := model.Col(c, typ2)
				if !cd.Nullable() {
					col.NotNull()
				}
				cols = append(cols, col)
			}
			if add {
				cols = append(cols, model.Col("extra", model.Text))
			}
			tables = append(tables, model.Table("scalars", cols...))
		}
		r, err := model.NewRegistry(tables...)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, tc := range []struct {
		name string
		reg  *model.Registry
		err  error
		col  string
		msg  string
	}{
		{"wrong type", retype("i4", model.BigInt, false), model.ErrFieldType, "i4",
			`model: table "scalars" column "i4": field does not match the column type: int32 field of pgtypes.Scalar; the column is bigint`},
		{"pgtype wrong type", retype("nu", model.Text, false), model.ErrFieldType, "nu",
			`model: table "scalars" column "nu": field does not match the column type: pgtype.UUID field of pgtypes.Scalar; the column is text`},
		{"column the metadata lacks", retype("nt", "", false), model.ErrUnknownColumn, "nt",
			`model: table "scalars" column "nt": unknown column: pgtypes.Scalar has a field for it (pgtype.Text)`},
		{"column the row type lacks", retype("", "", true), model.ErrMissingField, "extra",
			`model: table "scalars" column "extra": row type has no field for the column: pgtypes.Scalar has no field for it; the column is text`},
	} {
		_, err := pgtypes.NewBindings(tc.reg)
		var me *model.Error
		if !errors.Is(err, tc.err) || !errors.As(err, &me) || me.Table != "scalars" || me.Column != tc.col {
			t.Errorf("%s: NewBindings = %v, want %v on scalars.%s", tc.name, err, tc.err, tc.col)
			continue
		}
		if err.Error() != tc.msg {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, err, tc.msg)
		}
	}
}

// roundTrip writes rows with BulkCreate through binding, reads them back
// with the sqlc query list and compares the two; it returns what it read.
func roundTrip[R any](t *testing.T, pool *pgxpool.Pool, binding *model.Binding[R], rows []R, list func(context.Context) ([]R, error)) []R {
	t.Helper()
	ctx := context.Background()
	if _, err := model.BulkCreate(ctx, pool, binding, rows); err != nil {
		t.Fatal(err)
	}
	got, err := list(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameRows(t, rows, got)
	return got
}

// sameRows compares rows written with rows read back, field by field,
// except the keys the server assigned (ID) and defaults (AddedAt).
func sameRows[R any](t *testing.T, want, got []R) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("read %d rows, wrote %d", len(got), len(want))
	}
	for i := range want {
		w, g := reflect.ValueOf(want[i]), reflect.ValueOf(got[i])
		for j := range w.NumField() {
			name := w.Type().Field(j).Name
			if name == "ID" || name == "AddedAt" {
				continue
			}
			if !same(w.Field(j), g.Field(j)) {
				t.Errorf("row %d: %s wrote %#v, read %#v", i, name, w.Field(j).Interface(), g.Field(j).Interface())
			}
		}
	}
}

var (
	timeType    = reflect.TypeFor[time.Time]()
	numericType = reflect.TypeFor[pgtype.Numeric]()
)

// same compares two values as stored: times as instants, numerics by
// value, slices and pointers element by element, the rest with DeepEqual.
func same(a, b reflect.Value) bool {
	switch {
	case a.Type() == timeType:
		return a.Interface().(time.Time).Equal(b.Interface().(time.Time))
	case a.Type() == numericType:
		x, y := a.Interface().(pgtype.Numeric), b.Interface().(pgtype.Numeric)
		if x.Valid != y.Valid || x.NaN != y.NaN || x.InfinityModifier != y.InfinityModifier {
			return false
		}
		return !x.Valid || x.NaN || rat(x).Cmp(rat(y)) == 0
	}
	switch a.Kind() {
	case reflect.Slice:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !same(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return same(a.Elem(), b.Elem())
	case reflect.Struct:
		for i := range a.NumField() {
			if !same(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}

func rat(n pgtype.Numeric) *big.Rat {
	r := new(big.Rat).SetInt(n.Int)
	p := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max(n.Exp, -n.Exp))), nil))
	if n.Exp >= 0 {
		return r.Mul(r, p)
	}
	return r.Quo(r, p)
}
