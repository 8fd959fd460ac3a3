package app

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/aquila-go/aquila/api"
	"github.com/aquila-go/aquila/cli"
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
func ProvideReadCache(cfg cli.Config) *postgres.ReadCache {
	return postgres.NewReadCache(postgres.ReadCacheConfig{Disabled: cfg.NoReadCache})
}

// ProvideCatalog validates the reference catalog metadata once at start-up.
func ProvideCatalog() (*catalog.Catalog, error) {
	return catalog.New()
}

// RequestID identifies one HTTP request in logs and error bodies.
type RequestID string

// Request holds the request-scoped services, built once per HTTP request by
// the generated request injector. It is a value, and so are the services
// inside it, which hold the routed queries by value: a request scope lives
// on its handler's stack. Its routing session (which holds the read scope)
// comes from the router's released sessions, and goes back with Release.
type Request struct {
	ID      RequestID
	Log     RequestLog
	Session *postgres.Session
	Authors AuthorService
	Books   BookService
	Tags    TagService
}

// Release ends the request scope: its session goes back to the router,
// emptied. Nothing of the Request may be used after it.
func (r *Request) Release() { r.Session.Release() }

// RequestFunc builds a Request for r; the root package implements it with
// the generated request injector. The caller releases it.
type RequestFunc func(r *http.Request) Request

// ProvideRequestID is the id the api.Mux gave the request (from a
// well-formed X-Request-Id header, or random); outside a Mux it is made
// the same way.
func ProvideRequestID(r *http.Request) RequestID {
	if id := api.RequestID(r.Context()); id != "" {
		return RequestID(id)
	}
	return RequestID(api.NewRequestID(r))
}

// ProvideRequestLogger returns the app logger with the request id attached
// to every record it writes.
func ProvideRequestLogger(d *Deps, id RequestID) RequestLog {
	return RequestLog{base: d.Log, id: id}
}

// RequestLog logs with the request id attached to every record. It makes
// the request's *slog.Logger only for a record its level lets through, so
// a request that logs nothing pays nothing for it.
type RequestLog struct {
	base *slog.Logger
	id   RequestID
}

// Logger returns the request's logger.
func (l RequestLog) Logger() *slog.Logger { return api.RequestLogger(l.base, string(l.id)) }

func (l RequestLog) log(level slog.Level, msg string, args []any) {
	ctx := context.Background()
	if l.base.Enabled(ctx, level) {
		l.Logger().Log(ctx, level, msg, args...)
	}
}

// Debug logs at debug level.
func (l RequestLog) Debug(msg string, args ...any) { l.log(slog.LevelDebug, msg, args) }

// Info logs at info level.
func (l RequestLog) Info(msg string, args ...any) { l.log(slog.LevelInfo, msg, args) }

// Warn logs at warn level.
func (l RequestLog) Warn(msg string, args ...any) { l.log(slog.LevelWarn, msg, args) }

// Error logs at error level.
func (l RequestLog) Error(msg string, args ...any) { l.log(slog.LevelError, msg, args) }

// ProvideSession starts the request's routing session: reads go to a
// healthy replica until the request writes, then to the primary, so a
// request always reads its own writes. Request.Release releases it.
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
// write to the primary. They are a value (two interfaces), copied into
// each service.
func ProvideQueries(dbx db.DBTX, s *postgres.Session) db.RoutedQueries {
	return *db.NewRouted(dbx, s.Writer())
}

// ProvideBulkDB is where bulk COPY runs: the session's writer (the
// primary), so the session knows it wrote.
func ProvideBulkDB(s *postgres.Session) model.DBTX {
	return s.Writer()
}

// ProvideCatalogFromDeps hands the app's catalog to request services.
func ProvideCatalogFromDeps(d *Deps) *catalog.Catalog {
	return d.Catalog
}
