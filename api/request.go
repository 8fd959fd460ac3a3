package api

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
)

// RequestIDHeader carries the request id in both directions: a well-formed
// id a client or proxy sends is kept, and every response carries it.
const RequestIDHeader = "X-Request-Id"

// requestKey is the context key of a request's *requestState.
type requestKey struct{}

// requestState is what the handler wrapper attaches to a request's context.
type requestState struct {
	id  string
	log *slog.Logger // the Mux's logger, without the request id
}

// RequestID returns the id the handler wrapper gave the request of ctx, or
// "" outside a request served by a Mux.
func RequestID(ctx context.Context) string {
	if s, ok := ctx.Value(requestKey{}).(*requestState); ok {
		return s.id
	}
	return ""
}

// Logger returns the logger of the request of ctx: the Mux's logger with
// request_id added to every record. Outside a Mux's request it returns
// slog.Default().
func Logger(ctx context.Context) *slog.Logger {
	s, ok := ctx.Value(requestKey{}).(*requestState)
	if !ok {
		return slog.Default()
	}
	return RequestLogger(s.log, s.id)
}

// NewRequestID returns the well-formed X-Request-Id of r (up to 64 of
// [A-Za-z0-9._-]) or a new random one.
func NewRequestID(r *http.Request) string {
	// RequestIDHeader is in canonical form: index the header map
	// directly instead of canonicalizing the key on every request.
	if v := r.Header[RequestIDHeader]; len(v) > 0 && validRequestID(v[0]) {
		return v[0]
	}
	return rand.Text()
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// RequestLogger returns log with request_id=id added to each record. The
// id is added when a record is handled, not pre-formatted as Logger.With
// would, so a request that logs nothing does not pay for formatting it.
func RequestLogger(log *slog.Logger, id string) *slog.Logger {
	return slog.New(&requestHandler{Handler: log.Handler(), id: id})
}

// requestHandler adds request_id to each record.
type requestHandler struct {
	slog.Handler
	id string
}

func (h *requestHandler) Handle(ctx context.Context, r slog.Record) error {
	r.AddAttrs(slog.String("request_id", h.id))
	return h.Handler.Handle(ctx, r)
}

func (h *requestHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &requestHandler{Handler: h.Handler.WithAttrs(as), id: h.id}
}

func (h *requestHandler) WithGroup(name string) slog.Handler {
	return &requestHandler{Handler: h.Handler.WithGroup(name), id: h.id}
}
