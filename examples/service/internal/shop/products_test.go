package shop_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aquila-go/aquila/api"

	"github.com/aquila-go/aquila/examples/service/internal/shop"
)

func TestProductCreateListReprice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := services(t)

	mug, err := s.Products.Create(ctx, shop.ProductInput{SKU: "MUG-1", Name: "Mug", Price: number("12.50"), Tags: []string{"kitchen", "gift"}})
	if err != nil {
		t.Fatal(err)
	}
	if !mug.ID.Valid || !mug.Active || !slices.Equal(mug.Tags, []string{"kitchen", "gift"}) {
		t.Fatalf("created %+v", mug)
	}
	if _, err := s.Products.Create(ctx, shop.ProductInput{SKU: "PEN-1", Name: "Pen", Price: number("1"), Active: new(false)}); err != nil {
		t.Fatal(err)
	}

	got, err := s.Products.Get(ctx, mug.ID)
	if err != nil {
		t.Fatal(err)
	}
	if price, _ := got.Price.MarshalJSON(); string(price) != "12.50" {
		t.Errorf("price read back as %s, want 12.50", price)
	}

	gifts, err := s.Products.List(ctx, "", new("gift"), 10)
	if err != nil || len(gifts) != 1 || gifts[0].Sku != "MUG-1" {
		t.Fatalf("list tag=gift = %+v, %v", gifts, err)
	}
	all, err := s.Products.List(ctx, "", nil, 10)
	if err != nil || len(all) != 2 || all[0].Sku != "MUG-1" || all[1].Sku != "PEN-1" {
		t.Fatalf("list = %+v, %v", all, err)
	}

	repriced, err := s.Products.SetPrice(ctx, mug.ID, number("9.99"))
	if err != nil {
		t.Fatal(err)
	}
	if price, _ := repriced.Price.MarshalJSON(); string(price) != "9.99" {
		t.Errorf("price after PATCH = %s, want 9.99", price)
	}

	_, err = s.Products.Create(ctx, shop.ProductInput{SKU: "MUG-1", Name: "Mug", Price: number("1")})
	wantError(t, err, api.CodeConflict, "sku")
}

// TestPriceNeverRounded: numeric(12,2) would store 9.999 as 10.00; the
// service refuses it instead of changing the value.
func TestPriceNeverRounded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := services(t)
	for _, price := range []string{"9.999", "-1", "1e10", "12345678901", "NaN", "abc", ""} {
		_, err := s.Products.Create(ctx, shop.ProductInput{SKU: "X-1", Name: "X", Price: number(price)})
		wantError(t, err, api.CodeInvalid, "price")
	}
	for _, price := range []string{"9.990", "1e2", "0", "9999999999.99"} {
		if _, err := s.Products.Create(ctx, shop.ProductInput{SKU: "OK-" + fmt.Sprint(len(price)), Name: "ok", Price: number(price)}); err != nil {
			t.Errorf("price %s: %v", price, err)
		}
	}
	if n := count(t, pool, "products"); n != 4 {
		t.Errorf("%d products, want 4", n)
	}
}

// ndjson renders n products, SKU-0000, SKU-0001, ...
func ndjson(n int, edit func(i int, line string) string) string {
	var b strings.Builder
	for i := range n {
		line := fmt.Sprintf(`{"sku":"SKU-%04d","name":"Product %d","price":%d.%02d,"tags":["bulk","t%d"]}`, i, i, i, i%100, i%7)
		if edit != nil {
			line = edit(i, line)
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

func TestImportProducts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := services(t)

	n, err := s.Products.Import(ctx, api.Records[shop.ProductInput](strings.NewReader(ndjson(2500, nil)), true))
	if err != nil {
		t.Fatal(err)
	}
	if n != 2500 || count(t, pool, "products") != 2500 {
		t.Fatalf("imported %d, table holds %d, want 2500", n, count(t, pool, "products"))
	}
	p, err := s.Products.List(ctx, "SKU-1233", new("t4"), 1)
	if err != nil || len(p) != 1 || p[0].Sku != "SKU-1236" || p[0].Name != "Product 1236" {
		t.Fatalf("first t4 product after SKU-1233 = %+v, %v", p, err)
	}
	if price, _ := p[0].Price.MarshalJSON(); string(price) != "1236.36" {
		t.Errorf("price = %s, want 1236.36", price)
	}
}

// TestImportAllOrNothing: a bad record, a repeated SKU or a SKU the table
// already holds fails the whole import, names the record and writes
// nothing, however many rows went before it.
func TestImportAllOrNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, pool := services(t)
	if _, err := s.Products.Create(ctx, shop.ProductInput{SKU: "SKU-1500", Name: "exists", Price: number("1")}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		body  string
		code  api.Code
		field string
	}{
		{"bad price", ndjson(2000, func(i int, l string) string {
			if i == 1700 {
				return `{"sku":"SKU-X","name":"x","price":1.005}`
			}
			return l
		}), api.CodeInvalid, "records[1700].price"},
		{"unknown field", ndjson(10, func(i int, l string) string {
			if i == 3 {
				return `{"sku":"SKU-Y","name":"y","price":1,"colour":"red"}`
			}
			return l
		}), api.CodeInvalid, "records[3].colour"},
		{"repeated sku", ndjson(20, func(i int, l string) string {
			if i == 12 {
				return strings.Replace(l, "SKU-0012", "SKU-0004", 1)
			}
			return l
		}), api.CodeConflict, "records[12].sku"},
		{"sku in the table", ndjson(2000, nil), api.CodeConflict, "records[1500].sku"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Products.Import(ctx, api.Records[shop.ProductInput](strings.NewReader(tc.body), true))
			wantError(t, err, tc.code, tc.field)
			if n := count(t, pool, "products"); n != 1 {
				t.Errorf("%d products after a failed import, want the 1 that was there", n)
			}
		})
	}
}
