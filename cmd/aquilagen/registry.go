package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"
)

// describeOutput is what the describe program prints: the registry's
// tables and the fields of the candidate row types.
type describeOutput struct {
	Tables []tableDesc `json:"tables"`
	// Rows maps "<output index>.<type name>" to the type's fields.
	Rows map[string][]fieldDesc `json:"rows"`
}

type tableDesc struct {
	Name    string       `json:"name"`
	Columns []columnDesc `json:"columns"`
}

type columnDesc struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// fieldDesc is a field of a row type: its Go name, its kind (the Go type
// a model field constructor takes, e.g. "pgtype.Text", "*[16]byte",
// "[]string", or "unsupported <type>") and whether its type is a defined
// type that must be converted to the kind.
type fieldDesc struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Type    string `json:"type"`
	Convert bool   `json:"convert"`
	// A slice of a defined type (uuid.UUID, json.RawMessage) is written
	// as it is: ElemPath and ElemType are the element's package and
	// qualified name, for the generated file's import and signature.
	ElemPath string `json:"elem_path,omitempty"`
	ElemType string `json:"elem_type,omitempty"`
	// A struct {V; Valid bool} (uuid.NullUUID, sql.NullString) is bound
	// as a pointer to V, nil when not Valid: Value is V's name, Kind the
	// pointer's, Convert applies to V.
	Value string `json:"value,omitempty"`
}

// rowPackage is a package whose row types the describe program reflects.
type rowPackage struct {
	ImportPath string
	Dir        string
	Types      []string
}

// goList returns the import paths of the packages (directories or import
// paths) as the go command in dir resolves them.
func goList(dir string, pkgs ...string) ([]string, error) {
	cmd := exec.Command("go", append([]string{"list", "-e", "-f", "{{.ImportPath}}"}, pkgs...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list %s: %w\n%s", strings.Join(pkgs, " "), err, stderr.Bytes())
	}
	paths := strings.Fields(string(out))
	if len(paths) != len(pkgs) {
		return nil, fmt.Errorf("go list %s: %d packages, want %d", strings.Join(pkgs, " "), len(paths), len(pkgs))
	}
	return paths, nil
}

// moduleRoot returns the directory of the main module's go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside a Go module (go env GOMOD is empty)")
	}
	return filepath.Dir(gomod), nil
}

// splitFunc splits "./internal/catalog.Tables" or
// "example.com/shop/internal/catalog.Tables" into the package and the
// function name.
func splitFunc(s string) (pkg, fn string, err error) {
	slash := strings.LastIndexByte(s, '/')
	dot := strings.LastIndexByte(s, '.')
	if dot <= slash+1 || dot == len(s)-1 {
		return "", "", fmt.Errorf("-tables %q: want a package and a function, e.g. ./internal/catalog.Tables", s)
	}
	pkg, fn = s[:dot], s[dot+1:]
	if strings.HasPrefix(s, ".") && slash < 0 {
		pkg = "./" + pkg
	}
	return pkg, fn, nil
}

// describe builds and runs a program in the main module that calls the
// tables function, makes a registry of its tables and prints them with the
// fields of the row types in pkgs. The program is never written into the
// module: it lives in a temporary directory and reaches the module through
// go run -overlay, which also puts a stub in place of each package's
// bindings file (see stubBindings), so that neither a schema change that
// breaks the old generated code nor code written for bindings not yet
// generated stops the code that replaces it.
func describe(tablesFunc string, pkgs []rowPackage) (describeOutput, error) {
	var out describeOutput
	root, err := moduleRoot()
	if err != nil {
		return out, err
	}
	pkg, fn, err := splitFunc(tablesFunc)
	if err != nil {
		return out, err
	}
	cwd, err := os.Getwd()
	if err != nil {
		return out, err
	}
	paths, err := goList(cwd, pkg)
	if err != nil {
		return out, err
	}
	tmp, err := os.MkdirTemp("", "aquilagen-")
	if err != nil {
		return out, err
	}
	defer os.RemoveAll(tmp)

	var src bytes.Buffer
	if err := describeTemplate.Execute(&src, map[string]any{"Tables": paths[0], "Func": fn, "Pkgs": pkgs}); err != nil {
		return out, err
	}
	mainFile := filepath.Join(tmp, "main.go")
	if err := os.WriteFile(mainFile, src.Bytes(), 0o644); err != nil {
		return out, err
	}
	runDir := filepath.Join(root, "aquilagen_describe_"+strconv.Itoa(os.Getpid()))
	replace := map[string]string{filepath.Join(runDir, "main.go"): mainFile}
	for i, p := range pkgs {
		stub, err := stubBindings(p.Dir)
		if err != nil {
			return out, err
		}
		f := filepath.Join(tmp, "stub"+strconv.Itoa(i)+".go")
		if err := os.WriteFile(f, stub, 0o644); err != nil {
			return out, err
		}
		abs, err := filepath.Abs(filepath.Join(p.Dir, bindingsFile))
		if err != nil {
			return out, err
		}
		replace[abs] = f
	}
	overlay, err := json.Marshal(map[string]any{"Replace": replace})
	if err != nil {
		return out, err
	}
	overlayFile := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o644); err != nil {
		return out, err
	}
	cmd := exec.Command("go", "run", "-overlay="+overlayFile, "./"+filepath.Base(runDir))
	cmd.Dir = root
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return out, fmt.Errorf("reading the tables of %s: %w\n%s", tablesFunc, err, stderr.Bytes())
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		return out, fmt.Errorf("reading the tables of %s: %w", tablesFunc, err)
	}
	return out, nil
}

