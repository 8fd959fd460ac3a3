package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "aquilagen:", err)
		}
		os.Exit(2)
	}
}

// run dispatches to the wire step or the sqlc step.
func run(args []string, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "wire" {
		return runWire(args[1:], stderr)
	}
	fs := flag.NewFlagSet("aquilagen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := fs.String("f", "", "sqlc configuration `file` (default: sqlc.yaml, sqlc.yml or sqlc.json)")
	tables := fs.String("tables", "", "the `function` returning the model tables, as ./dir.Func or import/path.Func;\nwith it, COPY bindings are generated for every table with a sqlc row type")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: aquilagen [-f sqlc.yaml] [-tables ./internal/catalog.Tables]\n       aquilagen wire [-modfile tools/go.mod] [packages]\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	file, err := findConfig(*config)
	if err != nil {
		return err
	}
	outs, err := readConfig(file)
	if err != nil {
		return err
	}
	for _, o := range outs {
		if err := generateRoutes(o.dir); err != nil {
			return fmt.Errorf("%s: %w", o.dir, err)
		}
	}
	if *tables == "" {
		return nil
	}
	return generateBindings(outs, *tables)
}

// Output files, inside each sqlc output directory.
const (
	routerFile     = "router_gen.go"
	statementsFile = "statements_gen.go"
	bindingsFile   = "bindings_gen.go"
)

// generateRoutes reads the sqlc package in dir and writes the routed
// Querier and the statement list into it.
func generateRoutes(dir string) error {
	pkg, err := load(dir, routerFile, bindingsFile)
	if err != nil {
		return err
	}
	src, err := render(pkg)
	if err != nil {
		return err
	}
	list, err := renderStatements(pkg)
	if err != nil {
		return err
	}
	if err := writeFile(dir, routerFile, src); err != nil {
		return err
	}
	return writeFile(dir, statementsFile, list)
}

// writeFile writes data to dir/name unless the file already holds it, so
// that an unchanged output keeps its modification time.
func writeFile(dir, name string, data []byte) error {
	path := filepath.Join(dir, name)
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return os.WriteFile(path, data, 0o644)
}
