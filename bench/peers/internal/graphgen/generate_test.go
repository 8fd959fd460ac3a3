package main

import (
	"bytes"
	"os"
	"testing"
)

// TestFresh fails when bench/peers/graph_gen.go no longer matches Wire's
// request injector: run `go generate` in bench/peers.
func TestFresh(t *testing.T) {
	const in = "../internal/wirereq/wire_gen.go"
	src, err := os.ReadFile("../../../internal/wirereq/wire_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	want, err := generate(src, in, "Request")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../graph_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("graph_gen.go is stale: run go generate in bench/peers\nwant:\n%s", want)
	}
}
