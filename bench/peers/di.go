package peers

//go:generate go run ./internal/graphgen -in ../internal/wirereq/wire_gen.go -out graph_gen.go

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"

	"github.com/samber/do/v2"
	"go.uber.org/dig"

	"github.com/aquila-go/aquila/bench/internal/wirereq"
	"github.com/aquila-go/aquila/cli"
	"github.com/aquila-go/aquila/internal/app"
	"github.com/aquila-go/aquila/internal/catalog"
	"github.com/aquila-go/aquila/postgres"
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
//
// The providers dig and do register are the ones Wire's injector calls
// (graph_gen.go, generated from wire_gen.go), so the three always build the
// same graph. NewGraph derives from their signatures what wire.Bind and
// wire.Struct declare: an interface parameter no provider returns is bound
// to the one provider result that implements it, and *app.Request is built
// from its fields. The do providers call the functions by reflection (an
// adapter written by hand would be typed; reflect.Call costs well under a
// microsecond per provider, against do's hundreds).

// NewDeps returns the app singletons the request scope depends on, built by
// the app's own providers: a logger whose handler discards (so that the
// logger's own formatting does not count as DI), the catalog metadata, the
// read cache and a router that is never opened (nothing is queried; a
// session only records which router it belongs to, and goes back to it on
// Release).
func NewDeps() (*app.Deps, error) {
	cat, err := catalog.New()
	if err != nil {
		return nil, err
	}
	return app.ProvideDeps(new(postgres.Router), slog.New(slog.DiscardHandler), cat, app.ProvideReadCache(cli.Config{})), nil
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
func WireRequest(d *app.Deps, r *http.Request) (app.Request, error) {
	return wirereq.Request(d, r), nil
}

// Graph is the request scope for containers that resolve by type.
type Graph struct {
	funcs []reflect.Value // providers, bindings and the struct constructor
	doPs  []doProvider
}

type doProvider struct {
	name string
	fn   do.Provider[any]
}

var (
	depsType    = reflect.TypeFor[*app.Deps]()
	requestType = reflect.TypeFor[*http.Request]()
	resultType  = reflect.TypeFor[*app.Request]()
)

// NewGraph derives the graph from the providers of wirereq.Request.
func NewGraph() (*Graph, error) {
	g := &Graph{}
	produced := map[reflect.Type]bool{depsType: true, requestType: true}
	var providers []reflect.Value
	for _, p := range requestProviders() {
		v := reflect.ValueOf(p)
		t := v.Type()
		if t.NumOut() != 1 {
			return nil, fmt.Errorf("provider %s: want one result", t)
		}
		produced[t.Out(0)] = true
		providers = append(providers, v)
	}
	// The struct constructor: one parameter per field of app.Request.
	st := resultType.Elem()
	var fields []reflect.Type
	for i := range st.NumField() {
		fields = append(fields, st.Field(i).Type)
	}
	build := reflect.MakeFunc(reflect.FuncOf(fields, []reflect.Type{resultType}, false), func(args []reflect.Value) []reflect.Value {
		out := reflect.New(st)
		for i, a := range args {
			out.Elem().Field(i).Set(a)
		}
		return []reflect.Value{out}
	})
	funcs := append(providers, build)
	// Bindings: interface parameters no provider returns.
	bound := map[reflect.Type]reflect.Type{}
	for _, f := range funcs {
		for i := range f.Type().NumIn() {
			in := f.Type().In(i)
			if produced[in] || bound[in] != nil {
				continue
			}
			if in.Kind() != reflect.Interface {
				return nil, fmt.Errorf("nothing provides %s", in)
			}
			var impl reflect.Type
			for t := range produced {
				if t.Implements(in) {
					if impl != nil {
						return nil, fmt.Errorf("%s: both %s and %s implement it", in, impl, t)
					}
					impl = t
				}
			}
			if impl == nil {
				return nil, fmt.Errorf("nothing provides %s", in)
			}
			bound[in] = impl
		}
	}
	for iface, impl := range bound {
		funcs = append(funcs, reflect.MakeFunc(reflect.FuncOf([]reflect.Type{impl}, []reflect.Type{iface}, false),
			func(args []reflect.Value) []reflect.Value { return []reflect.Value{args[0].Convert(iface)} }))
	}
	g.funcs = funcs
	for _, f := range funcs {
		g.doPs = append(g.doPs, doProvider{name: f.Type().Out(0).String(), fn: doAdapter(f)})
	}
	return g, nil
}

// doAdapter is a do provider calling f with its parameters invoked by type
// name.
func doAdapter(f reflect.Value) do.Provider[any] {
	t := f.Type()
	return func(i do.Injector) (any, error) {
		args := make([]reflect.Value, t.NumIn())
		for k := range args {
			v, err := do.InvokeNamed[any](i, t.In(k).String())
			if err != nil {
				return nil, err
			}
			if v == nil {
				args[k] = reflect.Zero(t.In(k))
			} else {
				args[k] = reflect.ValueOf(v)
			}
		}
		return f.Call(args)[0].Interface(), nil
	}
}

// DigRequest builds the request scope in a new dig container.
func (g *Graph) DigRequest(d *app.Deps, r *http.Request) (app.Request, error) {
	c := dig.New()
	if err := c.Provide(func() *app.Deps { return d }); err != nil {
		return app.Request{}, err
	}
	if err := c.Provide(func() *http.Request { return r }); err != nil {
		return app.Request{}, err
	}
	for _, f := range g.funcs {
		if err := c.Provide(f.Interface()); err != nil {
			return app.Request{}, err
		}
	}
	var out app.Request
	err := c.Invoke(func(req *app.Request) { out = *req })
	return out, err
}

// DoRequest builds the request scope in a new samber/do injector and shuts
// it down.
func (g *Graph) DoRequest(d *app.Deps, r *http.Request) (app.Request, error) {
	i := do.New()
	do.ProvideNamedValue[any](i, depsType.String(), d)
	do.ProvideNamedValue[any](i, requestType.String(), r)
	for _, p := range g.doPs {
		do.ProvideNamed(i, p.name, p.fn)
	}
	v, err := do.InvokeNamed[any](i, resultType.String())
	if rep := i.Shutdown(); err == nil && rep != nil && !rep.Succeed {
		err = rep
	}
	if err != nil {
		return app.Request{}, err
	}
	return *v.(*app.Request), nil
}

// CheckRequest reports an error unless every field of req is set.
func CheckRequest(req *app.Request) error {
	if req == nil {
		return fmt.Errorf("nil request")
	}
	v := reflect.ValueOf(req).Elem()
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			return fmt.Errorf("app.Request.%s is not set: run go generate in bench/peers", v.Type().Field(i).Name)
		}
	}
	return nil
}
