package openapi

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// ErrRoute is wrapped by every error about a route that Build refuses.
var ErrRoute = errors.New("invalid route")

// Config is what a document says beside its routes.
type Config struct {
	Info Info
	// Error is the body of every error answer: the default response of
	// each route and the body of its error statuses (see Route.Errors).
	// Nil leaves errors out of the document.
	Error *Content
}

// Build makes the OpenAPI 3.1 document of routes: each route's path and
// query parameters, request body and answers, with the JSON schemas of
// their Go types derived by reflection (named structs become components)
// and each list's parameters from its query.Description. It fails on a
// pattern without a method, a path parameter that is not in the pattern,
// a route or operationId given twice, two types with the same component
// name, or a type that cannot be written as JSON.
func Build(cfg Config, routes ...Route) (*Document, error) {
	b := &builder{cfg: cfg, s: newSchemas(), ids: map[string]string{}}
	doc := &Document{OpenAPI: Version, Info: cfg.Info, Paths: map[string]*PathItem{}}
	if doc.Info.Version == "" {
		doc.Info.Version = "0"
	}
	for _, r := range routes {
		method, path, op, err := b.operation(r)
		if err != nil {
			return nil, fmt.Errorf("openapi: route %q: %w", r.Pattern, err)
		}
		item := doc.Paths[path]
		if item == nil {
			item = &PathItem{}
			doc.Paths[path] = item
		}
		if (*item)[method] != nil {
			return nil, fmt.Errorf("openapi: route %q: %w: documented twice", r.Pattern, ErrRoute)
		}
		(*item)[method] = op
	}
	if b.s.err != nil {
		return nil, b.s.err
	}
	if len(b.s.comps) > 0 {
		doc.Components.Schemas = b.s.comps
	}
	return doc, nil
}

type builder struct {
	cfg Config
	s   *schemas
	ids map[string]string // operationId → pattern
}

// operation builds one route's operation.
func (b *builder) operation(r Route) (method, path string, op *Operation, err error) {
	method, path, wildcards, err := parsePattern(r.Pattern)
	if err != nil {
		return "", "", nil, err
	}
	op = &Operation{OperationID: r.ID, Summary: r.Summary, Description: r.Description,
		Tags: r.Tags, Responses: map[string]*Response{}}
	if op.OperationID == "" {
		op.OperationID = operationID(method, path)
	}
	if other, ok := b.ids[op.OperationID]; ok {
		return "", "", nil, fmt.Errorf("%w: operationId %q already names %q", ErrRoute, op.OperationID, other)
	}
	b.ids[op.OperationID] = r.Pattern

	if op.Parameters, err = b.params(r, wildcards); err != nil {
		return "", "", nil, err
	}
	if len(r.Body) > 0 {
		op.RequestBody = &RequestBody{Required: !r.BodyOptional, Content: b.content(r.Body)}
	}
	for _, rep := range r.Replies {
		key := strconv.Itoa(rep.Status)
		if rep.Status < 100 || rep.Status > 599 || op.Responses[key] != nil {
			return "", "", nil, fmt.Errorf("%w: reply status %d invalid or given twice", ErrRoute, rep.Status)
		}
		resp := &Response{Description: cmp.Or(rep.Description, http.StatusText(rep.Status))}
		if len(rep.Content) > 0 {
			resp.Content = b.content(rep.Content)
		}
		for _, h := range rep.Headers {
			if resp.Headers == nil {
				resp.Headers = map[string]*Header{}
			}
			resp.Headers[h.Name] = &Header{Description: h.Description, Required: h.Required, Schema: b.paramSchema(h)}
		}
		op.Responses[key] = resp
	}
	if b.cfg.Error != nil {
		b.errors(r, op, len(wildcards) > 0)
	}
	return method, path, op, nil
}

// errors adds the error answers: those the route's inputs imply, its own
// Errors, and the default.
func (b *builder) errors(r Route, op *Operation, hasPath bool) {
	statuses := slices.Clone(r.Errors)
	if len(op.Parameters) > 0 || len(r.Body) > 0 {
		statuses = append(statuses, http.StatusBadRequest)
	}
	if hasPath {
		statuses = append(statuses, http.StatusNotFound)
	}
	if len(r.Body) > 0 {
		statuses = append(statuses, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType)
	}
	body := b.content([]Content{*b.cfg.Error})
	for _, st := range statuses {
		key := strconv.Itoa(st)
		if op.Responses[key] == nil {
			op.Responses[key] = &Response{Description: http.StatusText(st), Content: body}
		}
	}
	op.Responses["default"] = &Response{Description: "An error.", Content: body}
}

