package app

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/aquila-go/aquila/internal/db"
)

// MaxBodyBytes limits every JSON request body.
const MaxBodyBytes = 1 << 20

// Handler serves the catalog API. Each request gets its request-scoped
// services from NewRequest, the generated request injector.
type Handler struct {
	NewRequest RequestFunc
	Log        *slog.Logger
	mux        *http.ServeMux
}

// NewHandler registers the routes.
func NewHandler(newRequest RequestFunc, log *slog.Logger) *Handler {
	h := &Handler{NewRequest: newRequest, Log: log, mux: http.NewServeMux()}
	h.mux.HandleFunc("POST /authors", h.createAuthor)
	h.mux.HandleFunc("GET /authors/{id}", h.getAuthor)
	h.mux.HandleFunc("GET /books/{id}", h.getBook)
	h.mux.HandleFunc("POST /books", h.createBook)
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mux.ServeHTTP(w, r)
}

// bookJSON is the stable response shape of a book.
type bookJSON struct {
	ID          int64           `json:"id"`
	AuthorID    int64           `json:"author_id"`
	ISBN        string          `json:"isbn"`
	Title       string          `json:"title"`
	PublishedOn Date            `json:"published_on"`
	PriceCents  int32           `json:"price_cents"`
	Pages       int32           `json:"pages"`
	Attributes  json.RawMessage `json:"attributes"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
}

func toBookJSON(b db.Book) bookJSON {
	attrs := b.Attributes
	if attrs == nil {
		attrs = json.RawMessage("null")
	}
	return bookJSON{
		ID: b.ID, AuthorID: b.AuthorID, ISBN: b.Isbn, Title: b.Title,
		PublishedOn: Date(b.PublishedOn), PriceCents: b.PriceCents, Pages: b.Pages,
		Attributes: attrs, CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt,
	}
}

func (h *Handler) getAuthor(w http.ResponseWriter, r *http.Request) {
	req := h.NewRequest(r)
	id, err := pathID(r, "id")
	if err != nil {
		writeError(w, req, err)
		return
	}
	a, err := req.Authors.Get(r.Context(), id)
	if err != nil {
		writeError(w, req, err)
		return
	}
	writeJSON(w, req, http.StatusOK, a)
}

func (h *Handler) createAuthor(w http.ResponseWriter, r *http.Request) {
	req := h.NewRequest(r)
	var in AuthorInput
	if err := decodeJSON(w, r, &in); err != nil {
		writeError(w, req, err)
		return
	}
	a, err := req.Authors.Create(r.Context(), in)
	if err != nil {
		writeError(w, req, err)
		return
	}
	w.Header().Set("Location", "/authors/"+strconv.FormatInt(a.ID, 10))
	writeJSON(w, req, http.StatusCreated, a)
}

func (h *Handler) getBook(w http.ResponseWriter, r *http.Request) {
	req := h.NewRequest(r)
	id, err := pathID(r, "id")
	if err != nil {
		writeError(w, req, err)
		return
	}
	b, err := req.Books.Get(r.Context(), id)
	if err != nil {
		writeError(w, req, err)
		return
	}
	writeJSON(w, req, http.StatusOK, toBookJSON(b))
}

func (h *Handler) createBook(w http.ResponseWriter, r *http.Request) {
	req := h.NewRequest(r)
	var in BookInput
	if err := decodeJSON(w, r, &in); err != nil {
		writeError(w, req, err)
		return
	}
	b, err := req.Books.Create(r.Context(), in)
	if err != nil {
		writeError(w, req, err)
		return
	}
	w.Header().Set("Location", "/books/"+strconv.FormatInt(b.ID, 10))
	writeJSON(w, req, http.StatusCreated, toBookJSON(b))
}

// pathID parses a positive int64 path value.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, Errorf(CodeInvalid, name, "must be a positive integer")
	}
	return id, nil
}

// decodeJSON strictly decodes exactly one JSON value of at most MaxBodyBytes:
// unknown fields, trailing data, a wrong media type or a too-large body are
// *Errors naming what is wrong.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return Errorf(CodeMediaType, "", "Content-Type must be application/json")
		}
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
func jsonError(err error) error {
	var tooLarge *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &tooLarge):
		return &Error{Code: CodeTooLarge, Message: "body exceeds " + strconv.FormatInt(tooLarge.Limit, 10) + " bytes", Err: err}
	case errors.As(err, &typeErr):
		return &Error{Code: CodeInvalid, Field: typeErr.Field, Message: "must be " + typeErr.Type.String(), Err: err}
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

// unknownField extracts the name from encoding/json's `json: unknown field "x"`.
func unknownField(msg string) (string, bool) {
	const prefix = `json: unknown field "`
	if len(msg) > len(prefix)+1 && msg[:len(prefix)] == prefix && msg[len(msg)-1] == '"' {
		return msg[len(prefix) : len(msg)-1], true
	}
	return "", false
}

func writeJSON(w http.ResponseWriter, req *Request, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", string(req.ID))
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		req.Log.Warn("write response", "err", err)
	}
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
