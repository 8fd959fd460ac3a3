// Command wiregen runs wire (pinned in tools/go.mod) on a package and removes
// the `//go:generate go run -mod=mod github.com/google/wire/cmd/wire` line
// that wire writes into every wire_gen.go. That line would run a second,
// unpinned wire through the service's own go.mod (adding wire's tool
// dependencies to it); aquila runs wire once, from generate.go.
//
//	go run ./internal/wiregen .
package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "wiregen:", err)
		os.Exit(1)
	}
}

func run(pkgs []string) error {
	if len(pkgs) == 0 {
		pkgs = []string{"."}
	}
	args := append([]string{"tool", "-modfile=tools/go.mod", "wire", "gen"}, pkgs...)
	cmd := exec.Command("go", args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("wire gen: %w", err)
	}
	for _, p := range pkgs {
		if err := strip(filepath.Join(p, "wire_gen.go")); err != nil {
			return err
		}
	}
	return nil
}

// strip removes wire's go:generate line from file.
func strip(file string) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	line := []byte("//go:generate go run -mod=mod github.com/google/wire/cmd/wire\n")
	out := bytes.Replace(src, line, nil, 1)
	if bytes.Equal(out, src) {
		return nil
	}
	return os.WriteFile(file, out, 0o644)
}
