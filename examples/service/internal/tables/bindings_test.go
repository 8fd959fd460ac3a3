package tables_test

import (
	"context"
	"encoding/json"
	"errors"
	"math/big"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aquila-go/aquila/model"

	"github.com/aquila-go/aquila/examples/service/internal/db"
	"github.com/aquila-go/aquila/examples/service/internal/tables"
	"github.com/aquila-go/aquila/examples/service/schema"
)

func numeric(t *testing.T, s string) pgtype.Numeric {
	t.Helper()
	var n pgtype.Numeric
	if err := n.Scan(s); err != nil {
		t.Fatal(err)
	}
	return n
}

func uuid(t *testing.T, s string) pgtype.UUID {
	t.Helper()
	var u pgtype.UUID
	if err := u.Scan(s); err != nil {
		t.Fatal(err)
	}
	return u
}

func at(s string) pgtype.Timestamptz {
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return pgtype.Timestamptz{Time: tm, Valid: true}
}

// bindAll binds every column of table, the server-filled ones (identity,
// defaults) included, so that every value below is the test's own.
func bindAll[T any](t *testing.T, reg *model.Registry, table string, bind func(*model.Registry, ...string) (*model.Binding[T], error)) *model.Binding[T] {
	t.Helper()
	b, err := bind(reg, reg.Table(table).Columns()...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEveryColumnRoundTrips writes rows holding every column type of the
// shop — bigint, text and nullable text, timestamptz and nullable
// timestamptz, uuid, numeric(12,2), text[], boolean, jsonb, integer —
// through the generated COPY bindings with model.BulkCreate, and reads
// them back with the sqlc queries, value for value.
func TestEveryColumnRoundTrips(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pg.Pool(t, schema.FS)
	reg, err := tables.Registry()
	if err != nil {
		t.Fatal(err)
	}
	q := db.New(pool)

	customers := []db.Customer{
		{ID: 10, Email: "ann@example.com", Name: "Ann", Phone: new("+44 20 7946 0000"), CreatedAt: at("2024-02-29T23:59:59.123456Z")},
		{ID: 11, Email: "bob@example.com", Name: "Bøb", Phone: nil, CreatedAt: at("1999-12-31T00:00:00Z")},
	}
	products := []db.Product{
		{ID: uuid(t, "4f5e8c1a-0b7d-4c2e-9a3f-6d1e2b3c4d5e"), Sku: "MUG-1", Name: "Mug", Price: numeric(t, "9999999999.99"),
			Tags: []string{"kitchen", "gift", `quote"and,comma`, ""}, Active: true, CreatedAt: at("2024-01-01T00:00:00Z")},
		{ID: uuid(t, "00000000-0000-0000-0000-000000000001"), Sku: "PEN-1", Name: "Pen", Price: numeric(t, "0.05"),
			Tags: []string{}, Active: false, CreatedAt: at("2024-01-02T03:04:05.000006Z")},
	}
	orders := []db.Order{
		{ID: 20, CustomerID: 10, Status: "shipped", Note: new("ring twice"), PlacedAt: at("2024-03-01T10:00:00Z"), ShippedAt: at("2024-03-02T10:00:00Z"),
			// A string that looks like JSON stays a string.
			Shipping: json.RawMessage(`{"city": "Springfield", "lines": ["1 Main St", "Flat 2"], "raw": "{\"a\": 1}", "zip": null}`)},
		{ID: 21, CustomerID: 11, Status: "pending", Note: nil, PlacedAt: at("2024-03-03T10:00:00Z"), ShippedAt: pgtype.Timestamptz{},
			Shipping: json.RawMessage(`{}`)},
	}
	items := []db.OrderItem{
		{OrderID: 20, ProductID: products[0].ID, Quantity: 2, UnitPrice: numeric(t, "12.50")},
		{OrderID: 20, ProductID: products[1].ID, Quantity: 2147483647, UnitPrice: numeric(t, "0")},
	}
	if _, err := model.BulkCreate(ctx, pool, bindAll(t, reg, "customers", db.BindCustomers), customers); err != nil {
		t.Fatal(err)
	}
	if _, err := model.BulkCreate(ctx, pool, bindAll(t, reg, "products", db.BindProducts), products); err != nil {
		t.Fatal(err)
	}
	if _, err := model.BulkCreate(ctx, pool, bindAll(t, reg, "orders", db.BindOrders), orders); err != nil {
		t.Fatal(err)
	}
	if _, err := model.BulkCreate(ctx, pool, bindAll(t, reg, "order_items", db.BindOrderItems), items); err != nil {
		t.Fatal(err)
	}

	for _, want := range customers {
		got, err := q.GetCustomer(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Email != want.Email || got.Name != want.Name || !reflect.DeepEqual(got.Phone, want.Phone) || !sameTime(got.CreatedAt, want.CreatedAt) {
			t.Errorf("customer read back as %+v, want %+v", got, want)
		}
	}
	for _, want := range products {
		got, err := q.GetProduct(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != want.ID || got.Sku != want.Sku || got.Name != want.Name || !sameNumeric(got.Price, want.Price) ||
			!slices.Equal(got.Tags, want.Tags) || got.Tags == nil || got.Active != want.Active || !sameTime(got.CreatedAt, want.CreatedAt) {
			t.Errorf("product read back as %+v, want %+v", got, want)
		}
	}
	for _, want := range orders {
		got, err := q.GetOrder(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.CustomerID != want.CustomerID || got.Status != want.Status || !reflect.DeepEqual(got.Note, want.Note) ||
			!sameTime(got.PlacedAt, want.PlacedAt) || !sameTime(got.ShippedAt, want.ShippedAt) || !sameJSON(t, got.Shipping, want.Shipping) {
			t.Errorf("order read back as %+v, want %+v", got, want)
		}
	}
	gotItems, err := q.ListOrderItems(ctx, 20)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(gotItems, func(a, b db.OrderItem) int { return int(a.Quantity) - int(b.Quantity) })
	if len(gotItems) != len(items) {
		t.Fatalf("%d items read back, want %d", len(gotItems), len(items))
	}
	for i, want := range items {
		got := gotItems[i]
		if got.OrderID != want.OrderID || got.ProductID != want.ProductID || got.Quantity != want.Quantity || !sameNumeric(got.UnitPrice, want.UnitPrice) {
			t.Errorf("item read back as %+v, want %+v", got, want)
		}
	}
}

func sameTime(a, b pgtype.Timestamptz) bool {
	return a.Valid == b.Valid && a.InfinityModifier == b.InfinityModifier && a.Time.Equal(b.Time)
}

// sameNumeric compares two finite numerics exactly (12.50 and 12.5 are
// the same value with another scale).
func sameNumeric(a, b pgtype.Numeric) bool {
	return a.Valid && b.Valid && !a.NaN && !b.NaN && rat(a).Cmp(rat(b)) == 0
}

func rat(n pgtype.Numeric) *big.Rat {
	r := new(big.Rat).SetInt(n.Int)
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max(n.Exp, -n.Exp))), nil))
	if n.Exp < 0 {
		return r.Quo(r, scale)
	}
	return r.Mul(r, scale)
}

// sameJSON compares two JSON documents by value: jsonb stores a
// normalised text (key order, spacing), never a different value.
func sameJSON(t *testing.T, a, b json.RawMessage) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}

