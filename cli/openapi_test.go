package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aquila-go/aquila/openapi"
)

func TestOpenAPICommand(t *testing.T) {
	svc := fixture(t)
	if code, _, errb := run(svc, "openapi"); code != 1 || !strings.Contains(errb, "no OpenAPI document") {
		t.Fatalf("without Service.OpenAPI: exit %d %q", code, errb)
	}
	version := "1"
	svc.OpenAPI = func() (*openapi.Document, error) {
		return openapi.Build(openapi.Config{Info: openapi.Info{Title: "shop", Version: version}},
			openapi.Route{Pattern: "GET /customers/{id}", Replies: []openapi.Reply{openapi.NoContent("")}})
	}
	code, out, errb := run(svc, "openapi")
	if code != 0 || !strings.Contains(out, `"operationId": "getCustomersById"`) {
		t.Fatalf("openapi: exit %d %q %q", code, out, errb)
	}
	file := filepath.Join(t.TempDir(), "openapi.json")
	if code, _, errb := run(svc, "openapi", "-o", file); code != 0 {
		t.Fatalf("openapi -o: exit %d %q", code, errb)
	}
	if b, _ := os.ReadFile(file); string(b) != out {
		t.Fatalf("-o wrote %q, stdout had %q", b, out)
	}
	if code, _, errb := run(svc, "openapi", "-check", file); code != 0 {
		t.Fatalf("-check of the current document: exit %d %q", code, errb)
	}
	version = "2" // the API changed, the file did not
	if code, _, errb := run(svc, "openapi", "-check", file); code != 1 || !strings.Contains(errb, "differs from the API") || !strings.Contains(errb, "shop openapi -o "+file) {
		t.Fatalf("-check of a stale document: exit %d %q", code, errb)
	}
	if code, _, _ := run(svc, "openapi", "-o", file, "-check", file); code != 2 {
		t.Fatalf("-o with -check: exit %d, want 2", code)
	}
}
