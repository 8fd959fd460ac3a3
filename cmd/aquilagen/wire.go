package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// wireLine is the go:generate line wire writes into every wire_gen.go. It
// would run a second, unpinned wire through the service's own go.mod
// (adding wire's dependencies to it), so the wire step removes it.
const wireLine = "//go:generate go run -mod=mod github.com/google/wire/cmd/wire\n"

// runWire runs wire gen, pinned in a tools module, on the packages and
// removes wireLine from the wire_gen.go files it wrote.
func runWire(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("aquilagen wire", flag.ContinueOnError)
	fs.SetOutput(stderr)
	modfile := fs.String("modfile", "tools/go.mod", "the tools module's go.mod, which pins github.com/google/wire/cmd/wire as a tool")
	if err := fs.Parse(args); err != nil {
		return err
	}
	pkgs := fs.Args()
	if len(pkgs) == 0 {
		pkgs = []string{"."}
	}
	cmd := exec.Command("go", append([]string{"tool", "-modfile=" + *modfile, "wire", "gen"}, pkgs...)...)
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("wire gen: %w", err)
	}
	for _, p := range pkgs {
		if err := stripWireLine(filepath.Join(p, "wire_gen.go")); err != nil {
			return err
		}
	}
	return nil
}

// stripWireLine removes wireLine from file.
func stripWireLine(file string) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	out := bytes.Replace(src, []byte(wireLine), nil, 1)
	if bytes.Equal(out, src) {
		return nil
	}
	return os.WriteFile(file, out, 0o644)
}
