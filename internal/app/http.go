package app

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/pprof"
	"net/url"
	"reflect"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/aquila-go/aquila/query"
)

// MaxBodyBytes limits every JSON request body except the bulk stream.
const MaxBodyBytes = 1 << 20

// MaxBulkBytes limits a POST /books:bulk body; it is streamed, never held.
const MaxBulkBytes = 256 << 20

// Handler serves the catalog API. Each request gets its request-scoped
// services from newRequest — the generated request injector — exactly once.
type Handler struct {
	newRequest RequestFunc
	timeout    time.Duration
	metrics    *Metrics
	books      *BookList
	mux        *http.ServeMux
}

// NewHandler registers the routes.
func NewHandler(newRequest RequestFunc, m *Metrics, books *BookList, cfg Config) *Handler {
	h := &Handler{newRequest: newRequest, timeout: cfg.RequestTimeout, metrics: m, books: books, mux: http.NewServeMux()}

	h.handle("POST /authors", h.createAuthor)
	h.handle("GET /authors", h.listAuthors)
	h.handle("GET /authors/{id}", h.getAuthor)
	h.handle("PATCH /authors/{id}", h.updateAuthor)
	h.handle("DELETE /authors/{id}", h.deleteAuthor)
	h.handle("GET /authors/{id}/books", h.authorBooks)

	h.handle("POST /books", h.createBook)
	h.handle("POST /books:bulk", h.bulkBooks)
	h.handle("GET /books", h.listBooks)
	h.handle("GET /books/{id}", h.getBook)
	h.handle("PATCH /books/{id}", h.updateBook)
	h.handle("DELETE /books/{id}", h.deleteBook)
	h.handle("GET /books/{id}/tags", h.bookTags)
	h.handle("PUT /books/{id}/tags/{tag_id}", h.attachTag)
	h.handle("DELETE /books/{id}/tags/{tag_id}", h.detachTag)

	h.handle("POST /tags", h.createTag)
	h.handle("GET /tags", h.listTags)

	h.handle("/", func(w http.ResponseWriter, r *http.Request, req *Request) error {
		return Errorf(CodeNotFound, "", "no route for %s %s", r.Method, r.URL.Path)
	})
	h.mux.Handle("GET /metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
	if cfg.Pprof {
		h.mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		h.mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
		h.mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		h.mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
		h.mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	}
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mux.ServeHTTP(w, r)
}

// handlerFunc is an API handler: it writes a success response or returns
// an error, which handle writes.
type handlerFunc func(w http.ResponseWriter, r *http.Request, req *Request) error

// handle registers fn under pattern with the request lifecycle around it:
// one request-injector call, error mapping, metrics and the access log.
func (h *Handler) handle(pattern string, fn handlerFunc) {
	route := pattern
	if route == "/" {
		route = "unmatched"
	}
	h.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		if h.timeout > 0 {
			ctx, cancel := context.WithTimeout(r.Context(), h.timeout)
			defer cancel()
			r = r.WithContext(ctx)
		}
		req := h.newRequest(r)
		sw := &statusWriter{ResponseWriter: w}
		sw.Header().Set("X-Request-Id", string(req.ID))
		if err := fn(sw, r, req); err != nil {
			writeError(sw, req, err)
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		dur := time.Since(start)
		h.metrics.observeRequest(route, sw.status, dur)
		req.Log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", sw.status),
			slog.Int64("bytes", sw.bytes),
			slog.Duration("duration", dur))
	})
}

// statusWriter remembers the status code and body size.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// pathID parses a positive int64 path value.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, Errorf(CodeInvalid, name, "must be a positive integer")
	}
	return id, nil
}

// checkJSON rejects a body whose Content-Type is set and is not one of types.
func checkMediaType(r *http.Request, types ...string) (string, error) {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return types[0], nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil {
		for _, t := range types {
			if mt == t {
				return mt, nil
			}
		}
	}
	want := types[0]
	for _, t := range types[1:] {
		want += " or " + t
	}
	return "", Errorf(CodeMediaType, "", "Content-Type must be %s", want)
}

// decodeJSON strictly decodes exactly one JSON value of at most MaxBodyBytes:
// unknown fields, trailing data, a wrong media type or a too-large body are
// *Errors naming what is wrong.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if _, err := checkMediaType(r, "application/json"); err != nil {
		return err
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return jsonError(err)
		}
		return Errorf(CodeInvalid, "", "body must hold a single JSON value")
	}
	return nil
}

