package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/aquila-go/aquila/openapi"
)

// ErrNoOpenAPI is returned by the openapi command when Service.OpenAPI is
// nil.
var ErrNoOpenAPI = errors.New("the service has no OpenAPI document")

// ErrOpenAPIDrift is returned by openapi -check when the file is not the
// document the service builds.
var ErrOpenAPIDrift = errors.New("the OpenAPI document differs from the API")

// openapiCmd writes the service's OpenAPI document, or checks a file
// against it.
func openapiCmd(_ context.Context, r *runner, args []string) error {
	fs := r.newFlagSet("openapi", "openapi [-o FILE | -check FILE]")
	out := fs.String("o", "", "write the document to FILE instead of stdout")
	fs.fromEnv("o", "OPENAPI_OUT")
	check := fs.String("check", "", "compare FILE with the document; exit 1 when they differ")
	fs.fromEnv("check", "OPENAPI_CHECK")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fs.usageError("openapi takes no arguments")
	}
	if *out != "" && *check != "" {
		return fs.usageError("-o and -check exclude each other")
	}
	if r.svc.OpenAPI == nil {
		return ErrNoOpenAPI
	}
	b, err := openAPIJSON(r.svc.OpenAPI)
	if err != nil {
		return err
	}
	switch {
	case *check != "":
		old, err := os.ReadFile(*check)
		if err != nil {
			return fmt.Errorf("openapi: %w", err)
		}
		if !bytes.Equal(old, b) {
			return fmt.Errorf("openapi: %s: %w; rewrite it with: %s openapi -o %s", *check, ErrOpenAPIDrift, r.name, *check)
		}
		return nil
	case *out != "":
		if err := os.WriteFile(*out, b, 0o644); err != nil {
			return fmt.Errorf("openapi: %w", err)
		}
		return nil
	}
	_, err = r.stdout.Write(b)
	return err
}

// openAPIJSON builds the document and encodes it.
func openAPIJSON(build func() (*openapi.Document, error)) ([]byte, error) {
	doc, err := build()
	if err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	return doc.JSON()
}

// openAPIHandler serves the document at GET /openapi.json; it is built
// once, at start.
func openAPIHandler(build func() (*openapi.Document, error)) (http.Handler, error) {
	doc, err := build()
	if err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	return openapi.Handler(doc)
}
