package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/aquila-go/aquila/postgres"
	"github.com/aquila-go/aquila/query"
)

func serveCmd(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlagSet("serve", "serve [flags]")
	var db dbFlags
	db.register(fs)
	var cfg Config
	fs.StringVar(&cfg.MigrateURL, "migrate-url", "", "direct (non-pooled) DSN for migrations when -database-url goes through PgBouncer")
	fs.fromEnv("migrate-url", "MIGRATE_URL")
	fs.Var(&listVar{&cfg.ReplicaURLs}, "replica-url", "DSN of a streaming replica that takes reads (repeatable)")
	fs.fromEnv("replica-url", "REPLICA_URLS")
	fs.DurationVar(&cfg.MaxReplicaLag, "max-replica-lag", 5*time.Second, "replicas lagging more than this get no reads")
	fs.fromEnv("max-replica-lag", "MAX_REPLICA_LAG")
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "HTTP listen address")
	fs.fromEnv("addr", "ADDR")
	var maxConns, minIdle int
	fs.IntVar(&maxConns, "max-conns", 0, "maximum pool connections (0 = max(4, CPUs))")
	fs.fromEnv("max-conns", "MAX_CONNS")
	fs.IntVar(&minIdle, "min-idle-conns", 4, "connections opened and prepared before the service is ready")
	fs.fromEnv("min-idle-conns", "MIN_IDLE_CONNS")
	fs.StringVar(&cfg.ExecMode, "exec-mode", "", "pgx query exec mode: cache_statement (default), exec (for PgBouncer), cache_describe, describe_exec, simple_protocol")
	fs.fromEnv("exec-mode", "EXEC_MODE")
	fs.BoolVar(&cfg.Pipeline, "pipeline", true, "pipeline statements outside transactions over a few connections (off with the PgBouncer exec modes)")
	fs.fromEnv("pipeline", "PIPELINE")
	fs.IntVar(&cfg.PipelineConns, "pipeline-conns", 0, fmt.Sprintf("connections the pipeline keeps, in addition to the pool (0 = %d)", postgres.DefaultPipelineConns))
	fs.fromEnv("pipeline-conns", "PIPELINE_CONNS")
	fs.DurationVar(&cfg.DBWait, "db-wait", 60*time.Second, "how long to wait for an unreachable database at start, retrying with backoff (0 = fail at once)")
	fs.fromEnv("db-wait", "DB_WAIT")
	fs.DurationVar(&cfg.ShutdownDelay, "shutdown-delay", 5*time.Second, "on SIGINT/SIGTERM, keep serving this long with /readyz answering 503 before closing the listener")
	fs.fromEnv("shutdown-delay", "SHUTDOWN_DELAY")
	fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", 15*time.Second, "how long in-flight requests may take to finish on SIGINT/SIGTERM")
	fs.fromEnv("shutdown-timeout", "SHUTDOWN_TIMEOUT")
	fs.DurationVar(&cfg.SlowQuery, "slow-query", 200*time.Millisecond, "log queries slower than this (statement name and duration; arguments too at -log-level debug)")
	fs.fromEnv("slow-query", "SLOW_QUERY")
	fs.DurationVar(&cfg.RequestTimeout, "request-timeout", 30*time.Second, "deadline for each API request's work; exceeded → 504")
	fs.fromEnv("request-timeout", "REQUEST_TIMEOUT")
	fs.Var(keyVar{&cfg.CursorKey, query.MinCursorKeySize}, "cursor-key", fmt.Sprintf("`hex` key of at least %d digits (%d bytes) signing list cursors; empty = a random key per start", 2*query.MinCursorKeySize, query.MinCursorKeySize))
	fs.fromEnv("cursor-key", "CURSOR_KEY")
	fs.BoolVar(&cfg.NoReadCache, "no-read-cache", false, "switch off the per-request read cache")
	fs.fromEnv("no-read-cache", "NO_READ_CACHE")
	fs.BoolVar(&cfg.Pprof, "pprof", false, "serve net/http/pprof under /debug/pprof/")
	fs.fromEnv("pprof", "PPROF")
	fs.Var(levelVar{&cfg.LogLevel}, "log-level", "log level: debug, info, warn, error")
	fs.fromEnv("log-level", "LOG_LEVEL")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fs.usageError("serve takes no arguments")
	}
	if cfg.DBWait < 0 || cfg.ShutdownDelay < 0 {
		return fmt.Errorf("%w: -db-wait and -shutdown-delay must not be negative", errUsage)
	}
	if cfg.PipelineConns < 0 || cfg.PipelineConns > 1<<10 {
		return fmt.Errorf("%w: -pipeline-conns must be between 0 and 1024", errUsage)
	}
	if maxConns < 0 || minIdle < 0 || maxConns > 1<<15 || minIdle > 1<<15 {
		return fmt.Errorf("%w: -max-conns and -min-idle-conns must be between 0 and 32768", errUsage)
	}
	cfg.DatabaseURL, cfg.DataDir = db.url, db.dataDir
	cfg.MaxConns, cfg.MinIdleConns = int32(maxConns), int32(minIdle)
	log, buf := newBufferedLogger(r.stderr, cfg.LogLevel)
	defer buf.Close()
	return r.serve(ctx, cfg, log)
}

