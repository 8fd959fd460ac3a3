package cli

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Readiness probes of the database are at most this frequent, so that
// probes add no load; each is bounded by readyTimeout.
const (
	readyEvery   = time.Second
	readyTimeout = time.Second
)

// lifecycle is the server's root handler. It answers /healthz (the process
// is up) at once and /readyz (the service can take traffic) with 200 only
// between setReady and setStopping and while the database answers; until
// the API handler is installed every other path gets 503, so the listener
// can open before the database is ready.
type lifecycle struct {
	api      atomic.Pointer[http.Handler]
	ready    atomic.Bool
	stopping atomic.Bool

	probe   func(context.Context) error // the database check; nil until ready
	probeMu sync.Mutex                  // one probe at a time
	checked atomic.Int64                // unix nanoseconds of the last probe
	dbOK    atomic.Bool                 // its result
}

// newLifecycle returns a lifecycle that is live but not ready.
func newLifecycle() *lifecycle { return &lifecycle{} }

// setReady installs the API handler and the database probe and reports
// ready.
func (l *lifecycle) setReady(api http.Handler, probe func(context.Context) error) {
	l.probe = probe
	l.dbOK.Store(true)
	l.checked.Store(time.Now().UnixNano())
	l.api.Store(&api)
	l.ready.Store(true)
}

// setStopping reports not ready (load balancers stop sending traffic);
// requests already routed, and new ones, are still served until the
// server shuts down.
func (l *lifecycle) setStopping() { l.stopping.Store(true) }

// databaseOK returns the result of the last database probe, probing again
// when it is older than readyEvery. Concurrent callers do not wait for a
// probe under way: they get the previous result.
func (l *lifecycle) databaseOK(ctx context.Context) bool {
	if l.probe == nil || time.Since(time.Unix(0, l.checked.Load())) < readyEvery || !l.probeMu.TryLock() {
		return l.dbOK.Load()
	}
	defer l.probeMu.Unlock()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), readyTimeout)
	defer cancel()
	l.dbOK.Store(l.probe(ctx) == nil)
	l.checked.Store(time.Now().UnixNano())
	return l.dbOK.Load()
}

// ServeHTTP implements http.Handler.
func (l *lifecycle) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/healthz":
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok"}` + "\n"))
		return
	case "/readyz":
		w.Header().Set("Content-Type", "application/json")
		var reason string
		switch {
		case l.stopping.Load():
			reason = "stopping"
		case !l.ready.Load():
			reason = "starting"
		case !l.databaseOK(r.Context()):
			reason = "database unreachable"
		default:
			w.Write([]byte(`{"status":"ready"}` + "\n"))
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"status":"not ready","reason":"` + reason + `"}` + "\n"))
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
