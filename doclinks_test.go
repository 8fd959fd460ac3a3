package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestDocReferencesExist checks that every pkg.Name a comment of this
// module mentions, where pkg is one of its public packages (not main, not
// internal, not the benchmarks), names an identifier that package exports:
// a renamed or removed API must not live on in the docs.
func TestDocReferencesExist(t *testing.T) {
	exported := map[string]map[string]bool{} // package name → exported identifiers
	type comment struct {
		pos  token.Position
		text string
	}
	var comments []comment
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != "." && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil && path != "." {
				return filepath.SkipDir // another module
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		if ast.IsGenerated(f) {
			return nil
		}
		for _, g := range f.Comments {
			comments = append(comments, comment{fset.Position(g.Pos()), g.Text()})
		}
		pkg := f.Name.Name
		dir := filepath.ToSlash(filepath.Dir(path))
		if strings.HasSuffix(path, "_test.go") || pkg == "main" || dir == "bench" ||
			strings.HasPrefix(dir, "bench/") || strings.Contains("/"+dir+"/", "/internal/") {
			return nil
		}
		names := exported[pkg]
		if names == nil {
			names = map[string]bool{}
			exported[pkg] = names
		}
		for name := range exportedNames(f) {
			names[name] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ref := regexp.MustCompile(`(^|[^\w./-])([a-z][a-z0-9]*)\.([A-Z]\w*)`)
	var bad []string
	for _, c := range comments {
		for _, m := range ref.FindAllStringSubmatchIndex(c.text, -1) {
			pkg, name := c.text[m[4]:m[5]], c.text[m[6]:m[7]]
			if names, ok := exported[pkg]; ok && !names[name] {
				line := c.pos.Line + strings.Count(c.text[:m[4]], "\n")
				bad = append(bad, fmt.Sprintf("%s:%d: %s.%s", c.pos.Filename, line, pkg, name))
			}
		}
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Errorf("%s does not exist", b)
	}
}

// exportedNames are the exported package-level identifiers of f.
func exportedNames(f *ast.File) map[string]bool {
	names := map[string]bool{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.IsExported() {
				names[d.Name.Name] = true
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					names[s.Name.Name] = s.Name.IsExported()
				case *ast.ValueSpec:
					for _, n := range s.Names {
						names[n.Name] = n.IsExported()
					}
				}
			}
		}
	}
	return names
}