// serve listens at once (so /healthz answers while the database starts),
// waits for the database (up to cfg.DBWait), builds the pool and the
// service's handler, reports ready (/readyz then also checks the
// database), and on ctx's end drains: /readyz 503 for cfg.ShutdownDelay
// while requests are still served → stop accepting → wait for in-flight
// requests → the cleanups in reverse order (the handler's, the pools, the
// embedded server).
func (r *runner) serve(ctx context.Context, cfg Config, log *slog.Logger) error {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	lc := newLifecycle()
	srv := &http.Server{
		Handler:           lc,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String())

	var cleanups []func()
	defer func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}()
	h, probe, err := r.start(ctx, cfg, log, &cleanups)
	if err != nil {
		shutdown(srv, time.Second, log)
		return fmt.Errorf("start: %w", err)
	}
	lc.setReady(h, probe)
	log.Info("ready", "addr", ln.Addr().String())

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		lc.setStopping()
		return fmt.Errorf("serve: %w", err)
	}
	lc.setStopping()
	if cfg.ShutdownDelay > 0 {
		log.Info("stopping: not ready, still serving", "delay", cfg.ShutdownDelay)
		select {
		case <-time.After(cfg.ShutdownDelay):
		case err := <-serveErr:
			return fmt.Errorf("serve: %w", err)
		}
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	return shutdown(srv, cfg.ShutdownTimeout, log)
}

// start builds what the service runs on, in order, appending each cleanup
// to cleanups: the database (embedded unless cfg.DatabaseURL), once it
// answers (waitDatabase), migrations, the metrics registry, the warm pool,
// the service's handler. It returns the root handler of the API (/metrics,
// /debug/pprof/ with cfg.Pprof, and the service's handler for everything
// else) and the database probe of /readyz.
func (r *runner) start(ctx context.Context, cfg Config, log *slog.Logger, cleanups *[]func()) (http.Handler, func(context.Context) error, error) {
	dsn, stop, err := database(ctx, cfg.DatabaseURL, cfg.DataDir, log)
	if err != nil {
		return nil, nil, err
	}
	*cleanups = append(*cleanups, stop)
	target := dsn
	if cfg.MigrateURL != "" {
		target = cfg.MigrateURL
	}
	if err := waitDatabase(ctx, target, cfg.DBWait, log); err != nil {
		return nil, nil, err
	}
	if err := r.migrateUp(ctx, cfg, dsn, log); err != nil {
		return nil, nil, err
	}
	m, err := newMetrics()
	if err != nil {
		return nil, nil, err
	}
	rt, err := r.openRouter(ctx, cfg, dsn, m, log)
	if err != nil {
		return nil, nil, err
	}
	*cleanups = append(*cleanups, func() {
		rt.Close()
		log.Info("database pools closed")
	})

	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
	if cfg.Pprof {
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	}
	if r.svc.OpenAPI != nil {
		h, err := openAPIHandler(r.svc.OpenAPI)
		if err != nil {
			return nil, nil, err
		}
		mux.Handle("GET /openapi.json", h)
	}
	if r.svc.Handler != nil {
		d := &Deps{Config: cfg, Logger: log, Router: rt, Metrics: m.registry, Registry: r.svc.Registry}
		api, cleanup, err := r.svc.Handler(ctx, d)
		if err != nil {
			return nil, nil, fmt.Errorf("handler: %w", err)
		}
		if cleanup != nil {
			*cleanups = append(*cleanups, cleanup)
		}
		mux.Handle("/", api)
	}
	return mux, rt.Primary().Ping, nil
}

// shutdown stops accepting and waits up to timeout for in-flight requests.
func shutdown(srv *http.Server, timeout time.Duration, log *slog.Logger) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			srv.Close()
			return fmt.Errorf("shutdown: in-flight requests still running after %s", timeout)
		}
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("http server stopped")
	return nil
}
