package peers_test

import (
	"net/http"
	"testing"

	"github.com/aquila-go/aquila/bench/peers"
	"github.com/aquila-go/aquila/internal/app"
)

// BenchmarkDIRequest is one request lifecycle — build the request scope
// with its three services, use it, dispose of it — per container.
func BenchmarkDIRequest(b *testing.B) {
	g, err := peers.NewGraph()
	if err != nil {
		b.Fatal(err)
	}
	containers := []struct {
		name  string
		build func(*app.Deps, *http.Request) (app.Request, error)
	}{
		{"wire", peers.WireRequest},
		{"dig", g.DigRequest},
		{"do", g.DoRequest},
	}
	d, err := peers.NewDeps()
	if err != nil {
		b.Fatal(err)
	}
	r := peers.NewRequest()
	for _, c := range rotate(containers, rotation()) {
		b.Run(c.name, func(b *testing.B) {
			req, err := c.build(d, r)
			if err == nil {
				err = peers.CheckRequest(&req)
			}
			if err != nil {
				b.Fatal(err)
			}
			req.Release()
			b.ReportAllocs()
			for b.Loop() {
				req, err := c.build(d, r)
				if err != nil {
					b.Fatal(err)
				}
				req.Release() // the request ends: its session goes back to the router
			}
		})
	}
}
