package pgcluster

import (
	"fmt"
	"log/slog"
	"maps"
	"time"
)

const (
	defaultOSUser       = "postgres"
	defaultStartTimeout = 30 * time.Second
	maxReplicas         = 8
)

// Config describes a cluster. The zero value is a lone primary.
type Config struct {
	// Dir is the root directory of the cluster. Empty means a new directory
	// under the system temp directory (or /tmp when the server user cannot
	// reach that), removed again by [Cluster.Stop].
	Dir string

	// Replicas is the number of streaming replicas, 0 to 8.
	Replicas int

	// PgBouncer starts pgbouncer in transaction pooling mode in front of the
	// primary.
	PgBouncer bool

	// BinDir holds the PostgreSQL server binaries (initdb, postgres,
	// pg_basebackup). Empty means discover it like pglocal does.
	BinDir string

	// PgBouncerPath is the pgbouncer binary. Empty means look for
	// "pgbouncer" on PATH, then in /usr/sbin and /usr/bin.
	PgBouncerPath string

	// OSUser runs the servers and pgbouncer when the process is root.
	// Default "postgres".
	OSUser string

	// Settings are extra server settings for the primary and every replica
	// (a hot standby needs max_connections and a few others at least as high
	// as its primary's, so they always share them). Default: fsync=off.
	Settings map[string]string

	// StartTimeout bounds the start of each server. Default 30s.
	StartTimeout time.Duration

	// Logger receives lifecycle events. Nil discards them.
	Logger *slog.Logger
}

// withDefaults validates c and fills in defaults.
func (c Config) withDefaults() (Config, error) {
	if c.Replicas < 0 || c.Replicas > maxReplicas {
		return c, fmt.Errorf("pgcluster: Replicas = %d, want 0 to %d", c.Replicas, maxReplicas)
	}
	if c.OSUser == "" {
		c.OSUser = defaultOSUser
	}
	if c.StartTimeout <= 0 {
		c.StartTimeout = defaultStartTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	settings := map[string]string{"fsync": "off"}
	maps.Copy(settings, c.Settings)
	c.Settings = settings
	return c, nil
}
