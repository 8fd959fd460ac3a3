package peers

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"

	"github.com/samber/do/v2"
	"go.uber.org/dig"

	"github.com/aquila-go/aquila/bench/internal/wirereq"
	"github.com/aquila-go/aquila/internal/app"
	"github.com/aquila-go/aquila/internal/catalog"
	"github.com/aquila-go/aquila/internal/db"
	"github.com/aquila-go/aquila/model"
)

// The dependency-injection comparison builds the service's request scope,
// app.RequestSet, three ways:
//
//	wire  the injector Wire generated from app.RequestSet (wirereq.Request):
//	      plain calls of the providers
//	dig   a new dig.Container per request: the app singletons and the
//	      request as values, the same providers, one Invoke
//	do    a new samber/do injector per request, likewise, Invoke and Shutdown
//
// dig and do keep every child scope in its parent for good (neither has a
// way to drop one), so a child scope per request would grow the container
// without bound; a container per request is how either can give each
// request its own instances.

// NewDeps returns the app singletons the request scope depends on: a logger
// whose handler discards (so that the logger's own formatting does not
// count as DI), the catalog metadata, the read cache and no pool (nothing
// is queried), built by the app's own providers.
func NewDeps() (*app.Deps, error) {
	cat, err := catalog.New()
	if err != nil {
		return nil, err
	}
	return app.ProvideDeps(nil, slog.New(slog.DiscardHandler), cat, app.ProvideReadCache(app.Config{})), nil
}

// NewRequest returns the incoming request every lifecycle is built for. It
// carries an X-Request-Id, as behind a proxy that sets one, so the request
// id is taken from it rather than drawn from crypto/rand.
func NewRequest() *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/books/1", nil)
	r.Header.Set("X-Request-Id", "bench-0123456789")
	return r
}

// WireRequest builds the request scope with the Wire-generated injector.
func WireRequest(d *app.Deps, r *http.Request) (*app.Request, error) {
	return wirereq.Request(d, r), nil
}

// newRequestStruct is wire.Struct(new(app.Request), "*") as a constructor.
func newRequestStruct(id app.RequestID, log *slog.Logger, a *app.AuthorService, b *app.BookService, t *app.TagService) *app.Request {
	return &app.Request{ID: id, Log: log, Authors: a, Books: b, Tags: t}
}

// DigRequest builds the request scope in a new dig container.
func DigRequest(d *app.Deps, r *http.Request) (*app.Request, error) {
	c := dig.New()
	for _, ctor := range []any{
		func() *app.Deps { return d },
		func() *http.Request { return r },
		app.ProvideRequestID,
		app.ProvideRequestLogger,
		app.ProvideDBTX,
		app.ProvideQueries,
		app.ProvideBulkDB,
		app.ProvideCatalogFromDeps,
		app.NewAuthorService,
		app.NewBookService,
		app.NewTagService,
		newRequestStruct,
	} {
		if err := c.Provide(ctor); err != nil {
			return nil, err
		}
	}
	var out *app.Request
	err := c.Invoke(func(req *app.Request) { out = req })
	return out, err
}

// DoRequest builds the request scope in a new samber/do injector and shuts
// it down.
func DoRequest(d *app.Deps, r *http.Request) (*app.Request, error) {
	i := do.New()
	do.ProvideValue(i, d)
	do.ProvideValue(i, r)
	do.Provide(i, func(i do.Injector) (app.RequestID, error) {
		r, err := do.Invoke[*http.Request](i)
		if err != nil {
			return "", err
		}
		return app.ProvideRequestID(r), nil
	})
	do.Provide(i, func(i do.Injector) (*slog.Logger, error) {
		d, err := do.Invoke[*app.Deps](i)
		if err != nil {
			return nil, err
		}
		id, err := do.Invoke[app.RequestID](i)
		if err != nil {
			return nil, err
		}
		return app.ProvideRequestLogger(d, id), nil
	})
	do.Provide(i, func(i do.Injector) (db.DBTX, error) {
		d, err := do.Invoke[*app.Deps](i)
		if err != nil {
			return nil, err
		}
		return app.ProvideDBTX(d), nil
	})
	do.Provide(i, func(i do.Injector) (*db.Queries, error) {
		dbx, err := do.Invoke[db.DBTX](i)
		if err != nil {
			return nil, err
		}
		return app.ProvideQueries(dbx), nil
	})
	do.Provide(i, func(i do.Injector) (model.DB, error) {
		d, err := do.Invoke[*app.Deps](i)
		if err != nil {
			return nil, err
		}
		return app.ProvideBulkDB(d), nil
	})
	do.Provide(i, func(i do.Injector) (*catalog.Catalog, error) {
		d, err := do.Invoke[*app.Deps](i)
		if err != nil {
			return nil, err
		}
		return app.ProvideCatalogFromDeps(d), nil
	})
	do.Provide(i, func(i do.Injector) (*app.AuthorService, error) {
		q, err := do.Invoke[*db.Queries](i)
		if err != nil {
			return nil, err
		}
		dbx, err := do.Invoke[db.DBTX](i)
		if err != nil {
			return nil, err
		}
		log, err := do.Invoke[*slog.Logger](i)
		if err != nil {
			return nil, err
		}
		return app.NewAuthorService(q, dbx, log), nil
	})
	do.Provide(i, func(i do.Injector) (*app.BookService, error) {
		q, err := do.Invoke[*db.Queries](i)
		if err != nil {
			return nil, err
		}
		dbx, err := do.Invoke[db.DBTX](i)
		if err != nil {
			return nil, err
		}
		bulk, err := do.Invoke[model.DB](i)
		if err != nil {
			return nil, err
		}
		cat, err := do.Invoke[*catalog.Catalog](i)
		if err != nil {
			return nil, err
		}
		log, err := do.Invoke[*slog.Logger](i)
		if err != nil {
			return nil, err
		}
		return app.NewBookService(q, dbx, bulk, cat, log), nil
	})
	do.Provide(i, func(i do.Injector) (*app.TagService, error) {
		q, err := do.Invoke[*db.Queries](i)
		if err != nil {
			return nil, err
		}
		log, err := do.Invoke[*slog.Logger](i)
		if err != nil {
			return nil, err
		}
		return app.NewTagService(q, log), nil
	})
	do.Provide(i, func(i do.Injector) (*app.Request, error) {
		id, err := do.Invoke[app.RequestID](i)
		if err != nil {
			return nil, err
		}
		log, err := do.Invoke[*slog.Logger](i)
		if err != nil {
			return nil, err
		}
		a, err := do.Invoke[*app.AuthorService](i)
		if err != nil {
			return nil, err
		}
		b, err := do.Invoke[*app.BookService](i)
		if err != nil {
			return nil, err
		}
		t, err := do.Invoke[*app.TagService](i)
		if err != nil {
			return nil, err
		}
		return newRequestStruct(id, log, a, b, t), nil
	})
	req, err := do.Invoke[*app.Request](i)
	if rep := i.Shutdown(); err == nil && rep != nil && !rep.Succeed {
		err = rep
	}
	return req, err
}

// CheckRequest reports an error unless every field of req is set: a
// provider added to app.RequestSet but not to DigRequest or DoRequest shows
// up as a field they leave empty.
func CheckRequest(req *app.Request) error {
	if req == nil {
		return fmt.Errorf("nil request")
	}
	v := reflect.ValueOf(req).Elem()
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			return fmt.Errorf("app.Request.%s is not set: app.RequestSet changed, update bench/peers/di.go", v.Type().Field(i).Name)
		}
	}
	return nil
}