// describeTemplate is the describe program. It depends on the service's
// own version of model, through the exported API only.
var describeTemplate = template.Must(template.New("describe").Parse(`// Command describe prints a model registry and row types for aquilagen.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/aquila-go/aquila/model"

	tables {{printf "%q" .Tables}}
{{- range $i, $p := .Pkgs}}
	{{if $p.Types}}rows{{$i}}{{else}}_{{end}} {{printf "%q" $p.ImportPath}}
{{- end}}
)

type column struct {
	Name string ` + "`json:\"name\"`" + `
	Type string ` + "`json:\"type\"`" + `
}

type table struct {
	Name    string   ` + "`json:\"name\"`" + `
	Columns []column ` + "`json:\"columns\"`" + `
}

type field struct {
	Name     string ` + "`json:\"name\"`" + `
	Kind     string ` + "`json:\"kind\"`" + `
	Type     string ` + "`json:\"type\"`" + `
	Convert  bool   ` + "`json:\"convert\"`" + `
	ElemPath string ` + "`json:\"elem_path,omitempty\"`" + `
	ElemType string ` + "`json:\"elem_type,omitempty\"`" + `
	Value    string ` + "`json:\"value,omitempty\"`" + `
}

func main() {
	reg, err := registry(tables.{{.Func}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var out struct {
		Tables []table           ` + "`json:\"tables\"`" + `
		Rows   map[string][]field ` + "`json:\"rows\"`" + `
	}
	for _, t := range reg.Tables() {
		tt := table{Name: t.Name()}
		for _, c := range t.Columns() {
			tt.Columns = append(tt.Columns, column{Name: c, Type: string(t.Column(c).Type())})
		}
		out.Tables = append(out.Tables, tt)
	}
	out.Rows = map[string][]field{
{{- range $i, $p := .Pkgs}}{{range $p.Types}}
		"{{$i}}.{{.}}": fields(reflect.TypeFor[rows{{$i}}.{{.}}]()),
{{- end}}{{end}}
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// registry calls the tables function, whichever of the supported shapes
// it has.
func registry(fn any) (*model.Registry, error) {
	switch f := fn.(type) {
	case func() []*model.TableDef:
		return model.NewRegistry(f()...)
	case func() (*model.Registry, error):
		return f()
	case func() *model.Registry:
		return f(), nil
	}
	return nil, fmt.Errorf("{{.Tables}}.{{.Func}} is a %T; want func() []*model.TableDef or func() (*model.Registry, error)", fn)
}

func fields(t reflect.Type) []field {
	var fs []field
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		fd := field{Name: f.Name, Kind: kind(f.Type, true), Type: f.Type.String(), Convert: defined(f.Type)}
		if t := f.Type; t.Kind() == reflect.Slice && !defined(t) && defined(t.Elem()) {
			if k := underlying(t.Elem()); k != "" {
				fd.Kind, fd.ElemPath, fd.ElemType = "[]"+k, t.Elem().PkgPath(), t.Elem().String()
			}
		}
		if v, ok := nullValue(f.Type); ok {
			fd.Kind, fd.Value, fd.Convert = "*"+kind(v.Type, true), v.Name, defined(v.Type)
		}
		fs = append(fs, fd)
	}
	return fs
}

// nullValue returns V of a struct {V; Valid bool} whose V binds as a
// value, such as uuid.NullUUID or sql.NullString.
func nullValue(t reflect.Type) (reflect.StructField, bool) {
	if t.Kind() != reflect.Struct || t == timeType || t.PkgPath() == pgtypePath || t.NumField() != 2 {
		return reflect.StructField{}, false
	}
	v, valid := t.Field(0), t.Field(1)
	if !v.IsExported() || valid.Name != "Valid" || valid.Type.Kind() != reflect.Bool {
		return reflect.StructField{}, false
	}
	switch k := kind(v.Type, true); {
	case strings.HasPrefix(k, "unsupported"), strings.HasPrefix(k, "*"), strings.HasPrefix(k, "[]"):
		return reflect.StructField{}, false
	}
	return v, true
}

// underlying is the kind of a defined type that slices of it can be bound
// as: string, []byte or [16]byte, or "".
func underlying(t reflect.Type) string {
	switch {
	case t.Kind() == reflect.String:
		return "string"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 && !defined(t.Elem()):
		return "[]byte"
	case t.Kind() == reflect.Array && t.Len() == 16 && t.Elem().Kind() == reflect.Uint8:
		return "[16]byte"
	}
	return ""
}

var timeType = reflect.TypeFor[time.Time]()

const pgtypePath = "github.com/jackc/pgx/v5/pgtype"

// defined reports whether t (or, for a pointer, its element) is a defined
// type that converts to its kind, such as uuid.UUID to [16]byte.
func defined(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name() != "" && t.PkgPath() != "" && t != timeType && t.PkgPath() != pgtypePath
}

// kind is the Go type of the model field constructor for t.
func kind(t reflect.Type, top bool) string {
	switch {
	case t == timeType:
		return "time.Time"
	case t.PkgPath() == pgtypePath:
		return "pgtype." + t.Name()
	case !top && defined(t):
		return "unsupported " + t.String()
	}
	switch t.Kind() {
	case reflect.Pointer:
		return "*" + kind(t.Elem(), top)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && !defined(t.Elem()) {
			return "[]byte"
		}
		return "[]" + kind(t.Elem(), false)
	case reflect.Array:
		if t.Len() == 16 && t.Elem().Kind() == reflect.Uint8 {
			return "[16]byte"
		}
	case reflect.String, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Float32, reflect.Float64, reflect.Bool:
		return t.Kind().String()
	}
	return "unsupported " + t.String()
}
`))