// params builds the path, query and header parameters: the pattern's
// wildcards in order, then Params, then the list's.
func (b *builder) params(r Route, wildcards []string) ([]*Parameter, error) {
	var out []*Parameter
	seen := map[string]bool{}
	add := func(p *Parameter) error {
		if seen[p.In+" "+p.Name] {
			return fmt.Errorf("%w: %s parameter %q given twice", ErrRoute, p.In, p.Name)
		}
		seen[p.In+" "+p.Name] = true
		out = append(out, p)
		return nil
	}
	for _, w := range wildcards {
		p := &Parameter{Name: w, In: "path", Required: true, Schema: &Schema{Type: Types{"string"}}}
		for _, rp := range r.Params {
			if rp.Name == w && cmp.Or(rp.In, "path") == "path" {
				p.Description, p.Schema = rp.Description, b.paramSchema(rp)
			}
		}
		if err := add(p); err != nil {
			return nil, err
		}
	}
	for _, rp := range r.Params {
		in := cmp.Or(rp.In, "path")
		switch in {
		case "path":
			if !slices.Contains(wildcards, rp.Name) {
				return nil, fmt.Errorf("%w: path parameter %q is not in the pattern", ErrRoute, rp.Name)
			}
			continue
		case "query", "header":
		default:
			return nil, fmt.Errorf("%w: parameter %q in %q", ErrRoute, rp.Name, in)
		}
		if err := add(&Parameter{Name: rp.Name, In: in, Description: rp.Description, Required: rp.Required, Schema: b.paramSchema(rp)}); err != nil {
			return nil, err
		}
	}
	if r.List != nil {
		for _, p := range listParams(r.List) {
			if err := add(p); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func (b *builder) paramSchema(p Param) *Schema {
	switch {
	case p.Schema != nil:
		return p.Schema
	case p.Type != nil:
		return b.s.of(p.Type)
	}
	return &Schema{Type: Types{"string"}}
}

// content maps bodies to their media types.
func (b *builder) content(cs []Content) map[string]*MediaType {
	out := map[string]*MediaType{}
	for _, c := range cs {
		sc := c.Schema
		if sc == nil {
			if c.Type == nil {
				sc = &Schema{}
			} else {
				sc = b.s.of(c.Type)
			}
		}
		out[cmp.Or(c.MediaType, "application/json")] = &MediaType{Schema: sc}
	}
	return out
}

// parsePattern splits an http.ServeMux pattern into its method, its path
// in OpenAPI's form ({name...} → {name}, {$} dropped) and its wildcards.
func parsePattern(pattern string) (method, path string, wildcards []string, err error) {
	m, p, ok := strings.Cut(pattern, " ")
	if !ok || m == "" || strings.ToUpper(m) != m {
		return "", "", nil, fmt.Errorf("%w: want a method, e.g. \"GET /books\"", ErrRoute)
	}
	p = strings.TrimLeft(p, " \t")
	if !strings.HasPrefix(p, "/") {
		return "", "", nil, fmt.Errorf("%w: want a path without a host", ErrRoute)
	}
	var out strings.Builder
	for seg := range strings.SplitSeq(p[1:], "/") {
		if seg == "{$}" {
			out.WriteString("/")
			continue
		}
		out.WriteString("/")
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			name := strings.TrimSuffix(seg[1:len(seg)-1], "...")
			if name == "" || slices.Contains(wildcards, name) {
				return "", "", nil, fmt.Errorf("%w: wildcard %q", ErrRoute, seg)
			}
			wildcards = append(wildcards, name)
			out.WriteString("{" + name + "}")
			continue
		}
		out.WriteString(seg)
	}
	return strings.ToLower(m), out.String(), wildcards, nil
}

// operationID names an operation by its method and path words:
// GET /books/{id}/tags → getBooksByIdTags, POST /books:bulk → postBooksBulk.
func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(method)
	word := func(w string) {
		for part := range strings.FieldsFuncSeq(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	for seg := range strings.SplitSeq(path, "/") {
		if strings.HasPrefix(seg, "{") {
			b.WriteString("By")
		}
		word(seg)
	}
	return b.String()
}
