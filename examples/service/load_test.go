package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aquila-go/aquila/cli"

	"github.com/aquila-go/aquila/examples/service/internal/db"
	"github.com/aquila-go/aquila/examples/service/internal/tables"
	"github.com/aquila-go/aquila/examples/service/schema"
)

// load runs `shop load -table table file` against url and returns the
// exit status and what it wrote to stderr.
func load(t *testing.T, url, table, name, content string) (int, string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	reg, err := tables.Registry()
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), service(reg), []string{"load", "-database-url", url, "-table", table, file}, &stdout, &stderr)
	return code, stderr.String()
}

// queries opens sqlc's queries on the database at url.
func queries(t *testing.T, url string) *db.Queries {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return db.New(pool)
}

// TestLoadEveryTable loads each table of the shop from NDJSON or CSV
// through the generic load (every value parsed by its column's metadata
// type and sent as binary COPY) and reads the rows back with sqlc.
func TestLoadEveryTable(t *testing.T) {
	t.Parallel()
	url := pg.URL(t, schema.FS)
	const mug, pen = "4f5e8c1a-0b7d-4c2e-9a3f-6d1e2b3c4d5e", "00000000-0000-0000-0000-000000000001"
	for _, f := range []struct{ table, name, content string }{
		{"customers", "customers.csv", "id,email,name,phone\n1,ann@example.com,Ann,+44 20 7946 0000\n2,bob@example.com,Bob,\n"},
		{"products", "products.ndjson", `{"id":"` + mug + `","sku":"MUG-1","name":"Mug","price":"12.50","tags":["kitchen","gift"],"active":true}` + "\n" +
			`{"id":"` + pen + `","sku":"PEN-1","name":"Pen","price":1.25,"tags":[],"active":false}` + "\n"},
		{"orders", "orders.ndjson", `{"id":7,"customer_id":1,"status":"paid","shipping":{"city":"Springfield","raw":"{\"a\":1}"},"note":null,"placed_at":"2024-03-01T10:00:00Z"}` + "\n"},
		{"order_items", "order_items.csv", "order_id,product_id,quantity,unit_price\n7," + mug + ",2,12.50\n7," + pen + ",3,1.25\n"},
	} {
		if code, stderr := load(t, url, f.table, f.name, f.content); code != 0 {
			t.Fatalf("load %s: exit %d: %s", f.name, code, stderr)
		}
	}

	q := queries(t, url)
	ann, err := q.GetCustomer(context.Background(), 1)
	if err != nil || ann.Phone == nil || *ann.Phone != "+44 20 7946 0000" {
		t.Errorf("customer 1 = %+v, %v", ann, err)
	}
	o, err := q.GetOrder(context.Background(), 7)
	if err != nil {
		t.Fatal(err)
	}
	var ship map[string]any
	if err := json.Unmarshal(o.Shipping, &ship); err != nil || ship["raw"] != `{"a":1}` || o.Note != nil || o.ShippedAt.Valid {
		t.Errorf("order 7 = %+v (shipping %s), %v", o, o.Shipping, err)
	}
	total, err := q.OrderTotal(context.Background(), 7)
	if f, _ := total.Float64Value(); err != nil || f.Float64 != 28.75 {
		t.Errorf("total = %v, %v; want 2×12.50 + 3×1.25", f, err)
	}
}

// TestLoadKeepsJSONShape: a JSON string for a jsonb column stays a string,
// which the shop's CHECK (a shipping address is an object) refuses, so the
// load fails naming the line and writes nothing; it is never turned into
// the object the string spells.
func TestLoadKeepsJSONShape(t *testing.T) {
	t.Parallel()
	url := pg.URL(t, schema.FS)
	if code, stderr := load(t, url, "customers", "c.csv", "id,email,name\n1,ann@example.com,Ann\n"); code != 0 {
		t.Fatalf("load customers: exit %d: %s", code, stderr)
	}
	code, stderr := load(t, url, "orders", "orders.ndjson",
		`{"customer_id":1,"shipping":{"city":"Springfield"}}`+"\n"+`{"customer_id":1,"shipping":"{\"city\":\"Springfield\"}"}`+"\n")
	if code == 0 || !strings.Contains(stderr, "line 2") || !strings.Contains(stderr, "orders_shipping_check") {
		t.Fatalf("exit %d, stderr %q: want a failure naming line 2 and the check", code, stderr)
	}
	orders, err := queries(t, url).ListCustomerOrders(context.Background(), db.ListCustomerOrdersParams{CustomerID: 1, MaxRows: 10})
	if err != nil || len(orders) != 0 {
		t.Errorf("orders after a failed load: %v, %v", orders, err)
	}
}
