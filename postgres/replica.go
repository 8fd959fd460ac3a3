package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

var (
	// ErrReplicaLag is the reason, wrapped, why a replica whose replay lag
	// exceeds RouterConfig.MaxLag gets no reads.
	ErrReplicaLag = errors.New("replica lags behind the primary")
	// ErrNotStandby is the reason, wrapped, why a replica that is not in
	// recovery (not a hot standby, e.g. promoted) gets no reads: it no
	// longer follows the primary.
	ErrNotStandby = errors.New("replica is not a standby")
)

// openReplicaTimeout bounds opening (connecting and warming) a replica's
// pool when ProbeTimeout is shorter.
const openReplicaTimeout = 10 * time.Second

// ReplicaStatus is the state of one replica as of its last probe.
type ReplicaStatus struct {
	// Server names the replica without credentials: user@host:port/database.
	Server string
	// Healthy reports whether the replica takes reads.
	Healthy bool
	// Lag is the replay lag measured by the last successful probe: how long
	// ago the primary had flushed WAL that the replica has not replayed
	// yet. Its resolution is RouterConfig.ProbeEvery.
	Lag time.Duration
	// Err says why the replica takes no reads (a connection error,
	// ErrReplicaLag or ErrNotStandby); nil when Healthy.
	Err error
	// ProbedAt is when the last probe finished; zero before the first.
	ProbedAt time.Time
}

// replica is one replica's pool and health.
type replica struct {
	cfg    Config // Primary's settings with the replica's DSN
	server string

	pool    atomic.Pointer[pgxpool.Pool] // nil until a connection succeeded
	pipe    atomic.Pointer[Pipeline]     // over pool, with RouterConfig.Pipeline
	healthy atomic.Bool

	mu   sync.Mutex
	stat ReplicaStatus
}

// newReplica validates dsn and derives the replica's pool settings from
// primary: same sizes, exec mode and tracer, and only the read statements to
// prepare (the others cannot run on a standby).
func newReplica(dsn string, primary Config) (*replica, error) {
	pcfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("%w: replica: %w", ErrConfig, err)
	}
	cfg := primary
	cfg.DSN = dsn
	cfg.Prepare = nil
	for _, sql := range primary.Prepare {
		if Classify(sql) == StatementRead {
			cfg.Prepare = append(cfg.Prepare, sql)
		}
	}
	server := describe(pcfg)
	return &replica{cfg: cfg, server: server, stat: ReplicaStatus{Server: server, Err: errors.New("not probed yet")}}, nil
}

// lsnSample is the primary's flushed WAL position at a point in time.
type lsnSample struct {
	at  time.Time
	lsn int64
}

// samplePrimary records the primary's flushed WAL position when it moved
// since the last sample, and forgets samples that no longer matter: those
// older than the lag bound plus two intervals, except the newest of them.
// A failing primary leaves the samples as they are.
func (r *Router) samplePrimary(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.ProbeTimeout)
	defer cancel()
	var lsn int64
	err := r.primary.QueryRow(ctx, `SELECT (pg_current_wal_flush_lsn() - '0/0'::pg_lsn)::int8`).Scan(&lsn)
	now := time.Now()
	if err != nil {
		r.log.Debug("replica probe: primary position", "err", err)
		return
	}
	if n := len(r.samples); n == 0 || lsn > r.samples[n-1].lsn {
		r.samples = append(r.samples, lsnSample{at: now, lsn: lsn})
	}
	horizon := now.Add(-(r.cfg.MaxLag + 2*r.cfg.ProbeEvery))
	drop := 0
	for drop+1 < len(r.samples) && r.samples[drop+1].at.Before(horizon) {
		drop++
	}
	r.samples = append(r.samples[:0], r.samples[drop:]...)
}

// lag returns how long ago the primary had flushed WAL beyond replayed, as
// of now: zero when the replica has replayed the newest sample.
func (r *Router) lag(replayed int64, now time.Time) time.Duration {
	for _, s := range r.samples {
		if s.lsn > replayed {
			return max(now.Sub(s.at), 0)
		}
	}
	return 0
}

