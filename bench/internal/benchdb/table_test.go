package benchdb_test

import (
	"os"
	"strings"
	"testing"

	"github.com/aquila-go/aquila/bench/internal/benchdb"
	"github.com/aquila-go/aquila/model"
)

// TestSchemaMatchesMetadata keeps the schema sqlc compiles against identical
// to the DDL the benchmarks create from the metadata.
func TestSchemaMatchesMetadata(t *testing.T) {
	reg, err := benchdb.Registry()
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("schema/00001_models.sql")
	if err != nil {
		t.Fatal(err)
	}
	var body []string
	for _, line := range strings.SplitAfter(string(src), "\n") {
		if !strings.HasPrefix(line, "--") {
			body = append(body, line)
		}
	}
	got, want := strings.Join(body, ""), model.Script(reg.CreateStatements())
	if got != want {
		t.Errorf("schema/00001_models.sql differs from the metadata's DDL:\n got: %s\nwant: %s", got, want)
	}
	if _, err := benchdb.BindModels(reg); err != nil {
		t.Fatal(err)
	}
}
