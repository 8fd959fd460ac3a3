package pgcluster

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aquila-go/aquila/postgres/internal/proc"
	"github.com/aquila-go/aquila/postgres/pglocal"
)

// Replica is a hot standby streaming from the primary. Its methods are safe
// for concurrent use.
type Replica struct {
	index int
	cfg   pglocal.Config // Port fixed after the first start

	mu      sync.Mutex
	srv     *pglocal.Server // the latest server started; kept after Stop for its DSN
	running bool
	paused  bool
}

// slotName names replica i's physical replication slot on the primary.
func slotName(i int) string { return "aquila_replica_" + strconv.Itoa(i) }

// newReplica clones the primary into dir with pg_basebackup and starts the
// clone as a hot standby.
func newReplica(ctx context.Context, i int, dir string, primary *pglocal.Server, cfg Config) (*Replica, error) {
	if err := os.MkdirAll(dir, 0o711); err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	if err := basebackup(ctx, primary, filepath.Join(dir, "data"), slotName(i), filepath.Join(dir, "basebackup.log")); err != nil {
		return nil, err
	}
	r := &Replica{
		index: i,
		cfg: pglocal.Config{
			Dir:          dir,
			BinDir:       primary.BinDir(),
			OSUser:       cfg.OSUser,
			Settings:     cfg.Settings,
			StartTimeout: cfg.StartTimeout,
			Logger:       cfg.Logger.With("replica", i),
		},
	}
	if err := r.Start(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

// basebackup runs pg_basebackup -R into dataDir, creating the replication
// slot slot on the primary. The primary_conninfo it writes points straight at
// the primary's TCP port, never through PgBouncer.
func basebackup(ctx context.Context, primary *pglocal.Server, dataDir, slot, logPath string) error {
	log, offset, err := proc.OpenLog(logPath)
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	defer log.Close()
	cmd := exec.CommandContext(ctx, filepath.Join(primary.BinDir(), "pg_basebackup"),
		"-D", dataDir,
		"-d", "host=127.0.0.1 port="+strconv.Itoa(primary.Port())+" user=postgres sslmode=disable",
		"-R",           // standby.signal + primary_conninfo
		"-X", "stream", // WAL streamed alongside the copy
		"-C", "-S", slot, // slot keeps WAL for a stopped replica
		"--checkpoint=fast", // no wait for the next checkpoint
		"--no-sync",         // throwaway data
		"--no-password")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pgcluster: pg_basebackup: %w%s", err, proc.LogTail(logPath, offset, logTailLines))
	}
	return nil
}

// Start starts the replica again after [Replica.Stop], on the same port. It
// is a no-op when the replica runs.
func (r *Replica) Start(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.running {
		return nil
	}
	srv, err := pglocal.Start(ctx, r.cfg)
	if err != nil {
		return fmt.Errorf("pgcluster: replica %d: %w", r.index, err)
	}
	r.cfg.Port = srv.Port()
	r.srv, r.running, r.paused = srv, true, false
	return nil
}

// Stop stops the replica (fast shutdown: its clients are disconnected).
// Later calls return nil.
func (r *Replica) Stop(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.running {
		return nil
	}
	r.running = false
	return r.srv.Stop(ctx)
}

// Running reports whether the replica runs.
func (r *Replica) Running() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.running
}

// DSN returns a URL connecting to database on the replica over TCP as the
// superuser postgres. It stays valid across Stop and Start.
func (r *Replica) DSN(database string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.srv.DSN(database)
}

// Port returns the replica's TCP port.
func (r *Replica) Port() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cfg.Port
}

// DataDir returns the replica's data directory.
func (r *Replica) DataDir() string { return filepath.Join(r.cfg.Dir, "data") }

// PauseReplay stops WAL replay: the replica keeps receiving WAL and serving
// reads, but its data stays as it is now, so its replay lag grows with every
// write on the primary. It returns once replay is paused.
func (r *Replica) PauseReplay(ctx context.Context) error {
	conn, err := r.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_wal_replay_pause()"); err != nil {
		return fmt.Errorf("pgcluster: replica %d: %w", r.index, err)
	}
	for {
		var state string
		if err := conn.QueryRow(ctx, "SELECT pg_get_wal_replay_pause_state()").Scan(&state); err != nil {
			return fmt.Errorf("pgcluster: replica %d: %w", r.index, err)
		}
		if state == "paused" {
			r.mu.Lock()
			r.paused = true
			r.mu.Unlock()
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("pgcluster: replica %d: pause replay: %w", r.index, ctx.Err())
		case <-time.After(readyPollEvery):
		}
	}
}

// ResumeReplay resumes WAL replay after [Replica.PauseReplay].
func (r *Replica) ResumeReplay(ctx context.Context) error {
	if err := r.exec(ctx, "SELECT pg_wal_replay_resume()"); err != nil {
		return err
	}
	r.mu.Lock()
	r.paused = false
	r.mu.Unlock()
	return nil
}

// waitable reports whether WaitReplay should wait for r: it runs and replays.
func (r *Replica) waitable() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.running && !r.paused
}

// waitReplay polls until the replica has replayed lsn (text form).
func (r *Replica) waitReplay(ctx context.Context, lsn string) error {
	conn, err := r.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for {
		var done bool
		if err := conn.QueryRow(ctx, "SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", lsn).Scan(&done); err != nil {
			return fmt.Errorf("pgcluster: replica %d: %w", r.index, err)
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("pgcluster: replica %d: wait for replay of %s: %w", r.index, lsn, ctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func (r *Replica) connect(ctx context.Context) (*pgx.Conn, error) {
	if !r.Running() {
		return nil, fmt.Errorf("replica %d: %w", r.index, ErrStopped)
	}
	conn, err := pgx.Connect(ctx, r.DSN("postgres"))
	if err != nil {
		return nil, fmt.Errorf("pgcluster: replica %d: %w", r.index, err)
	}
	return conn, nil
}

func (r *Replica) exec(ctx context.Context, sql string) error {
	conn, err := r.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("pgcluster: replica %d: %w", r.index, err)
	}
	return nil
}
