package pglocal

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"time"
)

const (
	defaultOSUser       = "postgres"
	defaultStartTimeout = 30 * time.Second
)

// Config describes a local server. Only Dir is required.
type Config struct {
	// Dir is the root directory pglocal owns. It holds data/ (PGDATA), run/
	// (the Unix socket directory) and postgres.log. It is created if missing
	// and reused when it already holds an initialised cluster.
	Dir string

	// BinDir is the directory holding the initdb and postgres binaries.
	// Empty means discover it with [FindBinDir].
	BinDir string

	// Port is the TCP port on 127.0.0.1. Zero picks a free port.
	Port int

	// OSUser is the operating-system user that runs initdb and the server
	// when the current process runs as root, which PostgreSQL refuses.
	// Default "postgres".
	OSUser string

	// Settings are extra server settings passed as -c name=value, in sorted
	// key order, for example {"fsync": "off"}. The settings pglocal manages
	// itself (port, listen_addresses, unix_socket_directories,
	// data_directory, config_file, hba_file) are rejected.
	Settings map[string]string

	// StartTimeout bounds the wait for the server to accept connections.
	// Default 30s.
	StartTimeout time.Duration

	// Logger receives lifecycle events. Nil discards them.
	Logger *slog.Logger
}

// managedSetting reports whether Start sets the named setting itself.
func managedSetting(name string) bool {
	switch name {
	case "port", "listen_addresses", "unix_socket_directories", "data_directory", "config_file", "hba_file":
		return true
	}
	return false
}

// withDefaults validates c and returns a copy with defaults filled in and
// Dir made absolute.
func (c Config) withDefaults() (Config, error) {
	if c.Dir == "" {
		return c, fmt.Errorf("pglocal: Config.Dir is required")
	}
	dir, err := filepath.Abs(c.Dir)
	if err != nil {
		return c, fmt.Errorf("pglocal: %w", err)
	}
	c.Dir = dir
	if c.Port < 0 || c.Port > 65535 {
		return c, fmt.Errorf("pglocal: invalid port %d", c.Port)
	}
	for name := range c.Settings {
		if managedSetting(name) {
			return c, fmt.Errorf("pglocal: setting %q is managed by pglocal", name)
		}
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
	return c, nil
}

// settingArgs returns Settings as -c arguments in sorted key order.
func (c Config) settingArgs() []string {
	names := make([]string, 0, len(c.Settings))
	for name := range c.Settings {
		names = append(names, name)
	}
	slices.Sort(names)
	args := make([]string, 0, 2*len(names))
	for _, name := range names {
		args = append(args, "-c", name+"="+c.Settings[name])
	}
	return args
}
