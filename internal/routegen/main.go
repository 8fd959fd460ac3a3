package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	dir := flag.String("dir", ".", "directory of the sqlc-generated package")
	out := flag.String("out", "router_gen.go", "output file name of the routed Querier, inside -dir")
	stmts := flag.String("statements", "statements_gen.go", "output file name of the statement list, inside -dir")
	flag.Parse()
	if err := run(*dir, *out, *stmts); err != nil {
		fmt.Fprintln(os.Stderr, "routegen:", err)
		os.Exit(1)
	}
}

// run reads the package in dir and writes out (the routed Querier) and
// stmts (the statement list) into it.
func run(dir, out, stmts string) error {
	pkg, err := load(dir, out)
	if err != nil {
		return err
	}
	src, err := render(pkg)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, out), src, 0o644); err != nil {
		return err
	}
	list, err := renderStatements(pkg)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, stmts), list, 0o644)
}
