// Package openapitest checks a service against its OpenAPI document in
// tests: the document is loaded and validated with pb33f/libopenapi (a
// well-kept OpenAPI 3.0/3.1 library), and requests and responses are
// validated with libopenapi-validator, one by one or by a RoundTripper
// that checks every exchange of an HTTP client.
//
//	v := openapitest.Load(t, docJSON)
//	client := &http.Client{Transport: v.Transport(t, nil)}
//	// every request the client sends and every response it gets is
//	// checked against the document; a mismatch fails t
//
// It depends on those libraries; a service imports it from its tests only.
package openapitest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	"github.com/pb33f/libopenapi-validator/content"
	verrors "github.com/pb33f/libopenapi-validator/errors"
)

// Validator checks requests and responses against one document. It is
// safe for concurrent use.
type Validator struct {
	mu sync.Mutex // libopenapi-validator's caches are not documented as safe for concurrent use
	v  validator.Validator
}

// Load parses an OpenAPI document, checks it against the OpenAPI
// specification's own schema, and returns its validator; any problem
// fails t. An application/x-ndjson body is validated as the array of its
// lines' values, which is how a document describes one. Formats (date, date-time, uuid, ...) are asserted, not only
// types.
func Load(t testing.TB, doc []byte) *Validator {
	t.Helper()
	d, err := libopenapi.NewDocument(doc)
	if err != nil {
		t.Fatalf("openapi document: %v", err)
	}
	v, errs := validator.NewValidator(d, config.WithFormatAssertions(),
		config.WithBodyDecoder("application/x-ndjson", content.DecoderFunc(decodeNDJSON)))
	if len(errs) > 0 {
		t.Fatalf("openapi document: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			t.Errorf("openapi document: %v", e)
		}
		t.FailNow()
	}
	return &Validator{v: v}
}

// Request validates a request: its path, parameters and body. The body
// is read and put back.
func (v *Validator) Request(r *http.Request) []error {
	restoreBody(&r.Body)
	v.mu.Lock()
	defer v.mu.Unlock()
	_, errs := v.v.ValidateHttpRequestSync(r)
	return asErrors(errs)
}

// Response validates the response to r: its status is documented and its
// body matches the schema. The body is read and put back.
func (v *Validator) Response(r *http.Request, resp *http.Response) []error {
	restoreBody(&resp.Body)
	v.mu.Lock()
	defer v.mu.Unlock()
	_, errs := v.v.ValidateHttpResponse(r, resp)
	return asErrors(errs)
}

// Transport returns a RoundTripper that sends requests through base
// (http.DefaultTransport when nil) and checks each exchange: the response
// must match the document, and a request the server accepted (2xx) must
// be one the document allows. A request the server refused may break the
// document too: that is how it should be refused; a path or method the
// document lacks must be answered 404 or 405. Mismatches fail t.
func (v *Validator) Transport(t testing.TB, base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &transport{t: t, v: v, base: base}
}

type transport struct {
	t    testing.TB
	v    *Validator
	base http.RoundTripper
}

func (tr *transport) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := tr.base.RoundTrip(r)
	if err != nil {
		return resp, err
	}
	check := r.Clone(r.Context())
	check.Body = io.NopCloser(bytes.NewReader(body))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		for _, e := range tr.v.Request(check) {
			tr.t.Errorf("%s %s answered %d but breaks the document: %v", r.Method, r.URL.RequestURI(), resp.StatusCode, e)
		}
	}
	for _, e := range tr.v.Response(check, resp) {
		if unrouted(e) && (resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed) {
			continue // no such route, and the server says so
		}
		tr.t.Errorf("%s %s: response %d breaks the document: %v", r.Method, r.URL.RequestURI(), resp.StatusCode, e)
	}
	return resp, nil
}

// restoreBody reads a body into memory and replaces it with a reader of
// the same bytes, so that it can be read again.
func restoreBody(b *io.ReadCloser) {
	if *b == nil || *b == http.NoBody {
		return
	}
	data, _ := io.ReadAll(*b)
	(*b).Close()
	*b = io.NopCloser(bytes.NewReader(data))
}

func asErrors[E error](errs []E) []error {
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return out
}

// decodeNDJSON decodes an NDJSON body into the array of its values.
func decodeNDJSON(in *content.DecodeInput) (any, error) {
	dec := json.NewDecoder(in.Body)
	dec.UseNumber()
	out := []any{}
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
}

// unrouted reports whether a validation error says that the document has
// no such path or method.
func unrouted(err error) bool {
	var ve *verrors.ValidationError
	return errors.As(err, &ve) && (ve.IsPathMissingError() || ve.IsOperationMissingError())
}
