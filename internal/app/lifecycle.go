package app

import (
	"net/http"
	"sync/atomic"
)

// Lifecycle is the server's root handler. It answers /healthz (the process
// is up) at once and /readyz (the service can take traffic) only between
// SetReady and SetStopping; until the API handler is installed every other
// path gets 503, so the listener can open before the database is ready.
type Lifecycle struct {
	api   atomic.Pointer[http.Handler]
	ready atomic.Bool
}

// NewLifecycle returns a Lifecycle that is live but not ready.
func NewLifecycle() *Lifecycle { return &Lifecycle{} }

// SetReady installs the API handler and reports ready.
func (l *Lifecycle) SetReady(api http.Handler) {
	l.api.Store(&api)
	l.ready.Store(true)
}

// SetStopping reports not ready (load balancers stop sending traffic);
// requests already routed are still served while the server drains.
func (l *Lifecycle) SetStopping() { l.ready.Store(false) }

// ServeHTTP implements http.Handler.
func (l *Lifecycle) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/healthz":
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok"}` + "\n"))
		return
	case "/readyz":
		w.Header().Set("Content-Type", "application/json")
		if !l.ready.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"status":"not ready"}` + "\n"))
			return
		}
		w.Write([]byte(`{"status":"ready"}` + "\n"))
		return
	}
	api := l.api.Load()
	if api == nil {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"error":{"code":"unavailable","message":"service is starting"}}` + "\n"))
		return
	}
	(*api).ServeHTTP(w, r)
}
