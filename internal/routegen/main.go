package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	dir := flag.String("dir", ".", "directory of the sqlc-generated package")
	out := flag.String("out", "router_gen.go", "output file name, inside -dir")
	flag.Parse()
	if err := run(*dir, *out); err != nil {
		fmt.Fprintln(os.Stderr, "routegen:", err)
		os.Exit(1)
	}
}

// run reads the package in dir and writes out into it.
func run(dir, out string) error {
	pkg, err := load(dir, out)
	if err != nil {
		return err
	}
	src, err := render(pkg)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, out), src, 0o644)
}
