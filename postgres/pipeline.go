package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pipeFill is how many statements may be in flight on a connection before
// the next connection takes new ones (Pipeline.pick).
const pipeFill = 16

// Pipeline defaults, used when the PipelineConfig fields are zero.
const (
	DefaultPipelineConns      = 4
	DefaultPipelineDepth      = 64
	DefaultPipelineStallAfter = time.Millisecond
)

// ErrPipelineMode is returned by NewPipeline when the pool does not use
// pgx's cache_statement exec mode: the modes meant for PgBouncer in
// transaction or statement pooling (exec, cache_describe, simple_protocol)
// and describe_exec keep no named statements on the server, which the
// pipeline binds by name.
var ErrPipelineMode = errors.New("pipelining needs the cache_statement exec mode")

// ErrPipelineConnLost wraps the error of a statement whose connection
// broke after the statement was written to it: the statement may or may
// not have run.
var ErrPipelineConnLost = errors.New("pipelined connection lost")

// PipelineConfig configures NewPipeline.
type PipelineConfig struct {
	// Statements are the SQL texts that are pipelined, usually the pool's
	// Config.Prepare list (sqlc's statements). Every other statement runs
	// on the pool as usual. They are prepared on each of the pipeline's
	// connections; with prepare-on-connect that costs no round trip.
	Statements []string

	// Conns is how many connections the pipeline takes from the pool and
	// keeps for itself (they no longer count against the pool's MaxConns).
	// Default DefaultPipelineConns.
	Conns int

	// MaxDepth caps the statements in flight on one connection; a caller
	// that finds every connection at the cap waits for a free place.
	// Default DefaultPipelineDepth.
	MaxDepth int

	// StallAfter is how long a connection may go without a result while
	// statements are in flight on it before new statements avoid it: a slow
	// statement delays only the few statements sent behind it. Default
	// DefaultPipelineStallAfter.
	StallAfter time.Duration

	// NewTypeMap returns the type map that encodes arguments and decodes
	// results. Set it when the connections register custom types (enums,
	// composites) in AfterConnect; default pgtype.NewMap.
	NewTypeMap func() *pgtype.Map
}

// Pipeline runs autocommit statements from many goroutines on a few
// connections in pipeline mode: where a pool serves one statement per
// connection per round trip, a pipeline keeps a few connections busy with
// many. A statement goes to the first connection with few statements in
// flight (the next connections take statements only under more load, or
// when the first stall); it is written at once into an idle connection,
// whose result its caller then reads itself, as on a pooled connection.
// Statements that arrive while two writes are in flight on the connection
// are written together, as soon as the older is answered, and their
// results come back together: one write and one read for many statements,
// on the client and on the server. Each write statement carries its own Sync, so
// it is its own implicit transaction and its error affects only it; the
// reads written together share one Sync (a read changes nothing), and
// when one of them fails, the reads after it that the server skipped run
// on the pool. Results are handed back in order.
//
// A Pipeline has the method set of sqlc's DBTX, so db.New(p) works, and
// of TxBeginner. Exec, Query and QueryRow of a statement in
// PipelineConfig.Statements are pipelined; any other statement, a
// statement with pgx query options (QueryExecMode, NamedArgs, …),
// CopyFrom, SendBatch and transactions (Begin, BeginTx, InTx) run on the
// pool. Results are read in full before they are handed back, so
// pipeline bounded results (point reads, pages), not exports.
//
// A caller whose context ends while it waits for a place is removed
// before anything is sent. One whose statement was sent stops waiting at
// once: the statement still runs and its result is discarded, but no
// other statement is cancelled (a cancel request would hit whatever the
// connection runs). When a connection breaks, a read among its statements
// (Classify) runs again on a pooled connection that answers a ping, as a
// Session's reads do: no row of it had reached the caller; every other
// statement gets an error wrapping ErrPipelineConnLost (it may or may not
// have run). The connection is replaced in the background; with no
// connection left, statements run on the pool.
//
// Pipelining needs named prepared statements (ErrPipelineMode): it works
// on a direct connection and through PgBouncer in session pooling, not
// through PgBouncer in transaction or statement pooling.
type Pipeline struct {
	pool   *pgxpool.Pool
	cfg    PipelineConfig
	stmts  map[string]*pipeStmt // read-only after NewPipeline
	conns  []*pipeConn
	tracer pgx.QueryTracer
	// traceConn is a connection of the pipeline that TraceQueryStart is
	// given (the statement has none yet); TraceQueryEnd gets the one the
	// statement ran on.
	traceConn atomic.Pointer[pgx.Conn]
	codecs    sync.Pool // *pipeCodec
	chans     sync.Pool // chan struct{} (capacity 1, empty)
	epoch     time.Time
	stall     int64 // cfg.StallAfter in ns

	mu       sync.Mutex
	waiting  []*pipeReq // callers waiting for a place, oldest first
	nwaiting atomic.Int32
	closed   atomic.Bool

	ctx  context.Context // ends at Close: stops reconnecting
	stop context.CancelFunc
	wg   sync.WaitGroup // readers and reconnects
}

