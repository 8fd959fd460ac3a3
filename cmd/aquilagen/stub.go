package main

import (
	"bytes"
	"errors"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// stubBindings returns a stand-in for the bindings file of the package in
// dir, for compiling the describe program: the old file's declarations
// with every function body replaced by a panic and every declaration that
// names a type the package no longer has dropped. Code that calls the
// generated functions (a catalog building its bindings) still compiles,
// while bodies written for the old row types, which may no longer compile
// after sqlc regenerated them, are gone. ok is false when there is no old
// file.
func stubBindings(dir string) (stub []byte, ok bool, err error) {
	path := filepath.Join(dir, bindingsFile)
	src, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	types, err := packageTypes(dir, bindingsFile)
	if err != nil {
		return nil, false, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if err != nil {
		// Not Go any more: compile without it.
		return []byte("package " + packageClause(src) + "\n"), true, nil
	}
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
			for _, s := range gd.Specs {
				types[s.(*ast.TypeSpec).Name.Name] = true
			}
		}
	}
	missing := func(n ast.Node) bool { return mentionsMissing(n, types) }
	var decls []ast.Decl
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if missing(d.Type) || (d.Recv != nil && missing(d.Recv)) {
				continue
			}
			d.Body = &ast.BlockStmt{List: []ast.Stmt{&ast.ExprStmt{X: &ast.CallExpr{
				Fun:  ast.NewIdent("panic"),
				Args: []ast.Expr{&ast.BasicLit{Kind: token.STRING, Value: strconv.Quote("aquilagen: stale bindings stub")}},
			}}}}
			d.Doc = nil
			decls = append(decls, d)
		case *ast.GenDecl:
			switch d.Tok {
			case token.TYPE:
				for _, s := range d.Specs {
					if st, ok := s.(*ast.TypeSpec).Type.(*ast.StructType); ok {
						kept := st.Fields.List[:0]
						for _, fl := range st.Fields.List {
							if !missing(fl.Type) {
								kept = append(kept, fl)
							}
						}
						st.Fields.List = kept
					}
				}
				d.Doc = nil
				decls = append(decls, d)
			case token.IMPORT:
				decls = append(decls, d)
			}
		}
	}
	f.Decls = decls
	f.Comments = nil
	f.Doc = nil
	used := usedPackages(f)
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			kept := gd.Specs[:0]
			for _, s := range gd.Specs {
				if used[importName(s.(*ast.ImportSpec))] {
					kept = append(kept, s)
				}
			}
			gd.Specs = kept
		}
	}
	var b bytes.Buffer
	if err := format.Node(&b, fset, f); err != nil {
		return nil, false, err
	}
	return b.Bytes(), true, nil
}

// packageClause returns the package name of a Go source, or "main".
func packageClause(src []byte) string {
	for line := range strings.Lines(string(src)) {
		if name, ok := strings.CutPrefix(strings.TrimSpace(line), "package "); ok {
			return strings.TrimSpace(name)
		}
	}
	return "main"
}

// packageTypes returns the names of the types declared in the package in
// dir, except in the skipped files and tests.
func packageTypes(dir string, skip ...string) (map[string]bool, error) {
	names := map[string]bool{}
	err := eachFile(dir, skip, func(af *ast.File) {
		for _, d := range af.Decls {
			if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
				for _, s := range gd.Specs {
					names[s.(*ast.TypeSpec).Name.Name] = true
				}
			}
		}
	})
	return names, err
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
// package (not a selector's) that is not in types.
func mentionsMissing(n ast.Node, types map[string]bool) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			return false // pkg.Name: another package's
		case *ast.Ident:
			if r := []rune(n.Name); len(r) > 0 && unicode.IsUpper(r[0]) && !types[n.Name] {
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
// last element of its path (pgx/v5 → pgx is not guessed: only aquilagen's
// own imports are seen here, whose last elements are their names).
func importName(s *ast.ImportSpec) string {
	if s.Name != nil {
		return s.Name.Name
	}
	p, _ := strconv.Unquote(s.Path.Value)
	return p[strings.LastIndexByte(p, '/')+1:]
}
