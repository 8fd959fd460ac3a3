package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aquila-go/aquila/cli"
	"github.com/aquila-go/aquila/internal/app"
	"github.com/aquila-go/aquila/internal/catalog"
	"github.com/aquila-go/aquila/postgres"
)

// BenchmarkRequestInjector times a request scope's life: newRequest, the
// Wire-generated request injector the handler calls once per request
// (request id, logger, routing session, read scope, routed queries and the
// three domain services), and its Release at the end of the request. The
// router's pool is opened on a test database but nothing is queried
// (bench/report runs this benchmark for the seed's DI rows).
func BenchmarkRequestInjector(b *testing.B) {
	cat, err := catalog.New()
	if err != nil {
		b.Fatal(err)
	}
	rt, err := postgres.NewRouter(context.Background(), postgres.RouterConfig{Primary: postgres.Config{DSN: pg.URL(b, nil)}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(rt.Close)
	d := app.ProvideDeps(rt, slog.New(slog.DiscardHandler), cat, app.ProvideReadCache(cli.Config{}))
	r := httptest.NewRequest(http.MethodGet, "/books/1", nil)
	r.Header.Set("X-Request-Id", "bench-0123456789")
	b.ReportAllocs()
	for b.Loop() {
		req := newRequest(d, r)
		req.Release()
	}
}