// TestBindingMismatchNamed: a row type that disagrees with the metadata is
// an error when the bindings are built, naming the table, the column and
// both types — here the metadata of a products table whose price became
// an integer, and of a customers table with a column sqlc's Customer does
// not have.
func TestBindingMismatchNamed(t *testing.T) {
	t.Parallel()
	reg, err := model.NewRegistry(
		model.Table("products",
			model.Col("id", model.UUID).PrimaryKey(),
			model.Col("sku", model.Text).NotNull(),
			model.Col("name", model.Text).NotNull(),
			model.Col("price", model.Integer).NotNull(),
			model.Col("tags", model.Text.Array()).NotNull(),
			model.Col("active", model.Boolean).NotNull(),
			model.Col("created_at", model.TimestampTZ).NotNull()),
		model.Table("customers",
			model.Col("id", model.BigInt).Identity().PrimaryKey(),
			model.Col("email", model.Text).NotNull(),
			model.Col("name", model.Text).NotNull(),
			model.Col("phone", model.Text),
			model.Col("loyalty_points", model.Integer),
			model.Col("created_at", model.TimestampTZ).NotNull()),
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		bind  func() error
		want  error
		names []string
	}{
		{func() error { _, err := db.BindProducts(reg); return err }, model.ErrFieldType,
			[]string{`"products"`, `"price"`, "db.Product", "integer"}},
		{func() error { _, err := db.BindCustomers(reg); return err }, model.ErrMissingField,
			[]string{`"customers"`, `"loyalty_points"`, "db.Customer", "integer"}},
	} {
		err := tc.bind()
		if !errors.Is(err, tc.want) {
			t.Fatalf("err = %v, want %v", err, tc.want)
		}
		var me *model.Error
		if !errors.As(err, &me) {
			t.Fatalf("err = %T, want a *model.Error", err)
		}
		for _, name := range tc.names {
			if !strings.Contains(err.Error(), name) {
				t.Errorf("%q does not name %s", err, name)
			}
		}
	}
	// And the real registry binds every table.
	real, err := tables.Registry()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.NewBindings(real); err != nil {
		t.Fatal(err)
	}
}