// pipeStmt is a pipelined statement: its server-side name and what
// encoding its Bind needs.
type pipeStmt struct {
	cost          atomic.Int64 // usual execution time in ns (moving average), 0 until known
	read          bool         // Classify says it only reads: retried after a lost connection
	sd            *pgconn.StatementDescription
	fields        []pgconn.FieldDescription // with the result formats asked for
	resultFormats []int16
}

// observe adds one execution time, ns from when the statement could start
// (sent, or the result before it arrived) to its result, to the moving
// average of its cost.
func (st *pipeStmt) observe(d int64) {
	old := st.cost.Load()
	if old == 0 {
		st.cost.Store(d)
		return
	}
	st.cost.Store(old + (d-old)/8)
}

// NewPipeline takes cfg.Conns connections from pool and returns a
// Pipeline over them. The pool must use the cache_statement exec mode
// (ErrPipelineMode); a statement that does not prepare fails here. Close
// the pipeline before the pool.
func NewPipeline(ctx context.Context, pool *pgxpool.Pool, cfg PipelineConfig) (*Pipeline, error) {
	if mode := pool.Config().ConnConfig.DefaultQueryExecMode; mode != pgx.QueryExecModeCacheStatement {
		return nil, fmt.Errorf("%w (the pool uses %s)", ErrPipelineMode, mode)
	}
	if cfg.Conns < 0 || cfg.MaxDepth < 0 || cfg.StallAfter < 0 {
		return nil, fmt.Errorf("%w: negative pipeline connections, depth or stall time", ErrConfig)
	}
	if cfg.Conns == 0 {
		cfg.Conns = DefaultPipelineConns
	}
	if cfg.MaxDepth == 0 {
		cfg.MaxDepth = DefaultPipelineDepth
	}
	if cfg.StallAfter == 0 {
		cfg.StallAfter = DefaultPipelineStallAfter
	}
	if cfg.NewTypeMap == nil {
		cfg.NewTypeMap = pgtype.NewMap
	}
	loop, stop := context.WithCancel(context.Background())
	p := &Pipeline{
		pool:   pool,
		cfg:    cfg,
		stmts:  make(map[string]*pipeStmt, len(cfg.Statements)),
		tracer: pool.Config().ConnConfig.Tracer,
		epoch:  time.Now(),
		stall:  int64(cfg.StallAfter),
		ctx:    loop,
		stop:   stop,
	}
	p.codecs.New = func() any { return &pipeCodec{m: cfg.NewTypeMap()} }
	p.chans.New = func() any { return make(chan struct{}, 1) }
	for i := range cfg.Conns {
		p.conns = append(p.conns, &pipeConn{p: p, slot: i})
	}
	var errs []error
	for _, c := range p.conns {
		if err := c.connect(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		p.Close()
		return nil, fmt.Errorf("open pipeline: %w", errs[0])
	}
	return p, nil
}

// register records the statement descriptions of a new connection's
// statements; the first connection fills the map, before any caller reads
// it.
func (p *Pipeline) register(sql string, sd *pgconn.StatementDescription) {
	if _, ok := p.stmts[sql]; ok {
		return
	}
	c := p.codecs.Get().(*pipeCodec)
	defer p.codecs.Put(c)
	st := &pipeStmt{read: Classify(sql) == StatementRead, sd: sd, fields: make([]pgconn.FieldDescription, len(sd.Fields)), resultFormats: make([]int16, len(sd.Fields))}
	for i, f := range sd.Fields {
		f.Format = c.m.FormatCodeForOID(f.DataTypeOID)
		st.fields[i], st.resultFormats[i] = f, f.Format
	}
	p.stmts[sql] = st
}

// Pool returns the pool the pipeline takes its connections from and runs
// everything else on.
func (p *Pipeline) Pool() *pgxpool.Pool { return p.pool }

// PipelineStat is a snapshot of a Pipeline's state.
type PipelineStat struct {
	Conns    int    // connections the pipeline keeps
	Live     int    // of which are up
	InFlight int    // statements sent and not answered yet
	Waiting  int    // callers waiting for a place (every connection full or stalled)
	Sent     uint64 // statements sent since NewPipeline
}

// Stat returns the pipeline's state now.
func (p *Pipeline) Stat() PipelineStat {
	s := PipelineStat{Conns: len(p.conns), Waiting: int(p.nwaiting.Load())}
	for _, c := range p.conns {
		if c.live.Load() {
			s.Live++
		}
		s.InFlight += int(c.inflight.Load())
		s.Sent += c.sent.Load()
	}
	return s
}

// Close stops taking statements (later ones run on the pool), waits for
// the statements in flight and closes the pipeline's connections. It does
// not close the pool.
func (p *Pipeline) Close() {
	if p.closed.Swap(true) {
		return
	}
	p.stop()
	for _, c := range p.conns {
		c.closeWhenIdle()
	}
	p.redirectWaiting(errPipelineRedirect)
	p.wg.Wait()
}

// Exec runs sql with args, pipelined when sql is one of the pipeline's
// statements.
func (p *Pipeline) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return pipeQuerier{p: p, reader: true}.Exec(ctx, sql, args...)
}

