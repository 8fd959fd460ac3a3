package app

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"

	"github.com/aquila-go/aquila/internal/catalog"
	"github.com/aquila-go/aquila/internal/db"
	"github.com/aquila-go/aquila/model"
	"github.com/aquila-go/aquila/postgres"
)

// Deps are the app-scoped singletons that request-scoped providers use. It is
// the request injector's only app-level input; nothing request-scoped is
// ever stored in it.
type Deps struct {
	Router    *postgres.Router
	Log       *slog.Logger
	Catalog   *catalog.Catalog
	ReadCache *postgres.ReadCache
}

// ProvideDeps collects the singletons for the request injector.
func ProvideDeps(r *postgres.Router, log *slog.Logger, cat *catalog.Catalog, rc *postgres.ReadCache) *Deps {
	return &Deps{Router: r, Log: log, Catalog: cat, ReadCache: rc}
}

// ProvideReadCache is the app-wide part of the per-request read cache
// (statement classification only; results live in each request's scope).
func ProvideReadCache(cfg Config) *postgres.ReadCache {
	return postgres.NewReadCache(postgres.ReadCacheConfig{Disabled: cfg.NoReadCache})
}

// ProvideCatalog validates the reference catalog metadata once at start-up.
func ProvideCatalog() (*catalog.Catalog, error) {
	return catalog.New()
}

// RequestID identifies one HTTP request in logs and error bodies.
type RequestID string

// Request holds the request-scoped services, built once per HTTP request by
// the generated request injector.
type Request struct {
	ID      RequestID
	Log     *slog.Logger
	Authors *AuthorService
	Books   *BookService
	Tags    *TagService
}

// RequestFunc builds a Request for r; the root package implements it with
// the generated request injector.
type RequestFunc func(r *http.Request) *Request

// ProvideRequestID takes a well-formed X-Request-Id header (up to 64 of
// [A-Za-z0-9._-]) or makes a random one.
func ProvideRequestID(r *http.Request) RequestID {
	if id := r.Header.Get("X-Request-Id"); validRequestID(id) {
		return RequestID(id)
	}
	return RequestID(rand.Text())
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

// ProvideRequestLogger returns the app logger with the request id attached
// to every record it writes. The id is added when a record is handled, not
// pre-formatted as Logger.With would, so a request that logs nothing pays
// two small allocations for its logger.
func ProvideRequestLogger(d *Deps, id RequestID) *slog.Logger {
	return slog.New(&requestHandler{Handler: d.Log.Handler(), id: id})
}

// requestHandler adds request_id to each record.
type requestHandler struct {
	slog.Handler
	id RequestID
}

func (h *requestHandler) Handle(ctx context.Context, r slog.Record) error {
	r.AddAttrs(slog.String("request_id", string(h.id)))
	return h.Handler.Handle(ctx, r)
}

func (h *requestHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &requestHandler{Handler: h.Handler.WithAttrs(as), id: h.id}
}

func (h *requestHandler) WithGroup(name string) slog.Handler {
	return &requestHandler{Handler: h.Handler.WithGroup(name), id: h.id}
}

// ProvideSession starts the request's routing session: reads go to a
// healthy replica until the request writes, then to the primary, so a
// request always reads its own writes.
func ProvideSession(d *Deps) *postgres.Session {
	return d.Router.Session()
}

// ProvideDBTX is what the request's reads run on: a read scope over the
// session's reader, so an identical read in one request reaches the
// database once; any write of the session empties it. Nothing is shared
// between requests.
func ProvideDBTX(d *Deps, s *postgres.Session) db.DBTX {
	return d.ReadCache.SessionScope(s)
}

// ProvideQueries returns the request's sqlc queries, routed at build time:
// the generated RoutedQueries sends each read query through dbx and each
// write to the primary.
func ProvideQueries(dbx db.DBTX, s *postgres.Session) *db.RoutedQueries {
	return db.NewRouted(dbx, s.Writer())
}

// ProvideBulkDB is where bulk COPY runs: the session's writer (the
// primary), so the session knows it wrote.
func ProvideBulkDB(s *postgres.Session) model.DB {
	return s.Writer()
}

// ProvideCatalogFromDeps hands the app's catalog to request services.
func ProvideCatalogFromDeps(d *Deps) *catalog.Catalog {
	return d.Catalog
}
