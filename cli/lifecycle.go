package cli

import (
	"net/http"
	"sync/atomic"
)

// lifecycle is the server's root handler. It answers /healthz (the process
// is up) at once and /readyz (the service can take traffic) only between
// setReady and setStopping; until the API handler is installed every other
// path gets 503, so the listener can open before the database is ready.
type lifecycle struct {
	api   atomic.Pointer[http.Handler]
	ready atomic.Bool
}

// newLifecycle returns a lifecycle that is live but not ready.
func newLifecycle() *lifecycle { return &lifecycle{} }

// setReady installs the API handler and reports ready.
func (l *lifecycle) setReady(api http.Handler) {
	l.api.Store(&api)
	l.ready.Store(true)
}

// setStopping reports not ready (load balancers stop sending traffic);
// requests already routed are still served while the server drains.
func (l *lifecycle) setStopping() { l.ready.Store(false) }

// ServeHTTP implements http.Handler.
func (l *lifecycle) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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