// Query runs sql with args, pipelined when sql is one of the pipeline's
// statements. A pipelined result is complete when Query returns; an
// error of the statement is returned by Query and by the rows' Err.
func (p *Pipeline) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	return pipeQuerier{p: p, reader: true}.Query(ctx, sql, args...)
}

// QueryRow runs sql like Query; as pgx's, an empty result scans as
// pgx.ErrNoRows.
func (p *Pipeline) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return pipeQuerier{p: p, reader: true}.QueryRow(ctx, sql, args...)
}

// CopyFrom runs COPY FROM on the pool.
func (p *Pipeline) CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error) {
	return p.pool.CopyFrom(ctx, table, columns, src)
}

// SendBatch sends b on a pooled connection: a batch is one caller's
// pipeline already.
func (p *Pipeline) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	return p.pool.SendBatch(ctx, b)
}

// Begin starts a transaction on a pooled connection.
func (p *Pipeline) Begin(ctx context.Context) (pgx.Tx, error) { return p.pool.Begin(ctx) }

// BeginTx starts a transaction with options on a pooled connection.
func (p *Pipeline) BeginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error) {
	return p.pool.BeginTx(ctx, opts)
}

// stmt returns the pipelined statement for sql, or nil when the call must
// go to the pool: sql is not a pipelined statement, args start with a pgx
// query option, or the pipeline is closed.
func (p *Pipeline) stmt(sql string, args []any) *pipeStmt {
	st := p.stmts[sql]
	if st == nil || p.closed.Load() {
		return nil
	}
	if len(args) > 0 {
		switch args[0].(type) {
		case pgx.QueryExecMode, pgx.QueryResultFormats, pgx.QueryResultFormatsByOID, pgx.QueryRewriter:
			return nil
		}
	}
	return st
}

// now is the monotonic time since the pipeline started, in ns.
func (p *Pipeline) now() int64 { return int64(time.Since(p.epoch)) }

// run sends one statement and waits for its result. It returns a nil
// request when there is no result to read: ctx ended, the arguments do
// not encode, or errPipelineRedirect (run it on the pool).
func (p *Pipeline) run(ctx context.Context, st *pipeStmt, sql string, args []any) (*pipeReq, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r := &pipeReq{st: st, done: p.chans.Get().(chan struct{})}
	if p.tracer != nil {
		r.tracer = p.tracer
		r.ctx = p.tracer.TraceQueryStart(ctx, p.traceConn.Load(), pgx.TraceQueryStartData{SQL: sql, Args: args})
	}
	if err := p.encode(r, st, args); err != nil {
		r.trace(err)
		return nil, err
	}
	if c := p.dispatch(r); c != nil && c.readOwn(ctx, r) {
		err := ctx.Err()
		r.trace(err)
		return nil, err
	}
	select {
	case <-r.done:
	case <-ctx.Done():
		if r.abandon() {
			err := ctx.Err()
			r.trace(err)
			return nil, err
		}
		<-r.done // the result arrived meanwhile
	}
	p.chans.Put(r.done) // empty again
	if r.err == errPipelineRedirect || r.err == errPipelineUnsent {
		return nil, r.err
	}
	return r, r.err
}

