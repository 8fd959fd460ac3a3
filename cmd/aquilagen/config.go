package main

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"
)

// configNames are the file names sqlc looks for, in its order.
var configNames = []string{"sqlc.yaml", "sqlc.yml", "sqlc.json"}

// errNoConfig is returned when no sqlc configuration file is found.
var errNoConfig = errors.New("no sqlc.yaml, sqlc.yml or sqlc.json (use -f)")

// sqlcConfig is the part of sqlc's version 2 configuration the generator
// reads. Unknown keys are ignored: sqlc validates the file itself.
type sqlcConfig struct {
	Version   string `yaml:"version"`
	Overrides struct {
		Go struct {
			Rename map[string]string `yaml:"rename"`
		} `yaml:"go"`
	} `yaml:"overrides"`
	SQL []struct {
		Engine string `yaml:"engine"`
		Gen    struct {
			Go *goGen `yaml:"go"`
		} `yaml:"gen"`
	} `yaml:"sql"`
}

// goGen is one sqlc gen.go block.
type goGen struct {
	Package                     string            `yaml:"package"`
	Out                         string            `yaml:"out"`
	SQLPackage                  string            `yaml:"sql_package"`
	EmitInterface               bool              `yaml:"emit_interface"`
	EmitExportedQueries         bool              `yaml:"emit_exported_queries"`
	EmitExactTableNames         bool              `yaml:"emit_exact_table_names"`
	EmitMethodsWithDBArgument   bool              `yaml:"emit_methods_with_db_argument"`
	InflectionExcludeTableNames []string          `yaml:"inflection_exclude_table_names"`
	Initialisms                 *[]string         `yaml:"initialisms"`
	Rename                      map[string]string `yaml:"rename"`
	OutputFilesSuffix           string            `yaml:"output_files_suffix"`
}

// output is one sqlc Go package the generator writes into.
type output struct {
	dir    string // the package directory
	naming naming // how sqlc named its row types and fields
}

// findConfig returns name if it is set, or the first of configNames that
// exists in the current directory.
func findConfig(name string) (string, error) {
	if name != "" {
		return name, nil
	}
	for _, n := range configNames {
		if _, err := os.Stat(n); err == nil {
			return n, nil
		}
	}
	return "", errNoConfig
}

// readConfig reads the sqlc configuration file and returns its Go
// outputs, with directories relative to the current directory.
func readConfig(file string) ([]output, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var c sqlcConfig
	if err := yaml.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if c.Version != "2" {
		return nil, fmt.Errorf("%s: version %q: aquilagen reads sqlc's version 2 configuration", file, c.Version)
	}
	var outs []output
	for i, s := range c.SQL {
		g := s.Gen.Go
		if g == nil {
			continue
		}
		where := fmt.Sprintf("%s: sql[%d] (gen.go.out %q)", file, i, g.Out)
		switch {
		case s.Engine != "postgresql":
			return nil, fmt.Errorf("%s: engine %q: aquilagen needs postgresql", where, s.Engine)
		case g.SQLPackage != "pgx/v5":
			return nil, fmt.Errorf("%s: sql_package %q: aquilagen needs pgx/v5", where, g.SQLPackage)
		case !g.EmitInterface || !g.EmitExportedQueries:
			return nil, fmt.Errorf("%s: aquilagen needs emit_interface and emit_exported_queries", where)
		case g.EmitMethodsWithDBArgument:
			return nil, fmt.Errorf("%s: aquilagen does not support emit_methods_with_db_argument", where)
		case g.OutputFilesSuffix != "":
			return nil, fmt.Errorf("%s: aquilagen does not support output_files_suffix", where)
		}
		n := naming{
			exactTableNames: g.EmitExactTableNames,
			exclude:         g.InflectionExcludeTableNames,
			rename:          map[string]string{},
			initialisms:     map[string]bool{"id": true},
		}
		maps.Copy(n.rename, g.Rename)
		maps.Copy(n.rename, c.Overrides.Go.Rename) // sqlc lets the global rename win
		if g.Initialisms != nil {
			n.initialisms = map[string]bool{}
			for _, s := range *g.Initialisms {
				n.initialisms[s] = true
			}
		}
		outs = append(outs, output{dir: filepath.Join(filepath.Dir(file), g.Out), naming: n})
	}
	if len(outs) == 0 {
		return nil, fmt.Errorf("%s: no sql block with gen.go", file)
	}
	return outs, nil
}
