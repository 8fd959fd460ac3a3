package main

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// constructors maps a field kind (fieldDesc.Kind) to the model field
// constructor that takes it.
var constructors = map[string]string{
	"int16": "Int16", "int32": "Int32", "int64": "Int64", "float32": "Float32", "float64": "Float64",
	"bool": "Bool", "string": "String", "[]byte": "Bytes", "time.Time": "Time", "[16]byte": "UUIDBytes",

	"*int16": "Int16Ptr", "*int32": "Int32Ptr", "*int64": "Int64Ptr", "*float32": "Float32Ptr",
	"*float64": "Float64Ptr", "*bool": "BoolPtr", "*string": "StringPtr", "*time.Time": "TimePtr",
	"*[16]byte": "UUIDBytesPtr",

	"pgtype.Text": "PgText", "pgtype.Int2": "PgInt2", "pgtype.Int4": "PgInt4", "pgtype.Int8": "PgInt8",
	"pgtype.Float4": "PgFloat4", "pgtype.Float8": "PgFloat8", "pgtype.Bool": "PgBool", "pgtype.Date": "PgDate",
	"pgtype.Timestamp": "PgTimestamp", "pgtype.Timestamptz": "PgTimestamptz", "pgtype.UUID": "PgUUID",
	"pgtype.Numeric": "PgNumeric",

	"[]int16": "Int16Array", "[]int32": "Int32Array", "[]int64": "Int64Array", "[]float32": "Float32Array",
	"[]float64": "Float64Array", "[]bool": "BoolArray", "[]string": "StringArray", "[][]byte": "BytesArray",
	"[]time.Time": "TimeArray", "[][16]byte": "UUIDBytesArray",

	"[]pgtype.Text": "PgTextArray", "[]pgtype.Int2": "PgInt2Array", "[]pgtype.Int4": "PgInt4Array",
	"[]pgtype.Int8": "PgInt8Array", "[]pgtype.Float4": "PgFloat4Array", "[]pgtype.Float8": "PgFloat8Array",
	"[]pgtype.Bool": "PgBoolArray", "[]pgtype.Date": "PgDateArray", "[]pgtype.Timestamp": "PgTimestampArray",
	"[]pgtype.Timestamptz": "PgTimestamptzArray", "[]pgtype.UUID": "PgUUIDArray", "[]pgtype.Numeric": "PgNumericArray",
}

// binding is one table bound to a row type, as rendered.
type binding struct {
	table  string // table name
	name   string // Go name of the table, e.g. BookTags
	row    string // row type, e.g. BookTag
	fields []boundField
}

// boundField is one column and the field of the row type that holds it.
type boundField struct {
	column, field, kind, ctor string
	convert                   bool
	elemPath, elemType        string // a slice of a defined type, see fieldDesc
	value                     string // the value of a {V; Valid bool} struct, see fieldDesc
}

