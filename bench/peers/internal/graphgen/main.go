// Command graphgen lists the providers that Wire's generated request
// injector calls, for the dig and samber/do contenders of bench/peers:
//
//	go run ./internal/graphgen -in ../internal/wirereq/wire_gen.go -out graph_gen.go
//
// It reads the injector (func Request in wire_gen.go) with go/parser and
// writes requestProviders, returning the function of every `v :=
// pkg.F(...)` statement in order. bench/peers builds the dig and do
// registrations from those function values by reflection, so the three
// containers always build the same graph.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	in := flag.String("in", "../internal/wirereq/wire_gen.go", "Wire's generated injectors")
	out := flag.String("out", "graph_gen.go", "output file")
	fn := flag.String("func", "Request", "injector to read")
	flag.Parse()
	src, err := os.ReadFile(*in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "graphgen:", err)
		os.Exit(1)
	}
	code, err := generate(src, *in, *fn)
	if err != nil {
		fmt.Fprintln(os.Stderr, "graphgen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, code, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "graphgen:", err)
		os.Exit(1)
	}
}