// dispatch sends r on the least loaded connection, or queues it when every
// connection is at its depth or stalled. With no live connection at all,
// r is completed with errPipelineRedirect.
//
// It returns the connection when r went into an idle one and the caller
// reads its result itself (pipeConn.readOwn).
func (p *Pipeline) dispatch(r *pipeReq) *pipeConn {
	for {
		c, live := p.pick()
		if c != nil {
			if ok, direct := c.send(r, reqNew, true); ok {
				if direct {
					return c
				}
				return nil
			}
			continue // lost a race for the last place, or c broke
		}
		if !live {
			r.finish(errPipelineUnsent)
			return nil
		}
		p.mu.Lock()
		r.state.Store(reqWaiting)
		p.waiting = append(p.waiting, r)
		p.nwaiting.Add(1)
		p.mu.Unlock()
		// A connection may have made room, or the last one broken, before
		// r was queued, with no reader left to see the queue: look again.
		if c, live := p.pick(); c == nil && live || !r.state.CompareAndSwap(reqWaiting, reqNew) {
			return nil
		}
	}
}

// pick returns the connection for the next statement, or nil; live
// reports whether any connection is up. It skips connections at MaxDepth,
// stalled ones and those running a statement known to be slow (whose
// usual time exceeds StallAfter: it keeps every other statement away from
// its connection while it runs). Of the rest, it takes the first, in a
// fixed order, with fewer than pipeFill statements in flight: statements
// gather on few connections, where they are written and answered many at
// a time, and spread to the next only under more load. When every one has
// pipeFill or more, it takes the least loaded: the one expected to have
// answered what is in flight on it first (pipeConn.busyUntil, the sum of
// its statements' usual execution times).
func (p *Pipeline) pick() (best *pipeConn, live bool) {
	now := p.now()
	var bestAt int64
	for _, c := range p.conns {
		if !c.live.Load() {
			continue
		}
		live = true
		n := c.inflight.Load()
		if n >= int32(p.cfg.MaxDepth) {
			continue
		}
		if n > 0 && (c.slow.Load() > 0 || now-c.progress.Load() > p.stall) {
			continue
		}
		if n < pipeFill {
			return c, true
		}
		if at := max(c.busyUntil.Load(), now); best == nil || at < bestAt {
			best, bestAt = c, at
		}
	}
	return best, live
}

// dispatchWaiting moves queued callers onto c while it has room; a reader
// calls it after a result made room, and connect for a new connection.
// A connection running a statement known to be slow takes none: the
// reader of another, or its own once the slow one is answered, will.
func (p *Pipeline) dispatchWaiting(c *pipeConn) {
	for c.inflight.Load() < int32(p.cfg.MaxDepth) && c.slow.Load() == 0 {
		p.mu.Lock()
		if len(p.waiting) == 0 {
			p.waiting = nil
			p.mu.Unlock()
			return
		}
		r := p.waiting[0]
		p.waiting[0] = nil
		p.waiting = p.waiting[1:]
		p.nwaiting.Add(-1)
		p.mu.Unlock()
		if ok, _ := c.send(r, reqWaiting, false); !ok {
			p.mu.Lock()
			p.waiting = append([]*pipeReq{r}, p.waiting...)
			p.nwaiting.Add(1)
			p.mu.Unlock()
			return
		}
	}
}

// redirectWaiting hands every queued caller back, completed with
// errPipelineRedirect when the pipeline is closed, errPipelineUnsent when
// it has no live connection.
func (p *Pipeline) redirectWaiting(why error) {
	p.mu.Lock()
	ws := p.waiting
	p.waiting = nil
	p.nwaiting.Add(-int32(len(ws)))
	p.mu.Unlock()
	for _, r := range ws {
		if r.state.CompareAndSwap(reqWaiting, reqNew) {
			r.finish(why)
		}
	}
}

// Statements handed back by the pipeline, never sent or skipped by the
// server, so they have not run: errPipelineRedirect runs one on the pool,
// errPipelineUnsent (its connection broke, or none is up) on a pooled
// connection that answers a ping, as a retried read, since the pool's
// idle connections are likely broken too.
var (
	errPipelineRedirect = errors.New("pipeline: run on the pool")
	errPipelineUnsent   = errors.New("pipeline: connection lost before the statement was sent")
)

// pipeCodec encodes arguments: a type map and pgx's query builder, which
// are not safe for concurrent use, so each call takes one from a pool.
type pipeCodec struct {
	m   *pgtype.Map
	eqb pgx.ExtendedQueryBuilder
}
