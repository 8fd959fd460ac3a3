package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aquila-go/aquila/postgres/pglocal"
)

// Cluster is a running primary with its replicas and PgBouncer. Its methods
// are safe for concurrent use.
type Cluster struct {
	dir      string
	ownDir   bool
	primary  *pglocal.Server
	replicas []*Replica
	bouncer  *Bouncer

	stopOnce sync.Once
	stopErr  error
}

// Start starts the cluster described by cfg and returns once every server
// accepts connections. On error everything already started is stopped.
// The processes keep running after ctx is done; ctx bounds the start only.
func Start(ctx context.Context, cfg Config) (*Cluster, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	var bouncerBin string
	if cfg.PgBouncer {
		if bouncerBin, err = findPgBouncer(cfg.PgBouncerPath); err != nil {
			return nil, err
		}
	}
	cred, err := lookupCredential(cfg.OSUser)
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: cfg.Dir}
	if err := c.startPrimary(ctx, cfg); err != nil {
		return nil, err
	}
	for i := range cfg.Replicas {
		r, err := newReplica(ctx, i, filepath.Join(c.dir, "replica"+strconv.Itoa(i)), c.primary, cfg)
		if err != nil {
			return nil, errors.Join(err, c.Stop(context.Background()))
		}
		c.replicas = append(c.replicas, r)
	}
	if cfg.PgBouncer {
		b, err := startBouncer(ctx, bouncerBin, filepath.Join(c.dir, "pgbouncer"), c.primary.Port(), cred, cfg.StartTimeout)
		if err != nil {
			return nil, errors.Join(err, c.Stop(context.Background()))
		}
		c.bouncer = b
	}
	cfg.Logger.Info("pgcluster: ready", "dir", c.dir, "primary", c.primary.Port(), "replicas", len(c.replicas), "pgbouncer", c.bouncer != nil)
	return c, nil
}

// startPrimary creates the cluster directory when cfg.Dir is empty and
// starts the primary in Dir/primary.
func (c *Cluster) startPrimary(ctx context.Context, cfg Config) error {
	pcfg := pglocal.Config{
		BinDir:       cfg.BinDir,
		OSUser:       cfg.OSUser,
		Settings:     cfg.Settings,
		StartTimeout: cfg.StartTimeout,
		Logger:       cfg.Logger.With("server", "primary"),
	}
	if c.dir != "" {
		pcfg.Dir = filepath.Join(c.dir, "primary")
		srv, err := pglocal.Start(ctx, pcfg)
		if err != nil {
			return err
		}
		c.primary = srv
		return nil
	}
	// A temporary directory: the system one, or /tmp when the server user
	// cannot reach that (running as root with a private $TMPDIR).
	for _, parent := range []string{"", "/tmp"} {
		dir, err := os.MkdirTemp(parent, "aquila-pgcluster-*")
		if err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
		if err := os.Chmod(dir, 0o711); err != nil {
			os.RemoveAll(dir)
			return fmt.Errorf("pgcluster: %w", err)
		}
		pcfg.Dir = filepath.Join(dir, "primary")
		srv, err := pglocal.Start(ctx, pcfg)
		if err == nil {
			c.dir, c.ownDir, c.primary = dir, true, srv
			return nil
		}
		os.RemoveAll(dir)
		if !errors.Is(err, pglocal.ErrDirNotTraversable) || parent != "" {
			return err
		}
	}
	return nil // unreachable: the /tmp attempt returns
}

// MustStart starts a cluster for a test or benchmark and stops it when tb
// ends. It fails tb when the cluster cannot start, for example because
// PostgreSQL is not installed. A cluster with PgBouncer on a machine
// without pgbouncer skips tb, saying what to install, unless the
// environment variable CI is set (to anything but "" or "false"): there a
// missing pgbouncer fails tb, so that CI cannot pass by skipping.
func MustStart(tb testing.TB, cfg Config) *Cluster {
	tb.Helper()
	if cfg.PgBouncer && !NeedPgBouncer(tb, cfg.PgBouncerPath) {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := Start(ctx, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := c.Stop(context.Background()); err != nil {
			tb.Error(err)
		}
	})
	return c
}

// PgBouncerInstall tells how to install pgbouncer.
const PgBouncerInstall = "Debian/Ubuntu: apt-get install pgbouncer; Fedora/RHEL: dnf install pgbouncer; macOS: brew install pgbouncer"

// NeedPgBouncer reports whether pgbouncer (at path, or searched for as
// Start does when path is empty) is installed. When it is not, it skips tb
// with a message naming the package to install and returns false; with
// the environment variable CI set it fails tb instead.
func NeedPgBouncer(tb testing.TB, path string) bool {
	tb.Helper()
	if _, err := findPgBouncer(path); err != nil {
		msg := "this test needs pgbouncer, which is not installed (" + PgBouncerInstall + ")"
		if ci := os.Getenv("CI"); ci != "" && ci != "false" {
			tb.Fatal(msg + "; CI must install it")
			return false
		}
		tb.Skip(msg)
		return false
	}
	return true
}

// Dir returns the cluster's root directory.
func (c *Cluster) Dir() string { return c.dir }

// Primary returns the primary server.
func (c *Cluster) Primary() *pglocal.Server { return c.primary }

// Replicas returns the replicas, in creation order.
func (c *Cluster) Replicas() []*Replica { return c.replicas }

// Replica returns replica i.
func (c *Cluster) Replica(i int) *Replica { return c.replicas[i] }

// Bouncer returns PgBouncer, or nil when Config.PgBouncer was not set.
func (c *Cluster) Bouncer() *Bouncer { return c.bouncer }

// WaitReplay waits until every running replica whose replay is not paused
// has replayed everything the primary had written when WaitReplay was
// called.
func (c *Cluster) WaitReplay(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, c.primary.DSN("postgres"))
	if err != nil {
		return fmt.Errorf("pgcluster: primary: %w", err)
	}
	var lsn string
	err = conn.QueryRow(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&lsn)
	conn.Close(ctx)
	if err != nil {
		return fmt.Errorf("pgcluster: primary: %w", err)
	}
	for _, r := range c.replicas {
		if !r.waitable() {
			continue
		}
		if err := r.waitReplay(ctx, lsn); err != nil {
			return err
		}
	}
	return nil
}

// Stop stops PgBouncer, the replicas and the primary, and removes the
// directory when Start created it. It is idempotent.
func (c *Cluster) Stop(ctx context.Context) error {
	c.stopOnce.Do(func() {
		var errs []error
		if c.bouncer != nil {
			errs = append(errs, c.bouncer.Stop())
		}
		for _, r := range c.replicas {
			errs = append(errs, r.Stop(ctx))
		}
		if c.primary != nil {
			errs = append(errs, c.primary.Stop(ctx))
		}
		if c.ownDir {
			errs = append(errs, os.RemoveAll(c.dir))
		}
		c.stopErr = errors.Join(errs...)
	})
	return c.stopErr
}
