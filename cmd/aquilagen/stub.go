package main

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/jinzhu/inflection"
)

const modelImport = "github.com/aquila-go/aquila/model"

// stubBindings returns a stand-in for the bindings file of the package in
// dir, for compiling the describe program, which imports the package
// holding the tables and often, through it, this one. Every function of
// the stand-in panics, so it compiles whatever sqlc just did to the row
// types. It declares
//
//   - what the old bindings file declared, except what names a type the
//     package no longer has, so that code calling the generated functions
//     (a catalog building its bindings) still compiles when the old file
//     does not;
//   - and, for every struct type S of the package, what aquilagen would
//     generate if S were the row type of a table named after S's plural
//     (Bind<Ss>, <S>Fields, Bindings.<Ss>), so that code written for a
//     table that has no bindings yet (the first run, a new table) compiles
//     too.
func stubBindings(dir string) ([]byte, error) {
	declared := map[string]bool{}
	pkgName := ""
	err := eachFile(dir, []string{bindingsFile}, func(af *ast.File) {
		pkgName = af.Name.Name
		maps.Copy(declared, topLevelNames(af))
	})
	if err != nil {
		return nil, err
	}
	if pkgName == "" {
		return nil, fmt.Errorf("%s: no Go files", dir)
	}
	structs, err := structTypes(dir)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	stub, err := parser.ParseFile(fset, "stub.go", synthesizedStub(pkgName, structs, declared), parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("stub: %w", err)
	}
	old, err := oldStub(fset, dir, declared)
	if err != nil {
		return nil, err
	}
	if old != nil {
		stub = mergeStubs(old, stub)
	}
	pruneImports(stub)
	var b bytes.Buffer
	if err := format.Node(&b, fset, stub); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// synthesizedStub declares, with panicking bodies, what aquilagen would
// generate for every struct type named in structs, leaving out names the
// package already declares.
func synthesizedStub(pkg string, structs []string, declared map[string]bool) []byte {
	declared = maps.Clone(declared)
	var b bytes.Buffer
	fmt.Fprintf(&b, "package %s\n\nimport model %q\n\n", pkg, modelImport)
	const body = `{ panic("aquilagen: bindings stub") }`
	free := func(name string) bool { return !declared[name] }
	if free("Bindings") {
		b.WriteString("type Bindings struct {\n")
		fields := map[string]bool{}
		for _, s := range structs {
			if p := inflection.Plural(s); !fields[p] {
				fields[p] = true
				fmt.Fprintf(&b, "\t%s *model.Binding[%s]\n", p, s)
			}
		}
		b.WriteString("}\n\n")
		if free("NewBindings") {
			fmt.Fprintf(&b, "func NewBindings(*model.Registry) (*Bindings, error) %s\n\n", body)
		}
	}
	for _, s := range structs {
		if name := "Bind" + inflection.Plural(s); free(name) {
			declared[name] = true // once, if two structs share a plural
			fmt.Fprintf(&b, "func %s(*model.Registry, ...string) (*model.Binding[%s], error) %s\n\n", name, s, body)
		}
		if name := s + "Fields"; free(name) {
			fmt.Fprintf(&b, "func %s() []model.Field[%s] %s\n\n", name, s, body)
		}
	}
	return b.Bytes()
}

// oldStub parses the old bindings file of dir, if there is one, and keeps
// its types and function signatures (with panicking bodies) that name only
// types the package still declares. It returns nil when there is no old
// file, or no Go in it.
func oldStub(fset *token.FileSet, dir string, declared map[string]bool) (*ast.File, error) {
	src, err := os.ReadFile(filepath.Join(dir, bindingsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	f, err := parser.ParseFile(fset, bindingsFile, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, nil // not Go any more: the synthesized stub stands in
	}
	known := maps.Clone(declared)
	for name := range topLevelNames(f) {
		if !declared[name] { // the file's own types, except what clashes with the package
			known[name] = true
		}
	}
	missing := func(n ast.Node) bool { return mentionsMissing(n, known) }
	var decls []ast.Decl
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv != nil || declared[d.Name.Name] || missing(d.Type) {
				continue
			}
			d.Body = panicBody()
			d.Doc = nil
			decls = append(decls, d)
		case *ast.GenDecl:
			switch d.Tok {
			case token.IMPORT:
				decls = append(decls, d)
			case token.TYPE:
				var specs []ast.Spec
				for _, s := range d.Specs {
					ts := s.(*ast.TypeSpec)
					if declared[ts.Name.Name] {
						continue
					}
					if st, ok := ts.Type.(*ast.StructType); ok {
						st.Fields.List = slices.DeleteFunc(st.Fields.List, func(fl *ast.Field) bool { return missing(fl.Type) })
					}
					specs = append(specs, s)
				}
				if len(specs) > 0 {
					d.Specs, d.Doc = specs, nil
					decls = append(decls, d)
				}
			}
		}
	}
	f.Decls, f.Comments, f.Doc = decls, nil, nil
	return f, nil
}

func panicBody() *ast.BlockStmt {
	return &ast.BlockStmt{List: []ast.Stmt{&ast.ExprStmt{X: &ast.CallExpr{
		Fun:  ast.NewIdent("panic"),
		Args: []ast.Expr{&ast.BasicLit{Kind: token.STRING, Value: strconv.Quote("aquilagen: bindings stub")}},
	}}}}
}

// mergeStubs adds to old what the synthesized stub declares and old does
// not: functions, types, and fields of the Bindings struct.
func mergeStubs(old, synth *ast.File) *ast.File {
	have := topLevelNames(old)
	oldBindings := bindingsStruct(old)
	for _, d := range synth.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if !have[d.Name.Name] {
				old.Decls = append(old.Decls, d)
			}
		case *ast.GenDecl:
			switch {
			case d.Tok == token.IMPORT:
				old.Decls = append([]ast.Decl{d}, old.Decls...)
			case d.Tok == token.TYPE && oldBindings != nil && bindingsStruct(synth) != nil:
				fields := map[string]bool{}
				for _, f := range oldBindings.Fields.List {
					for _, n := range f.Names {
						fields[n.Name] = true
					}
				}
				for _, f := range bindingsStruct(synth).Fields.List {
					if !fields[f.Names[0].Name] {
						oldBindings.Fields.List = append(oldBindings.Fields.List, f)
					}
				}
			case d.Tok == token.TYPE:
				old.Decls = append(old.Decls, d)
			}
		}
	}
	return old
}

