package main

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/aquila-go/aquila/internal/sqltext"
)

// errNoQuerier is returned when the package has no Querier interface.
var errNoQuerier = errors.New("no Querier interface (is emit_interface on?)")

// pkg is what render needs from the sqlc package.
type pkg struct {
	name       string
	statements []string // names of every query constant, sorted
	imports    []string // import specs of the file declaring Querier, as written
	methods    []method // in Querier order
}

// method is one Querier method and its route.
type method struct {
	name    string
	params  []param
	results string // "(Author, error)", "*XBatchResults"
	route   route
}

// param is one parameter; variadic types are written "...T".
type param struct {
	name, typ string
	variadic  bool
}

// load parses the Go files of dir except skip and tests, and pairs every
// Querier method with its query constant.
func load(dir string, skip ...string) (pkg, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return pkg{}, err
	}
	fset := token.NewFileSet()
	queries := map[string]string{}
	copies := map[string]bool{} // Queries methods that call CopyFrom
	var p pkg
	var querier *ast.InterfaceType
	for _, f := range files {
		if slices.Contains(skip, filepath.Base(f)) || strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
		if err != nil {
			return pkg{}, err
		}
		p.name = af.Name.Name
		collectQueries(af, queries)
		collectCopies(af, copies)
		if it := findQuerier(af); it != nil {
			querier = it
			for _, imp := range af.Imports {
				p.imports = append(p.imports, nodeString(fset, imp))
			}
		}
	}
	if querier == nil {
		return pkg{}, fmt.Errorf("%s: %w", dir, errNoQuerier)
	}
	p.statements = slices.Sorted(maps.Keys(queries))
	for _, field := range querier.Methods.List {
		ft, ok := field.Type.(*ast.FuncType)
		if !ok || len(field.Names) != 1 {
			return pkg{}, fmt.Errorf("Querier: unexpected member %s", nodeString(fset, field))
		}
		name := field.Names[0].Name
		m := method{name: name}
		text, ok := queries[name]
		switch {
		case ok:
			cmd, sql, err := splitQuery(text)
			if err != nil {
				return pkg{}, fmt.Errorf("query %s: %w", name, err)
			}
			m.route = routeOf(cmd, sql, field.Doc.Text())
		case copies[name]:
			// sqlc emits no constant for :copyfrom, only the CopyFrom call.
			m.route = route{reason: ":copyfrom"}
		default:
			return pkg{}, fmt.Errorf("Querier.%s: no query constant %s (is emit_exported_queries on?)", name, name)
		}
		m.params = params(fset, ft)
		m.results = results(fset, ft)
		p.methods = append(p.methods, m)
	}
	return p, nil
}

// collectQueries adds every exported string constant starting with
// "-- name: " to queries.
func collectQueries(af *ast.File, queries map[string]string) {
	for _, d := range af.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if !n.IsExported() || i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				s, err := strconv.Unquote(lit.Value)
				if err == nil && strings.HasPrefix(s, "-- name: ") {
					queries[n.Name] = s
				}
			}
		}
	}
}

// collectCopies marks the methods of Queries in af that call CopyFrom:
// sqlc's :copyfrom methods, which have no query constant.
func collectCopies(af *ast.File, copies map[string]bool) {
	for _, d := range af.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || fd.Body == nil {
			continue
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "CopyFrom" {
				copies[fd.Name.Name] = true
			}
			return true
		})
	}
}

// findQuerier returns the Querier interface declared in af, if any.
func findQuerier(af *ast.File) *ast.InterfaceType {
	for _, d := range af.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, spec := range gd.Specs {
			ts := spec.(*ast.TypeSpec)
			if it, ok := ts.Type.(*ast.InterfaceType); ok && ts.Name.Name == "Querier" {
				return it
			}
		}
	}
	return nil
}

// splitQuery splits sqlc's "-- name: X :cmd\nSQL" into the command and the
// SQL.
func splitQuery(text string) (cmd, sql string, err error) {
	first, sql, _ := strings.Cut(text, "\n")
	_, cmd, ok := sqltext.Header(first)
	if !ok {
		return "", "", fmt.Errorf("first line %q is not \"-- name: X :cmd\"", first)
	}
	return cmd, sql, nil
}

// params returns ft's parameters, naming unnamed ones p0, p1, ….
func params(fset *token.FileSet, ft *ast.FuncType) []param {
	var ps []param
	for _, f := range ft.Params.List {
		typ := f.Type
		variadic := false
		if el, ok := typ.(*ast.Ellipsis); ok {
			typ, variadic = el.Elt, true
		}
		t := nodeString(fset, typ)
		if len(f.Names) == 0 {
			ps = append(ps, param{name: "p" + strconv.Itoa(len(ps)), typ: t, variadic: variadic})
			continue
		}
		for _, n := range f.Names {
			ps = append(ps, param{name: n.Name, typ: t, variadic: variadic})
		}
	}
	return ps
}

// results returns ft's result list as written in a signature.
func results(fset *token.FileSet, ft *ast.FuncType) string {
	if ft.Results == nil || len(ft.Results.List) == 0 {
		return ""
	}
	var types []string
	for _, f := range ft.Results.List {
		t := nodeString(fset, f.Type)
		for range max(len(f.Names), 1) {
			types = append(types, t)
		}
	}
	if len(types) == 1 {
		return types[0]
	}
	return "(" + strings.Join(types, ", ") + ")"
}

func nodeString(fset *token.FileSet, n ast.Node) string {
	var b bytes.Buffer
	if err := printer.Fprint(&b, fset, n); err != nil {
		return fmt.Sprintf("<%v>", err)
	}
	return b.String()
}