// generateBindings writes the bindings file of every output that has a row
// type for a table of the registry tablesFunc returns, and removes it from
// the others.
func generateBindings(outs []output, tablesFunc string) error {
	files, err := bindingsFiles(outs, tablesFunc)
	if err != nil {
		return err
	}
	for i, o := range outs {
		if files[i] != nil {
			if err := writeFile(o.dir, bindingsFile, files[i]); err != nil {
				return err
			}
			continue
		}
		if err := os.Remove(filepath.Join(o.dir, bindingsFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// bindingsFiles returns the bindings file of each output, nil for an
// output without a row type for any table.
func bindingsFiles(outs []output, tablesFunc string) ([][]byte, error) {
	pkgs := make([]rowPackage, len(outs))
	dirs := make([]string, len(outs))
	for i, o := range outs {
		dirs[i] = o.dir
		if !filepath.IsAbs(dirs[i]) {
			dirs[i] = "./" + filepath.ToSlash(dirs[i])
		}
	}
	paths, err := goList(".", dirs...)
	if err != nil {
		return nil, err
	}
	for i, o := range outs {
		types, err := structTypes(o.dir)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", o.dir, err)
		}
		pkgs[i] = rowPackage{ImportPath: paths[i], Dir: o.dir, Types: types}
	}
	desc, err := describe(tablesFunc, pkgs)
	if err != nil {
		return nil, err
	}
	files := make([][]byte, len(outs))
	for i, o := range outs {
		bs, skipped, err := bind(desc, i, o.naming)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", o.dir, err)
		}
		if len(bs) == 0 {
			continue
		}
		pkgName, err := packageName(o.dir)
		if err != nil {
			return nil, err
		}
		if err := checkNames(o.dir, bs); err != nil {
			return nil, err
		}
		if files[i], err = renderBindings(pkgName, bs, skipped); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// bind pairs every table of desc with its row type in output i, if it has
// one, and every column with its field. skipped lists the tables without a
// row type.
func bind(desc describeOutput, i int, n naming) (bs []binding, skipped []string, err error) {
	for _, t := range desc.Tables {
		row := n.rowType(t.Name)
		fields, ok := desc.Rows[strconv.Itoa(i)+"."+row]
		if !ok {
			skipped = append(skipped, t.Name)
			continue
		}
		b := binding{table: t.Name, name: n.structName(t.Name), row: row}
		used := map[string]bool{}
		for _, c := range t.Columns {
			name := n.structName(c.Name)
			k := slices.IndexFunc(fields, func(f fieldDesc) bool { return f.Name == name })
			if k < 0 {
				return nil, nil, fmt.Errorf("table %q column %q: row type %s has no field %s for this %s column (sqlc's schema and the model metadata disagree)",
					t.Name, c.Name, row, name, c.Type)
			}
			f := fields[k]
			ctor, ok := constructors[f.Kind]
			if !ok {
				return nil, nil, fmt.Errorf("table %q column %q: %s.%s is a %s, which no model field constructor takes (a %s column)",
					t.Name, c.Name, row, f.Name, f.Type, c.Type)
			}
			used[f.Name] = true
			b.fields = append(b.fields, boundField{column: c.Name, field: f.Name, kind: f.Kind, ctor: ctor, convert: f.Convert,
				elemPath: f.ElemPath, elemType: f.ElemType, value: f.Value})
		}
		for _, f := range fields {
			if !used[f.Name] {
				return nil, nil, fmt.Errorf("table %q: row type %s has a field %s (%s) for no column of the table (sqlc's schema and the model metadata disagree)",
					t.Name, row, f.Name, f.Type)
			}
		}
		bs = append(bs, b)
	}
	return bs, skipped, nil
}

// structTypes returns the exported struct types of the package in dir,
// which is where sqlc declares a table's row type.
func structTypes(dir string) ([]string, error) {
	var names []string
	err := eachFile(dir, []string{bindingsFile, routerFile, statementsFile}, func(af *ast.File) {
		for _, d := range af.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, s := range gd.Specs {
				ts := s.(*ast.TypeSpec)
				if _, ok := ts.Type.(*ast.StructType); ok && ts.Name.IsExported() && ts.TypeParams == nil {
					names = append(names, ts.Name.Name)
				}
			}
		}
	})
	slices.Sort(names)
	return names, err
}

// packageName returns the name of the package in dir.
func packageName(dir string) (string, error) {
	name := ""
	err := eachFile(dir, []string{bindingsFile}, func(af *ast.File) { name = af.Name.Name })
	if err == nil && name == "" {
		err = fmt.Errorf("%s: no Go files", dir)
	}
	return name, err
}

// checkNames reports a generated name that the package already declares.
func checkNames(dir string, bs []binding) error {
	declared := map[string]bool{}
	err := eachFile(dir, []string{bindingsFile}, func(af *ast.File) {
		maps.Copy(declared, topLevelNames(af))
	})
	if err != nil {
		return err
	}
	names := []string{"Bindings", "NewBindings"}
	for _, b := range bs {
		names = append(names, "Bind"+b.name, b.row+"Fields")
	}
	for _, n := range names {
		if declared[n] {
			return fmt.Errorf("%s: the package already declares %s, which aquilagen generates", dir, n)
		}
	}
	return nil
}

// goType is the type the field's getter returns.
func (f boundField) goType() string {
	if f.elemPath != "" {
		return "[]" + f.elemType
	}
	return f.kind
}

// getter is the body of the field's getter: the field, converted to the
// constructor's type when it is a type defined on it, and for a {V; Valid
// bool} struct a pointer to V or nil.
func (f boundField) getter() string {
	get := "r." + f.field
	if f.value != "" {
		get = "&" + get + "." + f.value
	}
	if f.convert {
		conv := f.kind
		if f.value == "" && !strings.HasPrefix(conv, "*") {
			get = conv + "(" + get + ")"
		} else {
			get = "(" + conv + ")(" + get + ")"
		}
	}
	if f.value != "" {
		return "if !r." + f.field + ".Valid {\n\t\treturn nil\n\t}\n\treturn " + get
	}
	return "return " + get
}

// writeImports writes the import declaration of imports (path → name):
// the standard library first, then the rest, sorted by path.
func writeImports(b *bytes.Buffer, imports map[string]string) error {
	names := map[string]string{}
	var std, other []string
	for path, name := range imports {
		if p, dup := names[name]; dup {
			return fmt.Errorf("two imports named %s: %s and %s", name, p, path)
		}
		names[name] = path
		if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") {
			other = append(other, path)
		} else {
			std = append(std, path)
		}
	}
	slices.Sort(std)
	slices.Sort(other)
	b.WriteString("import (\n")
	for i, group := range [][]string{std, other} {
		if i > 0 && len(std) > 0 && len(other) > 0 {
			b.WriteString("\n")
		}
		for _, path := range group {
			if name := imports[path]; name != path[strings.LastIndexByte(path, '/')+1:] {
				fmt.Fprintf(b, "\t%s %q\n", name, path)
			} else {
				fmt.Fprintf(b, "\t%q\n", path)
			}
		}
	}
	b.WriteString(")\n\n")
	return nil
}

// renderBindings writes the bindings file.
func renderBindings(pkg string, bs []binding, skipped []string) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by aquilagen. DO NOT EDIT.\n\npackage %s\n\n", pkg)
	imports := map[string]string{"github.com/aquila-go/aquila/model": "model"}
	for _, bd := range bs {
		for _, f := range bd.fields {
			switch {
			case f.elemPath != "":
				name, _, _ := strings.Cut(f.elemType, ".")
				imports[f.elemPath] = name
			case strings.Contains(f.kind, "time."):
				imports["time"] = "time"
			case strings.Contains(f.kind, "pgtype."):
				imports["github.com/jackc/pgx/v5/pgtype"] = "pgtype"
			}
		}
	}
	if err := writeImports(&b, imports); err != nil {
		return nil, err
	}

	b.WriteString("// Bindings binds the tables of a model registry to this package's row\n")
	b.WriteString("// types, for model.BulkCreate, BulkCreateSeq, BulkUpsert and BulkUpsertSeq.\n")
	b.WriteString("// Each binding encodes binary COPY straight from the row's fields: no\n")
	b.WriteString("// reflection and no allocation per row.\n")
	if len(skipped) > 0 {
		fmt.Fprintf(&b, "//\n// Tables of the registry without a row type here: %s.\n", strings.Join(skipped, ", "))
	}
	b.WriteString("type Bindings struct {\n")
	for _, bd := range bs {
		fmt.Fprintf(&b, "\t%s *model.Binding[%s] // %s\n", bd.name, bd.row, bd.table)
	}
	b.WriteString("}\n\n")

	b.WriteString("// NewBindings binds every table of Bindings to its row type (see the Bind\n")
	b.WriteString("// functions) and returns the first disagreement between a row type and\n")
	b.WriteString("// reg, as a *model.Error naming the table, the column and both types.\n")
	b.WriteString("func NewBindings(reg *model.Registry) (*Bindings, error) {\n\tvar b Bindings\n\tvar err error\n")
	for _, bd := range bs {
		fmt.Fprintf(&b, "\tif b.%s, err = Bind%s(reg); err != nil {\n\t\treturn nil, err\n\t}\n", bd.name, bd.name)
	}
	b.WriteString("\treturn &b, nil\n}\n")

	for _, bd := range bs {
		fmt.Fprintf(&b, "\n// Bind%s binds the table %q of reg to %s (model.BindRow with\n", bd.name, bd.table, bd.row)
		fmt.Fprintf(&b, "// %sFields): it writes columns, or, without any, every column the\n", bd.row)
		b.WriteString("// server does not fill in itself.\n")
		fmt.Fprintf(&b, "func Bind%s(reg *model.Registry, columns ...string) (*model.Binding[%s], error) {\n", bd.name, bd.row)
		fmt.Fprintf(&b, "\treturn model.BindRow(reg, %q, %sFields(), columns...)\n}\n", bd.table, bd.row)

		fmt.Fprintf(&b, "\n// %sFields returns a field for every column of %q, in table order.\n", bd.row, bd.table)
		fmt.Fprintf(&b, "func %sFields() []model.Field[%s] {\n\treturn []model.Field[%s]{\n", bd.row, bd.row, bd.row)
		for _, f := range bd.fields {
			fmt.Fprintf(&b, "\t\tmodel.%s(%q, func(r *%s) %s { %s }),\n", f.ctor, f.column, bd.row, f.goType(), f.getter())
		}
		b.WriteString("\t}\n}\n")
	}
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("format: %w\n%s", err, b.Bytes())
	}
	return src, nil
}