// bindingsStruct returns the Bindings struct type declared in f, or nil.
func bindingsStruct(f *ast.File) *ast.StructType {
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
			for _, s := range gd.Specs {
				if ts := s.(*ast.TypeSpec); ts.Name.Name == "Bindings" {
					st, _ := ts.Type.(*ast.StructType)
					return st
				}
			}
		}
	}
	return nil
}

// pruneImports drops the imports f does not use (duplicates included).
func pruneImports(f *ast.File) {
	used := usedPackages(f)
	seen := map[string]bool{}
	f.Decls = slices.DeleteFunc(f.Decls, func(d ast.Decl) bool {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			return false
		}
		gd.Specs = slices.DeleteFunc(gd.Specs, func(s ast.Spec) bool {
			name := importName(s.(*ast.ImportSpec))
			drop := !used[name] || seen[name]
			seen[name] = true
			return drop
		})
		return len(gd.Specs) == 0
	})
}

// topLevelNames returns the names f declares at package level (methods
// excluded).
func topLevelNames(f *ast.File) map[string]bool {
	names := map[string]bool{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				names[d.Name.Name] = true
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					names[s.Name.Name] = true
				case *ast.ValueSpec:
					for _, n := range s.Names {
						names[n.Name] = true
					}
				}
			}
		}
	}
	return names
}

// eachFile parses every Go file of dir except the skipped files and tests.
func eachFile(dir string, skip []string, fn func(*ast.File)) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
	for _, f := range files {
		base := filepath.Base(f)
		if strings.HasSuffix(base, "_test.go") || slices.Contains(skip, base) {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		fn(af)
	}
	return nil
}

// mentionsMissing reports whether n names an exported identifier of this
// package (not a selector's) that is not in known.
func mentionsMissing(n ast.Node, known map[string]bool) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			return false // pkg.Name: another package's
		case *ast.Ident:
			if r := []rune(n.Name); len(r) > 0 && unicode.IsUpper(r[0]) && !known[n.Name] {
				found = true
			}
		}
		return !found
	})
	return found
}

// usedPackages returns the package names f's selectors start with.
func usedPackages(f *ast.File) map[string]bool {
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	})
	return used
}

// importName is the name an import spec binds: its explicit name or the
// last element of its path (enough for the imports aquilagen writes, whose
// last elements are their names).
func importName(s *ast.ImportSpec) string {
	if s.Name != nil {
		return s.Name.Name
	}
	p, _ := strconv.Unquote(s.Path.Value)
	return p[strings.LastIndexByte(p, '/')+1:]
}