// jsonError maps a json decoding error to an *Error that names the field.
func jsonError(err error) *Error {
	var tooLarge *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &tooLarge):
		return &Error{Code: CodeTooLarge, Message: "body exceeds " + strconv.FormatInt(tooLarge.Limit, 10) + " bytes", Err: err}
	case errors.As(err, &typeErr):
		return &Error{Code: CodeInvalid, Field: typeErr.Field, Message: "must be " + jsonTypeName(typeErr.Type), Err: err}
	case errors.As(err, &syntaxErr):
		return &Error{Code: CodeInvalid, Message: "malformed JSON at byte " + strconv.FormatInt(syntaxErr.Offset, 10), Err: err}
	case errors.Is(err, io.EOF):
		return &Error{Code: CodeInvalid, Message: "empty body", Err: err}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &Error{Code: CodeInvalid, Message: "truncated JSON", Err: err}
	}
	if f, ok := unknownField(err.Error()); ok {
		return &Error{Code: CodeInvalid, Field: f, Message: "unknown field", Err: err}
	}
	return &Error{Code: CodeInvalid, Message: "invalid body: " + err.Error(), Err: err}
}

// jsonTypeName describes a Go type the way a JSON client thinks of it.
func jsonTypeName(t reflect.Type) string {
	if t == nil {
		return "a different type"
	}
	if t == reflect.TypeFor[Date]() {
		return "a date (YYYY-MM-DD)"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer in range"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "a " + t.String()
}

// unknownField extracts the name from encoding/json's `json: unknown field "x"`.
func unknownField(msg string) (string, bool) {
	const prefix = `json: unknown field "`
	if len(msg) > len(prefix)+1 && msg[:len(prefix)] == prefix && msg[len(msg)-1] == '"' {
		return msg[len(prefix) : len(msg)-1], true
	}
	return "", false
}

func writeJSON(w http.ResponseWriter, req *Request, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		req.Log.Warn("write response", "err", err)
	}
	return nil
}

// errorBody is the JSON shape of every error response.
type errorBody struct {
	Error struct {
		Code      Code   `json:"code"`
		Field     string `json:"field,omitempty"`
		Message   string `json:"message"`
		RequestID string `json:"request_id"`
	} `json:"error"`
}

// writeError writes err as JSON: *Error as is, anything else as a 500 that
// shows only the request id (the cause goes to the log).
func writeError(w http.ResponseWriter, req *Request, err error) {
	var e *Error
	if !errors.As(err, &e) {
		if mapped := dbError(err, "resource"); mapped != err {
			errors.As(mapped, &e)
		}
	}
	var body errorBody
	body.Error.RequestID = string(req.ID)
	status := http.StatusInternalServerError
	if e != nil && e.Code != CodeInternal {
		status = e.Code.status()
		body.Error.Code, body.Error.Field, body.Error.Message = e.Code, e.Field, e.Message
		req.Log.Debug("request failed", "status", status, "err", err)
	} else {
		body.Error.Code, body.Error.Message = CodeInternal, "internal error"
		req.Log.Error("request failed", "err", err)
	}
	writeJSON(w, req, status, body)
}

// page is the response shape of every list.
type page[T any] struct {
	Items []T     `json:"items"`
	Next  *string `json:"next"`
}

// pageOf converts a page of rows to their JSON shape. A full page (limit
// rows) gets next, the cursor of its last row; a short page is the last.
func pageOf[R, J any](rows []R, limit int32, toJSON func(R) J, cursor func(R) string) page[J] {
	p := page[J]{Items: make([]J, len(rows))}
	for i, r := range rows {
		p.Items[i] = toJSON(r)
	}
	if limit > 0 && len(rows) == int(limit) {
		next := cursor(rows[len(rows)-1])
		p.Next = &next
	}
	return p
}

// listParams checks a keyset list's query string (only after and limit)
// and parses both, after as an id.
func listParams(r *http.Request) (after int64, limit int32, err error) {
	v, err := checkParams(r, "after", "limit")
	if err != nil {
		return 0, 0, err
	}
	if after, err = idCursor(v); err != nil {
		return 0, 0, err
	}
	limit, err = limitParam(v)
	return after, limit, err
}

// limitParam parses limit= (default 50, 1..500).
func limitParam(v url.Values) (int32, error) {
	s := v.Get("limit")
	if s == "" {
		return 50, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 500 {
		return 0, Errorf(CodeInvalid, "limit", "must be an integer from 1 to 500")
	}
	return int32(n), nil
}

// queryValues parses the URL query strictly: r.URL.Query() silently drops
// malformed pairs (e.g. ones containing ';'), which would turn a filter the
// client asked for into no filter at all.
func queryValues(r *http.Request) (url.Values, error) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, &Error{Code: CodeInvalid, Message: "malformed query string", Err: err}
	}
	return v, nil
}

// checkParams parses the query string strictly and rejects parameters
// outside allowed; it returns the parsed values.
func checkParams(r *http.Request, allowed ...string) (url.Values, error) {
	v, err := queryValues(r)
	if err != nil {
		return nil, err
	}
	if err := query.CheckNames(v, allowed...); err != nil {
		return nil, paramError(err)
	}
	return v, nil
}
