package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Defaults of RouterConfig.
const (
	DefaultMaxReplicaLag       = 5 * time.Second
	DefaultReplicaProbeEvery   = time.Second
	DefaultReplicaProbeTimeout = time.Second
)

// RouterConfig configures NewRouter.
type RouterConfig struct {
	// Primary configures the primary's pool. Its DSN may point at PgBouncer
	// (then set ExecMode "exec").
	Primary Config

	// Replicas are the DSNs of streaming replicas (hot standbys of the
	// primary), possibly empty. Each replica's pool takes every other
	// setting from Primary and prepares only its read statements.
	Replicas []string

	// MaxLag is the replay lag above which a replica gets no reads.
	// Default DefaultMaxReplicaLag.
	MaxLag time.Duration

	// ProbeEvery is how often replicas are probed (reachable, in recovery,
	// lag); it is also the resolution of the lag measurement. Default
	// DefaultReplicaProbeEvery.
	ProbeEvery time.Duration

	// ProbeTimeout bounds one probe of one server. Opening the pool of a
	// replica that was down (connecting and warming it) gets at least 10s.
	// Default DefaultReplicaProbeTimeout.
	ProbeTimeout time.Duration

	// Pipeline, when set, pipelines the autocommit statements of the
	// primary and of each replica (a Pipeline per pool); nil runs them on
	// the pools. Its Statements default to the pool's Prepare list. With an
	// exec mode other than cache_statement (PgBouncer in transaction or
	// statement pooling) pipelining stays off and NewRouter logs why.
	Pipeline *PipelineConfig

	// PrimaryReads gives the primary a share of the reads too: round robin
	// over the healthy replicas and the primary. Off, the primary reads
	// only when no replica is healthy (or the session has written).
	PrimaryReads bool

	// Logger receives replica state changes. Nil uses Primary.Logger, or
	// discards them.
	Logger *slog.Logger
}