// probe connects to the replica when it has no pool yet, asks whether it is
// in recovery and how far it has replayed, and updates its health.
func (rep *replica) probe(ctx context.Context, r *Router) {
	pool := rep.pool.Load()
	if pool == nil {
		// Opening warms MinIdleConns connections and prepares the reads on
		// each: give it more time than a probe, except for a server that
		// refuses connections, which fails at once.
		timeout := max(r.cfg.ProbeTimeout, openReplicaTimeout)
		octx, cancel := context.WithTimeout(ctx, timeout)
		cfg := rep.cfg
		cfg.PingTimeout = timeout
		cfg.Logger = nil
		p, err := Open(octx, cfg)
		if err == nil {
			var pipe *Pipeline
			if pipe, err = r.openPipeline(octx, p, cfg.Prepare); err != nil {
				p.Close()
			} else if pipe != nil {
				rep.pipe.Store(pipe)
			}
		}
		cancel()
		if err != nil {
			rep.set(r, false, 0, err)
			return
		}
		rep.pool.Store(p)
		pool = p
	}
	ctx, cancel := context.WithTimeout(ctx, r.cfg.ProbeTimeout)
	defer cancel()
	var inRecovery bool
	var replayed *int64
	err := pool.QueryRow(ctx, `SELECT pg_is_in_recovery(), (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::int8`).Scan(&inRecovery, &replayed)
	now := time.Now()
	switch {
	case err != nil:
		rep.set(r, false, 0, err)
	case !inRecovery || replayed == nil:
		rep.set(r, false, 0, ErrNotStandby)
	default:
		lag := r.lag(*replayed, now)
		if lag > r.cfg.MaxLag {
			rep.set(r, false, lag, fmt.Errorf("%w: %s > %s", ErrReplicaLag, lag.Round(time.Millisecond), r.cfg.MaxLag))
			return
		}
		rep.set(r, true, lag, nil)
	}
}

// set records a probe result and logs a change of health. Routing changes
// first, so that a Status showing the new state implies routing follows it.
func (rep *replica) set(r *Router, healthy bool, lag time.Duration, err error) {
	if rep.healthy.Swap(healthy) != healthy {
		r.publish()
	}
	rep.mu.Lock()
	was := rep.stat.Healthy
	first := rep.stat.ProbedAt.IsZero()
	rep.stat = ReplicaStatus{Server: rep.server, Healthy: healthy, Lag: lag, Err: err, ProbedAt: time.Now()}
	rep.mu.Unlock()
	switch {
	case healthy && (!was || first):
		r.log.Info("replica takes reads", "replica", rep.server, "lag", lag)
	case !healthy && (was || first):
		r.log.Warn("replica skipped", "replica", rep.server, "err", err)
	}
}

// markDown takes the replica out of rotation after a query failed on it
// because of the server or the connection; the next successful probe puts
// it back.
func (rep *replica) markDown(r *Router, err error) {
	if !rep.healthy.CompareAndSwap(true, false) {
		return
	}
	rep.mu.Lock()
	rep.stat.Healthy, rep.stat.Err = false, err
	rep.mu.Unlock()
	r.log.Warn("replica skipped after a failed query", "replica", rep.server, "err", err)
	r.publish()
}

func (rep *replica) status() ReplicaStatus {
	rep.mu.Lock()
	defer rep.mu.Unlock()
	return rep.stat
}

// querier returns what runs the replica's autocommit reads (its pipeline
// or its pool), or nil before its pool is open. A read that fails there is
// not retried on the replica: the Reader's failover runs it on the primary.
func (rep *replica) querier() querier {
	if p := rep.pipe.Load(); p != nil {
		return pipeQuerier{p: p}
	}
	if p := rep.pool.Load(); p != nil {
		return p
	}
	return nil
}

// close closes the replica's pipeline and pool, if it has them.
func (rep *replica) close() {
	rep.healthy.Store(false)
	if p := rep.pipe.Swap(nil); p != nil {
		p.Close()
	}
	if p := rep.pool.Swap(nil); p != nil {
		p.Close()
	}
}
