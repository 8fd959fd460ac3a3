package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// wireLine is the go:generate line wire writes into every wire_gen.go. It
// would run a second, unpinned wire through the service's own go.mod
// (adding wire's dependencies to it), so the wire step removes it.
const wireLine = "//go:generate go run -mod=mod github.com/google/wire/cmd/wire\n"

// runWire runs wire gen, pinned in a tools module, on the packages, then
// rewrites the wire_gen.go files it wrote: without wireLine, and with
// their imports grouped (see groupImports).
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
	module := modulePath("go.mod")
	for _, p := range pkgs {
		if err := rewriteWireGen(filepath.Join(p, "wire_gen.go"), module); err != nil {
			return err
		}
	}
	return nil
}

// rewriteWireGen removes wireLine from file and groups its imports.
func rewriteWireGen(file, module string) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	out, err := groupImports(bytes.Replace(src, []byte(wireLine), nil, 1), module)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if bytes.Equal(out, src) {
		return nil
	}
	return os.WriteFile(file, out, 0o644)
}

// groupImports splits the first import block of src into the groups
// goimports -local writes: the standard library, other modules, then
// module's own packages. wire writes one block sorted by path, so where a
// service's own imports land depends on its module path: renaming the
// module (as gonew does, rewriting import paths in place) would leave a
// wire_gen.go that the next go generate rewrites. Grouped, the file
// regenerates byte for byte under any module path.
func groupImports(src []byte, module string) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ImportsOnly|parser.ParseComments)
	if err != nil {
		return nil, err
	}
	if len(f.Decls) == 0 || len(f.Imports) == 0 {
		return src, nil
	}
	decl := f.Decls[0]
	var groups [3][]string
	for _, spec := range f.Imports {
		if spec.Pos() > decl.End() {
			break // only the first block
		}
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			return nil, err
		}
		line := spec.Path.Value
		if spec.Name != nil {
			line = spec.Name.Name + " " + line
		}
		g := 1
		switch {
		case module != "" && (path == module || strings.HasPrefix(path, module+"/")):
			g = 2
		case !strings.Contains(strings.SplitN(path, "/", 2)[0], "."):
			g = 0
		}
		groups[g] = append(groups[g], "\t"+line+"\n")
	}
	var b bytes.Buffer
	b.Write(src[:fset.Position(decl.Pos()).Offset])
	b.WriteString("import (\n")
	first := true
	for _, g := range groups {
		if len(g) == 0 {
			continue
		}
		if !first {
			b.WriteString("\n")
		}
		first = false
		b.WriteString(strings.Join(g, ""))
	}
	b.WriteString(")")
	b.Write(src[fset.Position(decl.End()).Offset:])
	return format.Source(b.Bytes())
}

// modulePath reads the module path from a go.mod file; "" when there is
// none (the imports are then grouped in two).
func modulePath(gomod string) string {
	data, err := os.ReadFile(gomod)
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(data)) {
		fields := strings.Fields(line)
		if len(fields) >= 2 && fields[0] == "module" {
			if p, err := strconv.Unquote(fields[1]); err == nil {
				return p
			}
			return fields[1]
		}
	}
	return ""
}
