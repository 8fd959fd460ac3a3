package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"

	"github.com/aquila-go/aquila/postgres"
	"github.com/aquila-go/aquila/postgres/pglocal"
)

// ErrNoMigrations is returned by migrate when Service.Migrations is nil.
var ErrNoMigrations = errors.New("the service has no migrations")

// database returns url, or starts (or reuses) the embedded server in
// dataDir when url is empty; stop stops that server.
func database(ctx context.Context, url, dataDir string, log *slog.Logger) (dsn string, stop func(), err error) {
	if url != "" {
		log.Info("using database", "dsn", postgres.Redact(url))
		return url, func() {}, nil
	}
	srv, err := startLocal(ctx, dataDir, log)
	if err != nil {
		if errors.Is(err, pglocal.ErrNoBinaries) {
			return "", nil, err
		}
		return "", nil, fmt.Errorf("embedded database: %w", err)
	}
	log.Info("embedded database started", "dir", srv.DataDir(), "port", srv.Port())
	return srv.SocketDSN("postgres"), func() {
		if err := srv.Stop(context.Background()); err != nil {
			log.Error("stop embedded database", "err", err)
			return
		}
		log.Info("embedded database stopped")
	}, nil
}

// connect is database for the one-shot commands (migrate, check, load):
// the embedded server, if started, logs warnings only.
func (r *runner) connect(ctx context.Context, db dbFlags) (string, func(), error) {
	return database(ctx, db.url, db.dataDir, newLogger(r.stderr, slog.LevelWarn))
}

// dial connects one connection for check and load, starting the embedded
// server when no DSN is given; closeFn closes both.
func (r *runner) dial(ctx context.Context, db dbFlags) (conn *pgx.Conn, closeFn func(), err error) {
	dsn, stop, err := r.connect(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	conn, err = pgx.Connect(ctx, dsn)
	if err != nil {
		stop()
		return nil, nil, fmt.Errorf("connect: %w", err)
	}
	return conn, func() { conn.Close(context.WithoutCancel(ctx)); stop() }, nil
}

// migrator opens the service's migrations on dsn.
func (r *runner) migrator(dsn string) (*postgres.Migrator, error) {
	if r.svc.Migrations == nil {
		return nil, ErrNoMigrations
	}
	return postgres.NewMigrator(dsn, r.svc.Migrations)
}

// migrateUp applies every pending migration, on cfg.MigrateURL when set (a
// direct connection when dsn goes through PgBouncer: goose's session lock
// needs one server session). A service without migrations skips this.
func (r *runner) migrateUp(ctx context.Context, cfg Config, dsn string, log *slog.Logger) error {
	if r.svc.Migrations == nil {
		log.Info("no migrations to apply: the service has none")
		return nil
	}
	target := dsn
	if cfg.MigrateURL != "" {
		target = cfg.MigrateURL
	}
	m, err := r.migrator(target)
	if err != nil {
		return err
	}
	defer m.Close()
	res, err := m.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, x := range res {
		log.Info("migration applied", "version", x.Source.Version, "took", x.Duration)
	}
	return nil
}

// openRouter opens the warmed primary pool (MinIdleConns connections, each
// with every Service.Statements prepared) and one pool per replica; reads
// are routed to healthy replicas, everything else to the primary. With no
// replicas configured it is just the primary pool.
func (r *runner) openRouter(ctx context.Context, cfg Config, dsn string, m *metrics, log *slog.Logger) (*postgres.Router, error) {
	var pipeline *postgres.PipelineConfig
	if cfg.Pipeline {
		pipeline = &postgres.PipelineConfig{Conns: cfg.PipelineConns}
	}
	rt, err := postgres.NewRouter(ctx, postgres.RouterConfig{
		Primary: postgres.Config{
			DSN:          dsn,
			MaxConns:     cfg.MaxConns,
			MinIdleConns: cfg.MinIdleConns,
			ExecMode:     cfg.ExecMode,
			Prepare:      r.svc.Statements,
			Tracer:       newTracer(cfg, log, m),
			Logger:       log,
		},
		Replicas: cfg.ReplicaURLs,
		MaxLag:   cfg.MaxReplicaLag,
		Pipeline: pipeline,
		Logger:   log,
	})
	if err != nil {
		return nil, err
	}
	if err := m.registerPool(rt.Primary(), rt.Pipeline()); err != nil {
		rt.Close()
		return nil, err
	}
	return rt, nil
}
