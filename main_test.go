package main

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/aquila-go/aquila/cli"
	"github.com/aquila-go/aquila/internal/catalog"
	"github.com/aquila-go/aquila/model"
	"github.com/aquila-go/aquila/postgres/pgtest"
)

var pg = pgtest.New()

func TestMain(m *testing.M) { os.Exit(pg.Run(m)) }

// testRegistry is the reference catalog's registry, as main builds it.
func testRegistry(t testing.TB) *model.Registry {
	t.Helper()
	reg, err := model.NewRegistry(catalog.Tables()...)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// aquila runs a command of the reference service in-process and returns
// its exit code and output.
func aquila(t testing.TB, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), service(testRegistry(t)), args, &out, &errb)
	return code, out.String(), errb.String()
}
