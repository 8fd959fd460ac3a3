package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/aquila-go/aquila/postgres/internal/proc"
)

const (
	bouncerStopTimeout = 10 * time.Second
	bouncerPortRetries = 3
	readyPollEvery     = 25 * time.Millisecond
	readyDialTimeout   = 2 * time.Second
)

// Bouncer is a pgbouncer process in transaction pooling mode that forwards
// every database to the primary. Its methods are safe for concurrent use.
type Bouncer struct {
	dir     string
	logPath string
	port    int
	proc    *proc.Process

	mu      sync.Mutex
	stopped bool
}

// findPgBouncer returns path, or pgbouncer from PATH, /usr/sbin or /usr/bin.
func findPgBouncer(path string) (string, error) {
	if path != "" {
		if _, err := os.Stat(path); err != nil {
			return "", fmt.Errorf("%w at %s: %w", ErrNoPgBouncer, path, err)
		}
		return path, nil
	}
	if p, err := exec.LookPath("pgbouncer"); err == nil {
		return p, nil
	}
	for _, p := range []string{"/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w (searched PATH, /usr/sbin, /usr/bin): install it (%s)", ErrNoPgBouncer, PgBouncerInstall)
}

// bouncerConfig is pgbouncer.ini: every database on the primary, transaction
// pooling, trust authentication for the users in userlist.txt.
func bouncerConfig(dir string, port, primaryPort int) string {
	return fmt.Sprintf(`[databases]
* = host=127.0.0.1 port=%d

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = trust
auth_file = %s
admin_users = postgres
pool_mode = transaction
max_client_conn = 500
default_pool_size = 20
ignore_startup_parameters = extra_float_digits
`, primaryPort, port, filepath.Join(dir, "userlist.txt"))
}

// startBouncer writes the configuration into dir and starts pgbouncer as
// cred, retrying with another port when the one picked was taken.
func startBouncer(ctx context.Context, bin, dir string, primaryPort int, cred *proc.Credential, timeout time.Duration) (*Bouncer, error) {
	if err := os.MkdirAll(dir, 0o711); err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	// pgbouncer's user must reach its files; the directory lists nothing.
	if err := os.Chmod(dir, 0o711); err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	users := filepath.Join(dir, "userlist.txt")
	if err := writeOwned(users, []byte(`"postgres" ""`+"\n"), cred); err != nil {
		return nil, err
	}
	b := &Bouncer{dir: dir, logPath: filepath.Join(dir, "pgbouncer.log")}
	for attempt := 0; ; attempt++ {
		port, err := proc.FreePort()
		if err != nil {
			return nil, fmt.Errorf("pgcluster: pick port: %w", err)
		}
		err = b.run(ctx, bin, port, primaryPort, cred, timeout)
		if err == nil {
			return b, nil
		}
		if attempt == bouncerPortRetries || !strings.Contains(err.Error(), "Address already in use") {
			return nil, err
		}
	}
}

// run starts pgbouncer on port and waits until it answers.
func (b *Bouncer) run(ctx context.Context, bin string, port, primaryPort int, cred *proc.Credential, timeout time.Duration) error {
	b.port = port
	ini := filepath.Join(b.dir, "pgbouncer.ini")
	if err := writeOwned(ini, []byte(bouncerConfig(b.dir, port, primaryPort)), cred); err != nil {
		return err
	}
	log, offset, err := proc.OpenLog(b.logPath)
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	cmd := exec.Command(bin, ini)
	cmd.Dir = b.dir
	cmd.Stdout, cmd.Stderr = log, log
	p, err := start(cmd, cred)
	log.Close()
	if err != nil {
		return fmt.Errorf("pgcluster: start pgbouncer: %w", err)
	}
	b.proc = p
	if err := b.waitReady(ctx, timeout, offset); err != nil {
		return errors.Join(err, stop(p, syscall.SIGTERM, bouncerStopTimeout))
	}
	return nil
}

// waitReady polls pgbouncer until it runs a query on the primary.
func (b *Bouncer) waitReady(ctx context.Context, timeout time.Duration, logOffset int64) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(readyPollEvery)
	defer tick.Stop()
	var lastErr error
	for {
		if lastErr = b.ping(ctx); lastErr == nil {
			return nil
		}
		select {
		case <-b.proc.Done():
			return fmt.Errorf("pgcluster: pgbouncer exited during startup: %v%s", b.proc.Err(), proc.LogTail(b.logPath, logOffset, logTailLines))
		case <-ctx.Done():
			return fmt.Errorf("pgcluster: pgbouncer not ready: %w%s", lastErr, proc.LogTail(b.logPath, logOffset, logTailLines))
		case <-tick.C:
		}
	}
}

func (b *Bouncer) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyDialTimeout)
	defer cancel()
	conn, err := pgconn.Connect(ctx, b.DSN("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "select 1").ReadAll()
	return err
}

// DSN returns a URL connecting to database on the primary through
// pgbouncer as the superuser postgres. Transaction pooling hands each
// transaction a possibly different server connection, so use pgx's exec
// mode "exec" (or simple_protocol) with it, never named prepared statements
// (pgbouncer < 1.21) or session state.
func (b *Bouncer) DSN(database string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User("postgres"),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(b.port)),
		Path:     "/" + database,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// Port returns the port pgbouncer listens on.
func (b *Bouncer) Port() int { return b.port }

// LogPath returns the file that receives pgbouncer's log.
func (b *Bouncer) LogPath() string { return b.logPath }

// Stop shuts pgbouncer down (SIGTERM: immediate shutdown, clients are
// disconnected) and waits for it to exit. Later calls return nil.
func (b *Bouncer) Stop() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopped {
		return nil
	}
	b.stopped = true
	return stop(b.proc, syscall.SIGTERM, bouncerStopTimeout)
}

// writeOwned writes data to path, readable by its owner only, owned by
// cred.
func writeOwned(path string, data []byte, cred *proc.Credential) error {
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if err := cred.Chown(path); err != nil {
		return fmt.Errorf("pgcluster: chown %s: %w", path, err)
	}
	return nil
}
