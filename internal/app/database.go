package app

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aquila-go/aquila/internal/db"
	"github.com/aquila-go/aquila/postgres"
	"github.com/aquila-go/aquila/schema"
)

// DSN is the address of the service's database.
type DSN string

// Migrated marks that the database schema is at the latest migration; the
// pool depends on it so that statements are prepared against the final schema.
type Migrated struct{}

// ProvideDSN returns cfg.DatabaseURL, or starts (or reuses) the embedded
// server in cfg.DataDir when it is empty. The cleanup stops that server.
func ProvideDSN(ctx context.Context, cfg Config, log *slog.Logger) (DSN, func(), error) {
	if cfg.DatabaseURL != "" {
		log.Info("using database", "dsn", postgres.Redact(cfg.DatabaseURL))
		return DSN(cfg.DatabaseURL), func() {}, nil
	}
	srv, err := StartLocal(ctx, cfg.DataDir, log)
	if err != nil {
		return "", nil, err
	}
	log.Info("embedded database started", "dir", srv.DataDir(), "port", srv.Port())
	stop := func() {
		if err := srv.Stop(context.Background()); err != nil {
			log.Error("stop embedded database", "err", err)
			return
		}
		log.Info("embedded database stopped")
	}
	return DSN(srv.SocketDSN("postgres")), stop, nil
}

// ProvideMigrated applies every pending migration of the reference schema,
// on cfg.MigrateURL when set (a direct connection when DSN goes through
// PgBouncer: goose's session lock needs one server session).
func ProvideMigrated(ctx context.Context, cfg Config, dsn DSN, log *slog.Logger) (Migrated, error) {
	target := string(dsn)
	if cfg.MigrateURL != "" {
		target = cfg.MigrateURL
	}
	m, err := postgres.NewMigrator(target, schema.FS)
	if err != nil {
		return Migrated{}, err
	}
	defer m.Close()
	res, err := m.Up(ctx)
	if err != nil {
		return Migrated{}, fmt.Errorf("migrate: %w", err)
	}
	for _, r := range res {
		log.Info("migration applied", "version", r.Source.Version, "took", r.Duration)
	}
	return Migrated{}, nil
}

// ProvideRouter opens the warmed primary pool (MinIdleConns connections,
// each with every sqlc statement prepared) and one pool per replica; reads
// are routed to healthy replicas, everything else to the primary. With no
// replicas configured it is just the primary pool. The cleanup closes them.
func ProvideRouter(ctx context.Context, cfg Config, dsn DSN, _ Migrated, tracer *Tracer, m *Metrics, log *slog.Logger) (*postgres.Router, func(), error) {
	r, err := postgres.NewRouter(ctx, postgres.RouterConfig{
		Primary: postgres.Config{
			DSN:          string(dsn),
			MaxConns:     cfg.MaxConns,
			MinIdleConns: cfg.MinIdleConns,
			ExecMode:     cfg.ExecMode,
			Prepare:      db.Statements(),
			Tracer:       tracer,
			Logger:       log,
		},
		Replicas: cfg.ReplicaURLs,
		MaxLag:   cfg.MaxReplicaLag,
		Logger:   log,
	})
	if err != nil {
		return nil, nil, err
	}
	if err := m.registerPool(r.Primary()); err != nil {
		r.Close()
		return nil, nil, err
	}
	return r, func() {
		r.Close()
		log.Info("database pools closed")
	}, nil
}
