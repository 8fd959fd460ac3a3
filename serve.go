package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/aquila-go/aquila/internal/app"
)

func serveCmd(ctx context.Context, args []string, stderr io.Writer) error {
	fs := newFlagSet("serve", "serve [flags]", stderr)
	var db dbFlags
	db.register(fs)
	var cfg app.Config
	fs.StringVar(&cfg.MigrateURL, "migrate-url", "", "direct (non-pooled) DSN for migrations when -database-url goes through PgBouncer")
	fs.fromEnv("migrate-url", "AQUILA_MIGRATE_URL")
	fs.Var(&listVar{&cfg.ReplicaURLs}, "replica-url", "DSN of a streaming replica that takes reads (repeatable)")
	fs.fromEnv("replica-url", "AQUILA_REPLICA_URLS")
	fs.DurationVar(&cfg.MaxReplicaLag, "max-replica-lag", 5*time.Second, "replicas lagging more than this get no reads")
	fs.fromEnv("max-replica-lag", "AQUILA_MAX_REPLICA_LAG")
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "HTTP listen address")
	fs.fromEnv("addr", "AQUILA_ADDR")
	var maxConns, minIdle int
	fs.IntVar(&maxConns, "max-conns", 0, "maximum pool connections (0 = max(4, CPUs))")
	fs.fromEnv("max-conns", "AQUILA_MAX_CONNS")
	fs.IntVar(&minIdle, "min-idle-conns", 4, "connections opened and prepared before the service is ready")
	fs.fromEnv("min-idle-conns", "AQUILA_MIN_IDLE_CONNS")
	fs.StringVar(&cfg.ExecMode, "exec-mode", "", "pgx query exec mode: cache_statement (default), exec (for PgBouncer), cache_describe, describe_exec, simple_protocol")
	fs.fromEnv("exec-mode", "AQUILA_EXEC_MODE")
	fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", 15*time.Second, "how long in-flight requests may take to finish on SIGINT/SIGTERM")
	fs.fromEnv("shutdown-timeout", "AQUILA_SHUTDOWN_TIMEOUT")
	fs.DurationVar(&cfg.SlowQuery, "slow-query", 200*time.Millisecond, "log queries slower than this (statement name and duration; arguments too at -log-level debug)")
	fs.fromEnv("slow-query", "AQUILA_SLOW_QUERY")
	fs.DurationVar(&cfg.RequestTimeout, "request-timeout", 30*time.Second, "deadline for each API request's work; exceeded → 504")
	fs.fromEnv("request-timeout", "AQUILA_REQUEST_TIMEOUT")
	fs.StringVar(&cfg.CursorKey, "cursor-key", "", "hex key (≥ 32 digits) signing list cursors; empty = random per start")
	fs.fromEnv("cursor-key", "AQUILA_CURSOR_KEY")
	fs.BoolVar(&cfg.NoReadCache, "no-read-cache", false, "switch off the per-request read cache")
	fs.fromEnv("no-read-cache", "AQUILA_NO_READ_CACHE")
	fs.BoolVar(&cfg.Pprof, "pprof", false, "serve net/http/pprof under /debug/pprof/")
	fs.fromEnv("pprof", "AQUILA_PPROF")
	fs.Var(levelVar{&cfg.LogLevel}, "log-level", "log level: debug, info, warn, error")
	fs.fromEnv("log-level", "AQUILA_LOG_LEVEL")
	if err := fs.parse(args); err != nil {
		return err
	}
	if maxConns < 0 || minIdle < 0 || maxConns > 1<<15 || minIdle > 1<<15 {
		return fmt.Errorf("%w: -max-conns and -min-idle-conns must be between 0 and 32768", errUsage)
	}
	cfg.DatabaseURL, cfg.DataDir = db.url, db.dataDir
	cfg.MaxConns, cfg.MinIdleConns = int32(maxConns), int32(minIdle)
	log := newLogger(stderr, cfg.LogLevel)
	return serve(ctx, cfg, log)
}

// serve listens at once (so /healthz answers while the database starts),
// builds the app through the app injector, reports ready, and on ctx's end
// drains: not ready → stop accepting → wait for in-flight requests → run the
// app's cleanups (pool, then embedded server).
func serve(ctx context.Context, cfg app.Config, log *slog.Logger) error {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	lc := app.NewLifecycle()
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

	a, cleanup, err := initApp(ctx, cfg, log)
	if err != nil {
		shutdown(srv, time.Second, log)
		return fmt.Errorf("start: %w", err)
	}
	defer cleanup()
	lc.SetReady(a.Handler)
	log.Info("ready", "addr", ln.Addr().String())

	select {
	case <-ctx.Done():
		log.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	case err := <-serveErr:
		lc.SetStopping()
		return fmt.Errorf("serve: %w", err)
	}
	lc.SetStopping()
	if err := shutdown(srv, cfg.ShutdownTimeout, log); err != nil {
		return err
	}
	return nil
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
