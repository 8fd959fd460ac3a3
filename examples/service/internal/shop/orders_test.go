package shop_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aquila-go/aquila/api"

	"github.com/aquila-go/aquila/examples/service/internal/db"
	"github.com/aquila-go/aquila/examples/service/internal/shop"
)

// stock creates a customer and two products, a mug at 12.50 and a pen at
// 1.25.
func stock(t *testing.T, s *shop.Request) (db.Customer, db.Product, db.Product) {
	t.Helper()
	ctx := context.Background()
	c, err := s.Customers.Create(ctx, shop.CustomerInput{Email: "ann@example.com", Name: "Ann"})
	if err != nil {
		t.Fatal(err)
	}
	mug, err := s.Products.Create(ctx, shop.ProductInput{SKU: "MUG-1", Name: "Mug", Price: number("12.50")})
	if err != nil {
		t.Fatal(err)
	}
	pen, err := s.Products.Create(ctx, shop.ProductInput{SKU: "PEN-1", Name: "Pen", Price: number("1.25")})
	if err != nil {
		t.Fatal(err)
	}
	return c, mug, pen
}

var address = json.RawMessage(`{"street": "1 Main St", "city": "Springfield"}`)

func TestPlaceAndShipOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := services(t)
	ann, mug, pen := stock(t, s)

	o, err := s.Orders.Place(ctx, shop.OrderInput{
		CustomerID: ann.ID,
		Shipping:   address,
		Note:       new("leave at the door"),
		Items:      []shop.ItemInput{{ProductID: mug.ID.String(), Quantity: 2}, {ProductID: pen.ID.String(), Quantity: 3}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if total, _ := o.Total.MarshalJSON(); string(total) != "28.75" {
		t.Errorf("total = %s, want 2×12.50 + 3×1.25 = 28.75", total)
	}
	if o.Status != "pending" || !o.PlacedAt.Valid || o.ShippedAt.Valid || len(o.Items) != 2 {
		t.Fatalf("placed %+v", o)
	}

	// A new price does not change an order placed before.
	if _, err := s.Products.SetPrice(ctx, mug.ID, number("20")); err != nil {
		t.Fatal(err)
	}
	got, err := s.Orders.Get(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if total, _ := got.Total.MarshalJSON(); string(total) != "28.75" {
		t.Errorf("total after a price change = %s, want 28.75", total)
	}
	var ship map[string]string
	if err := json.Unmarshal(got.Shipping, &ship); err != nil || ship["city"] != "Springfield" {
		t.Errorf("shipping = %s, %v", got.Shipping, err)
	}

	if _, err := s.Orders.SetStatus(ctx, o.ID, "shipped"); err == nil {
		t.Fatal("a pending order was shipped before it was paid")
	} else {
		wantError(t, err, api.CodeConflict, "status")
	}
	if _, err := s.Orders.SetStatus(ctx, o.ID, "paid"); err != nil {
		t.Fatal(err)
	}
	shipped, err := s.Orders.SetStatus(ctx, o.ID, "shipped")
	if err != nil {
		t.Fatal(err)
	}
	if shipped.Status != "shipped" || !shipped.ShippedAt.Valid || shipped.ShippedAt.Time.Before(shipped.PlacedAt.Time) {
		t.Errorf("shipped order = %+v", shipped)
	}
	_, err = s.Orders.SetStatus(ctx, o.ID, "cancelled")
	wantError(t, err, api.CodeConflict, "status")
	_, err = s.Orders.SetStatus(ctx, 999, "paid")
	wantError(t, err, api.CodeNotFound, "")

	orders, err := s.Orders.ListForCustomer(ctx, ann.ID, 0, 10)
	if err != nil || len(orders) != 1 || orders[0].ID != o.ID {
		t.Fatalf("customer's orders = %+v, %v", orders, err)
	}
	_, err = s.Orders.ListForCustomer(ctx, 999, 0, 10)
	wantError(t, err, api.CodeNotFound, "")

	// A customer with orders cannot be deleted.
	wantError(t, s.Customers.Delete(ctx, ann.ID), api.CodeUnprocessable, "")
}

// TestPlaceOrderAllOrNothing: an order is placed whole or not at all.
func TestPlaceOrderAllOrNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := services(t)
	ann, mug, pen := stock(t, s)
	if _, err := pool.Exec(ctx, `UPDATE products SET active = false WHERE id = $1`, pen.ID); err != nil {
		t.Fatal(err)
	}
	item := func(p db.Product, n int32) shop.ItemInput {
		return shop.ItemInput{ProductID: p.ID.String(), Quantity: n}
	}

	for _, tc := range []struct {
		name  string
		in    shop.OrderInput
		code  api.Code
		field string
	}{
		{"inactive product", shop.OrderInput{CustomerID: ann.ID, Shipping: address, Items: []shop.ItemInput{item(mug, 1), item(pen, 1)}},
			api.CodeUnprocessable, "items[1].product_id"},
		{"unknown customer", shop.OrderInput{CustomerID: ann.ID + 1, Shipping: address, Items: []shop.ItemInput{item(mug, 1)}},
			api.CodeUnprocessable, "customer_id"},
		{"repeated product", shop.OrderInput{CustomerID: ann.ID, Shipping: address, Items: []shop.ItemInput{item(mug, 1), item(mug, 2)}},
			api.CodeInvalid, "items[1].product_id"},
		{"zero quantity", shop.OrderInput{CustomerID: ann.ID, Shipping: address, Items: []shop.ItemInput{item(mug, 0)}},
			api.CodeInvalid, "items[0].quantity"},
		{"not a uuid", shop.OrderInput{CustomerID: ann.ID, Shipping: address, Items: []shop.ItemInput{{ProductID: "mug", Quantity: 1}}},
			api.CodeInvalid, "items[0].product_id"},
		{"shipping not an object", shop.OrderInput{CustomerID: ann.ID, Shipping: json.RawMessage(`"1 Main St"`), Items: []shop.ItemInput{item(mug, 1)}},
			api.CodeInvalid, "shipping"},
		{"no items", shop.OrderInput{CustomerID: ann.ID, Shipping: address}, api.CodeInvalid, "items"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Orders.Place(ctx, tc.in)
			wantError(t, err, tc.code, tc.field)
			if n, m := count(t, pool, "orders"), count(t, pool, "order_items"); n != 0 || m != 0 {
				t.Errorf("%d orders and %d items after a failed order, want none", n, m)
			}
		})
	}
}
