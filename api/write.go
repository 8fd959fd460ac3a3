package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/jackc/pgx/v5/pgconn"
)

// RetryAfter is the Retry-After (seconds) of every 503 answer.
const RetryAfter = "1"

// WriteJSON writes v as JSON with status. It returns nil so that handlers
// can end with `return api.WriteJSON(...)`; a failure to write (the client
// went away) is logged.
func WriteJSON(w http.ResponseWriter, r *http.Request, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		Logger(r.Context()).Warn("write response", "err", err)
	}
	return nil
}

// ErrorBody is the JSON shape of every error response:
// {"error":{"code","field","message","request_id"}}.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the inside of an ErrorBody.
type ErrorDetail struct {
	Code      Code     `json:"code"`
	Field     string   `json:"field,omitempty"`
	Message   string   `json:"message"`
	Allowed   []string `json:"allowed,omitempty" doc:"For a rejected parameter: what is allowed in its place (parameter names, operators or order columns)."`
	Suggest   string   `json:"suggest,omitempty" doc:"For a rejected parameter: what was most likely meant, e.g. title[icontains] for title.contains."`
	RequestID string   `json:"request_id"`
}

// WriteError writes err as an ErrorBody. An *Error (anywhere in the chain)
// is written as it is; a database error is classified by DBError first;
// anything else is a 500 that shows only the request id. The cause goes
// to the log with the request id, never to the client: at error level for
// a 500, warn for other 5xx, info for a client error the database
// reported, debug for other client errors. A 503 carries Retry-After.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	var e *Error
	if !errors.As(DBError(err, "resource"), &e) {
		e = nil
	}
	body := ErrorBody{Error: ErrorDetail{RequestID: RequestID(r.Context())}}
	status := http.StatusInternalServerError
	log := Logger(r.Context())
	var pe *pgconn.PgError
	switch {
	case e == nil || e.Code == CodeInternal:
		body.Error.Code, body.Error.Message = CodeInternal, "internal error"
		log.Error("request failed", "status", status, "err", err)
	default:
		status = e.Code.Status()
		body.Error.Code, body.Error.Field, body.Error.Message = e.Code, e.Field, e.Message
		body.Error.Allowed, body.Error.Suggest = e.Allowed, e.Suggest
		level := slog.LevelDebug
		if status >= 500 {
			level = slog.LevelWarn
		} else if errors.As(err, &pe) {
			level = slog.LevelInfo
		}
		log.Log(r.Context(), level, "request failed", "status", status, "err", err)
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", RetryAfter)
	}
	WriteJSON(w, r, status, body)
}