func (c RouterConfig) withDefaults() (RouterConfig, error) {
	if c.MaxLag < 0 || c.ProbeEvery < 0 || c.ProbeTimeout < 0 {
		return c, fmt.Errorf("%w: negative replica lag, probe interval or timeout", ErrConfig)
	}
	if c.MaxLag == 0 {
		c.MaxLag = DefaultMaxReplicaLag
	}
	if c.ProbeEvery == 0 {
		c.ProbeEvery = DefaultReplicaProbeEvery
	}
	if c.ProbeTimeout == 0 {
		c.ProbeTimeout = DefaultReplicaProbeTimeout
	}
	if c.Logger == nil {
		c.Logger = c.Primary.Logger
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// Router sends reads to healthy replicas and everything else to the
// primary. It owns the pools it opens: Close closes them. Its methods are
// safe for concurrent use.
//
// Each request (or other unit of work) takes a [Session], whose Reader and
// Writer are the two connections a routed query layer runs on; the
// generated db.RoutedQueries picks between them per sqlc query at build
// time. A replica is used when it answered its last probe, is in recovery
// (a hot standby) and its replay lag is at most MaxLag; a query that fails
// on a replica because the replica went away is re-run on the primary and
// the replica is left out until a probe passes again. With no usable
// replica, reads go to the primary.
type Router struct {
	cfg      RouterConfig
	log      *slog.Logger
	primary  *pgxpool.Pool
	pipeline *Pipeline // nil unless RouterConfig.Pipeline
	auto     querier   // the primary's autocommit statements: pipeline or pool
	autoRead querier   // auto for a Reader's statements (retried as reads)
	replicas []*replica
	sessions sync.Pool // released sessions, reset

	healthy   atomic.Pointer[[]*replica] // the replicas reads may use now
	next      atomic.Uint64              // round-robin position
	publishMu sync.Mutex

	probeMu sync.Mutex  // one probe at a time
	samples []lsnSample // primary WAL positions over time; under probeMu

	stop      context.CancelFunc
	done      chan struct{}
	closed    atomic.Bool
	closeOnce sync.Once
}

// NewRouter opens the primary's pool (with Open: an unreachable primary
// fails here), opens a pool per replica, probes every replica once and
// starts probing them every ProbeEvery in the background. A replica that
// is down at start does not fail NewRouter: it gets no reads until it
// answers. A replica DSN that does not parse does.
func NewRouter(ctx context.Context, cfg RouterConfig) (*Router, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	replicas := make([]*replica, 0, len(cfg.Replicas))
	for _, dsn := range cfg.Replicas {
		rep, err := newReplica(dsn, cfg.Primary)
		if err != nil {
			return nil, err
		}
		replicas = append(replicas, rep)
	}
	primary, err := Open(ctx, cfg.Primary)
	if err != nil {
		return nil, err
	}
	loopCtx, stop := context.WithCancel(context.Background())
	r := &Router{
		cfg:      cfg,
		log:      cfg.Logger,
		primary:  primary,
		auto:     retryPool{pool: primary},
		autoRead: retryPool{pool: primary, reader: true},
		replicas: replicas,
		stop:     stop,
		done:     make(chan struct{}),
	}
	if r.pipeline, err = r.openPipeline(ctx, primary, cfg.Primary.Prepare); err != nil {
		primary.Close()
		stop()
		return nil, err
	}
	if r.pipeline != nil {
		r.auto, r.autoRead = pipeQuerier{p: r.pipeline}, pipeQuerier{p: r.pipeline, reader: true}
	}
	r.probe(ctx)
	go r.loop(loopCtx)
	return r, nil
}

// loop probes the replicas every ProbeEvery until ctx is done.
func (r *Router) loop(ctx context.Context) {
	defer close(r.done)
	if len(r.replicas) == 0 {
		return
	}
	t := time.NewTicker(r.cfg.ProbeEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.probe(ctx)
		}
	}
}

// probe probes every replica now, as the background loop does every
// ProbeEvery, and updates the set of replicas that get reads.
func (r *Router) probe(ctx context.Context) {
	if len(r.replicas) == 0 {
		return
	}
	r.probeMu.Lock()
	defer r.probeMu.Unlock()
	if r.closed.Load() {
		return
	}
	r.samplePrimary(ctx)
	var wg sync.WaitGroup
	for _, rep := range r.replicas {
		wg.Go(func() { rep.probe(ctx, r) })
	}
	wg.Wait()
	r.publish()
}

// publish stores the replicas that may take reads now; with PrimaryReads
// a nil entry stands for the primary.
func (r *Router) publish() {
	r.publishMu.Lock()
	defer r.publishMu.Unlock()
	healthy := make([]*replica, 0, len(r.replicas)+1)
	for _, rep := range r.replicas {
		if rep.healthy.Load() {
			healthy = append(healthy, rep)
		}
	}
	if r.cfg.PrimaryReads && len(healthy) > 0 {
		healthy = append(healthy, nil)
	}
	r.healthy.Store(&healthy)
}

// pick returns the next replica for a read, round robin over the healthy
// ones (and the primary, as nil, with PrimaryReads), or nil for the
// primary when there is none.
func (r *Router) pick() *replica {
	hs := r.healthy.Load()
	if hs == nil || len(*hs) == 0 {
		return nil
	}
	if len(*hs) == 1 {
		return (*hs)[0]
	}
	return (*hs)[r.next.Add(1)%uint64(len(*hs))]
}

// Primary returns the primary's pool: for transactions, COPY, and anything
// that must see the latest data.
func (r *Router) Primary() *pgxpool.Pool { return r.primary }

// Pipeline returns the primary's pipeline, or nil when pipelining is off.
func (r *Router) Pipeline() *Pipeline { return r.pipeline }

// openPipeline opens a Pipeline over pool when RouterConfig.Pipeline is
// set and the exec mode allows it; nil otherwise.
func (r *Router) openPipeline(ctx context.Context, pool *pgxpool.Pool, prepared []string) (*Pipeline, error) {
	if r.cfg.Pipeline == nil {
		return nil, nil
	}
	cfg := *r.cfg.Pipeline
	if cfg.Statements == nil {
		cfg.Statements = prepared
	}
	p, err := NewPipeline(ctx, pool, cfg)
	if errors.Is(err, ErrPipelineMode) {
		r.log.Info("pipelining off", "reason", err)
		return nil, nil
	}
	return p, err
}

// Session starts a routing session for one request: its reads go to a
// replica until it writes, and to the primary after that. It reuses a
// session that [Session.Release] handed back, if any.
func (r *Router) Session() *Session {
	if s, ok := r.sessions.Get().(*Session); ok {
		s.released.Store(false)
		return s
	}
	s := &Session{router: r}
	s.reader.s = s
	s.writer.s = s
	return s
}

// Status reports the state of every replica as of its last probe, in
// configuration order.
func (r *Router) Status() []ReplicaStatus {
	out := make([]ReplicaStatus, len(r.replicas))
	for i, rep := range r.replicas {
		out[i] = rep.status()
	}
	return out
}

// Close stops the probes and closes every pool. It waits for queries in
// progress (pgxpool.Pool.Close). Later calls do nothing. Close the router after the last request that uses it.
func (r *Router) Close() {
	r.closeOnce.Do(func() {
		r.closed.Store(true)
		r.stop()
		<-r.done
		r.probeMu.Lock() // wait for a probe in progress
		defer r.probeMu.Unlock()
		for _, rep := range r.replicas {
			rep.close()
		}
		if r.pipeline != nil {
			r.pipeline.Close()
		}
		r.primary.Close()
	})
}
