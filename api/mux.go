package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aquila-go/aquila/openapi"
)

// HandlerFunc is an API handler: it writes a success response or returns
// an error, which the Mux writes with WriteError.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Config configures NewMux.
type Config struct {
	// Logger receives the access log (one record per request, at info)
	// and the causes of errors; request_id is added to each record. Nil
	// discards them.
	Logger *slog.Logger
	// Timeout bounds each request's work through its context (0 = none);
	// a handler whose database call runs past it answers 504.
	Timeout time.Duration
	// Registerer, when set, gets the request metrics:
	// aquila_http_requests_total and aquila_http_request_duration_seconds,
	// by route pattern and status code. Registering on a registry that
	// already holds them (a second Mux) shares them.
	Registerer prometheus.Registerer
}

// Mux routes requests by http.ServeMux patterns and runs the request
// lifecycle around each handler: the request id (kept from X-Request-Id or
// made, and echoed), the timeout, error writing, metrics and the access
// log.
type Mux struct {
	mux      *http.ServeMux
	log      *slog.Logger
	timeout  time.Duration
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	routes   []openapi.Route // documented with Route
}

// NewMux returns an empty Mux; it fails only when the metrics cannot be
// registered.
func NewMux(cfg Config) (*Mux, error) {
	m := &Mux{mux: http.NewServeMux(), log: cfg.Logger, timeout: cfg.Timeout}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	if m.timeout < 0 {
		return nil, fmt.Errorf("api: negative timeout %s", cfg.Timeout)
	}
	if cfg.Registerer == nil {
		return m, nil
	}
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "aquila_http_requests_total",
		Help: "HTTP requests by route and status code.",
	}, []string{"route", "code"})
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "aquila_http_request_duration_seconds",
		Help:    "HTTP request durations by route and status code.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "code"})
	var err error
	if m.requests, err = register(cfg.Registerer, requests); err != nil {
		return nil, err
	}
	if m.duration, err = register(cfg.Registerer, duration); err != nil {
		return nil, err
	}
	return m, nil
}

// register registers c, or returns the identical collector already there.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	err := reg.Register(c)
	if err == nil {
		return c, nil
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing, nil
		}
	}
	return c, fmt.Errorf("api: register metrics: %w", err)
}

// ServeHTTP implements http.Handler.
func (m *Mux) ServeHTTP(w http.ResponseWriter, r *http.Request) { m.mux.ServeHTTP(w, r) }

// Handle registers fn under pattern (an http.ServeMux pattern, which is
// also the route label of its metrics; "/" is labelled "unmatched").
func (m *Mux) Handle(pattern string, fn HandlerFunc) {
	route := pattern
	if route == "/" {
		route = "unmatched"
	}
	var metrics sync.Map // status code → *routeMetrics of the route
	m.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		// The request's state, its context value and its response writer
		// are one allocation.
		rc := &requestContext{Context: r.Context()}
		rc.state = requestState{id: NewRequestID(r), log: m.log}
		rc.sw.ResponseWriter = w
		var ctx context.Context = rc
		if m.timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, m.timeout)
			defer cancel()
		}
		r = r.WithContext(ctx)
		sw := &rc.sw
		sw.Header().Set(RequestIDHeader, rc.state.id)
		if err := fn(sw, r); err != nil {
			WriteError(sw, r, err)
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		dur := time.Since(start)
		if m.requests != nil {
			rm := m.routeMetrics(&metrics, route, sw.status)
			rm.requests.Inc()
			rm.duration.Observe(dur.Seconds())
		}
		m.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", sw.status),
			slog.Int64("bytes", sw.bytes),
			slog.Duration("duration", dur),
			slog.String("request_id", rc.state.id))
	})
}

// requestContext is a request's context in the Mux: the handler's
// context with the request's state as the requestKey value, and the
// request's response writer.
type requestContext struct {
	context.Context
	state requestState
	sw    statusWriter
}

func (c *requestContext) Value(key any) any {
	if key == (requestKey{}) {
		return &c.state
	}
	return c.Context.Value(key)
}

// routeMetrics are the metrics of one route and status code.
type routeMetrics struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

// routeMetrics returns the metrics of route and code, looked up by their
// labels once and then kept in byCode.
func (m *Mux) routeMetrics(byCode *sync.Map, route string, code int) *routeMetrics {
	if v, ok := byCode.Load(code); ok {
		return v.(*routeMetrics)
	}
	c := strconv.Itoa(code)
	rm := &routeMetrics{requests: m.requests.WithLabelValues(route, c), duration: m.duration.WithLabelValues(route, c)}
	v, _ := byCode.LoadOrStore(code, rm)
	return v.(*routeMetrics)
}

// HandleHTTP registers a plain http.Handler (e.g. /metrics, pprof) without
// the lifecycle.
func (m *Mux) HandleHTTP(pattern string, h http.Handler) { m.mux.Handle(pattern, h) }

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
