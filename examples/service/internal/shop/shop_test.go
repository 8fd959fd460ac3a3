package shop_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aquila-go/aquila/api"
	"github.com/aquila-go/aquila/postgres/pgtest"

	"github.com/aquila-go/aquila/examples/service/internal/db"
	"github.com/aquila-go/aquila/examples/service/internal/shop"
	"github.com/aquila-go/aquila/examples/service/internal/tables"
	"github.com/aquila-go/aquila/examples/service/schema"
)

var pg = pgtest.New()

func TestMain(m *testing.M) { os.Exit(pg.Run(m)) }

// services returns the request-scoped services over a fresh, migrated
// database of their own, and the pool to look at it directly.
func services(t *testing.T) (*shop.Request, *pgxpool.Pool) {
	t.Helper()
	pool := pg.Pool(t, schema.FS)
	reg, err := tables.Registry()
	if err != nil {
		t.Fatal(err)
	}
	products, err := shop.ProvideProductImport(reg)
	if err != nil {
		t.Fatal(err)
	}
	q := db.New(pool)
	return &shop.Request{
		Customers: shop.NewCustomerService(q),
		Products:  shop.NewProductService(q, pool, products),
		Orders:    shop.NewOrderService(q, pool),
	}, pool
}

// wantError fails unless err is an *api.Error with code and field.
func wantError(t *testing.T, err error, code api.Code, field string) {
	t.Helper()
	var e *api.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want an *api.Error %s on %q", err, code, field)
	}
	if e.Code != code || e.Field != field {
		t.Fatalf("err = %v (code %s, field %q), want code %s, field %q", err, e.Code, e.Field, code, field)
	}
}

func count(t *testing.T, pool *pgxpool.Pool, table string) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM "`+table+`"`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func number(s string) json.Number { return json.Number(s) }
