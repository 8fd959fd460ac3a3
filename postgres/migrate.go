package postgres

import (
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Migrator runs goose migrations on a direct connection to dsn. It embeds the
// goose Provider, so Up, Down, Status, GetDBVersion and the rest are goose's
// own methods; Close closes the database handle too.
type Migrator struct {
	*goose.Provider
}

// NewMigrator opens a direct database handle on dsn and a goose Provider over
// the goose SQL files at the root of fsys, with PostgreSQL's session advisory
// lock so that concurrent migrators apply each version once. dsn must reach
// the server directly, not through a transaction-pooling PgBouncer: the lock
// is held by one session for the whole run. Close releases everything.
func NewMigrator(dsn string, fsys fs.FS, opts ...goose.ProviderOption) (*Migrator, error) {
	cc, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	db := stdlib.OpenDB(*cc)
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys,
		append([]goose.ProviderOption{
			goose.WithSessionLocker(locker),
			goose.WithDisableGlobalRegistry(true),
		}, opts...)...)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return &Migrator{Provider: p}, nil
}
