// Package api is the HTTP plumbing of a JSON API on aquila: one error type
// with codes mapped to HTTP statuses in one table, the handler wrapper,
// strict request decoding and the classification of database errors.
//
// A handler is a HandlerFunc: it writes its success response (WriteJSON)
// or returns an error. A Mux runs the request lifecycle around each
// handler it registers: a request id (a well-formed X-Request-Id is kept,
// otherwise one is made; the response echoes it), the per-request
// timeout, error writing, request metrics on a prometheus.Registerer and
// one access log record.
//
//	m, err := api.NewMux(api.Config{Logger: log, Timeout: 30 * time.Second, Registerer: reg})
//	m.Handle("POST /books", func(w http.ResponseWriter, r *http.Request) error {
//		var in BookInput
//		if err := api.DecodeJSON(w, r, &in); err != nil {
//			return err
//		}
//		b, err := q.CreateBook(r.Context(), in.params())
//		if err != nil {
//			return api.DBError(err, "book")
//		}
//		return api.WriteJSON(w, r, http.StatusCreated, b)
//	})
//
// Every error answer has one shape, {"error":{"code","field","message",
// "request_id"}}. An *Error is written with its code's status (Code.Status
// is the only code → status table); a database error a handler returns
// unmapped is classified by DBError (unreachable database → 503
// unavailable with Retry-After, class 22 → 400 naming the column, class
// 23 → 409/422/400); anything else is a 500 "internal error". The cause of
// an error is logged with the request id and never sent to the client.
//
// Input is strict: DecodeJSON and Records reject unknown fields, trailing
// data, too-large bodies, wrong media types and — in every string, object
// keys and nested values included — invalid UTF-8 and U+0000, which
// PostgreSQL cannot store and encoding/json would otherwise replace
// silently; QueryValues and ValidateParams do the same for the query string
// and reject malformed pairs and unknown parameters. Each of these errors
// names the field (a JSON path such as attributes.lang or records[3].title,
// or the query parameter).
//
// Route registers a handler with its documentation (an openapi.Route:
// parameters, bodies and replies as Go types, a list's
// query.Description), and OpenAPI builds the OpenAPI 3.1 document of
// every route so registered, with ErrorBody as the error answer; Date,
// Optional and Code describe their own JSON in it.
package api
