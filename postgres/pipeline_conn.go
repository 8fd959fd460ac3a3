package postgres

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
)

// Pipeline connection timing and sizes.
const (
	pipeReconnectMin     = 10 * time.Millisecond
	pipeReconnectMax     = time.Second
	pipeReconnectTimeout = 10 * time.Second
	pipeIdleWatch        = time.Second                  // an idle connection is read to notice its end
	pipeMaxSpare         = 64 << 10                     // write buffer kept between writes
	pipeMaxTags          = 64                           // command tags a connection keeps
	pipeMinCost          = int64(20 * time.Microsecond) // a statement's cost before it is known
	pipeWrites           = 2                            // writes in flight on a connection (see send)
)

// execute is the Execute message (unnamed portal, all rows) that follows
// each statement's Bind.
const execute = "E\x00\x00\x00\x09\x00\x00\x00\x00\x00"

// syncMsg is the Sync message that ends an implicit transaction. A write
// is followed by its own; the reads written together share one (see
// pipeConn.send).
const syncMsg = "S\x00\x00\x00\x04"

// terminate is the Terminate message sent before closing a connection.
const terminate = "X\x00\x00\x00\x04"

// Who reads a connection's results (pipeConn.role).
const (
	roleNone   = iota // nothing in flight, nobody reads
	roleLoop          // the connection's reader goroutine
	roleCaller        // the caller of the only statement sent into an idle connection
)

// pipeConn is one of a Pipeline's connections, taken from the pool and
// hijacked. Callers write their statements to it directly: whoever finds
// no write in progress writes what the others appended meanwhile, in one
// system call. One goroutine at a time reads the results, in order, and
// hands each to its caller: the caller of a statement sent into an idle
// connection reads its own result (no hand-off, as with a pooled
// connection), and hands the reading on to the connection's reader
// goroutine when statements were sent behind it.
type pipeConn struct {
	p    *Pipeline
	slot int

	live      atomic.Bool
	inflight  atomic.Int32 // statements sent and not yet answered
	progress  atomic.Int64 // Pipeline.now of the last result, or of the send into an idle connection
	busyUntil atomic.Int64 // Pipeline.now by which what is in flight should be answered
	slow      atomic.Int32 // statements in flight whose usual time exceeds StallAfter
	sent      atomic.Uint64

	mu          sync.Mutex
	nc          net.Conn
	pgc         *pgx.Conn // hijacked; what the tracer is given
	ring        []*pipeReq
	head, n     int      // the statements in flight: ring[head], ring[head+1], …
	unsent      int      // of which the last unsent are in wbuf, not yet written
	writes      int      // writes whose last statement is not answered yet
	open        *pipeReq // the last read in wbuf when no Sync follows it yet
	wbuf        []byte
	spare       []byte
	writing     bool          // a sender is writing wbuf
	closing     bool          // close once idle
	role        int           // who reads
	direct      *pipeReq      // the statement whose caller reads (roleCaller)
	interrupted bool          // a read deadline stops the direct caller's read
	wake        chan struct{} // hands the reading to the loop
	quit        chan struct{} // closed when the connection ended

	rd pipeReading // owned by whoever holds the role
}

// pipeReading is the state of reading one connection's results.
type pipeReading struct {
	fe       *pgproto3.Frontend
	cur      *pipeReq // the statement whose messages are being read
	synced   bool     // a Sync follows cur
	skipping bool     // an error made the server skip up to the next Sync
	fatal    error    // an error the server sent with nothing in flight
	tags     map[string]pgconn.CommandTag
}

// connect takes a connection from the pool, prepares the pipeline's
// statements on it (a no-op for those prepared on connect), hijacks it
// and starts its reader goroutine.
func (c *pipeConn) connect(ctx context.Context) error {
	p := c.p
	pc, err := p.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	conn := pc.Hijack()
	first := len(p.stmts) == 0
	for _, sql := range p.cfg.Statements {
		sd, err := conn.Prepare(ctx, sql, sql)
		if err != nil {
			conn.Close(ctx)
			line, _, _ := strings.Cut(sql, "\n")
			return fmt.Errorf("prepare %q: %w", line, err)
		}
		if first {
			p.register(sql, sd)
		}
	}
	if err := conn.PgConn().SyncConn(ctx); err != nil {
		conn.Close(ctx)
		return err
	}
	hc, err := conn.PgConn().Hijack()
	if err != nil {
		conn.Close(ctx)
		return err
	}
	c.mu.Lock()
	if p.closed.Load() {
		c.mu.Unlock()
		hc.Conn.Close()
		return nil
	}
	c.nc, c.pgc = hc.Conn, conn
	p.traceConn.Store(conn)
	c.ring = make([]*pipeReq, p.cfg.MaxDepth)
	c.head, c.n, c.unsent, c.writes, c.open, c.closing = 0, 0, 0, 0, nil, false
	c.role, c.direct, c.interrupted = roleNone, nil, false
	c.wbuf, c.spare, c.writing = nil, nil, false
	c.wake, c.quit = make(chan struct{}, 1), make(chan struct{})
	c.rd = pipeReading{fe: hc.Frontend, tags: map[string]pgconn.CommandTag{}}
	c.progress.Store(p.now())
	c.busyUntil.Store(p.now())
	c.slow.Store(0)
	c.live.Store(true)
	p.wg.Add(1)
	go c.loop(c.wake, c.quit)
	c.mu.Unlock()
	if p.nwaiting.Load() > 0 {
		p.dispatchWaiting(c)
	}
	return nil
}

// send queues r (whose state is from) on the connection. It reports
// false, leaving r as it was, when the connection is down, closing or at
// MaxDepth; true when r was queued, or was abandoned and needs nothing
// more. direct reports that r went into an idle connection and its caller
// reads the result (readOwn); only a caller sending its own statement may.
//
// r is written at once when fewer than pipeWrites writes are in flight on
// the connection (none answered in full yet). Otherwise it waits in wbuf,
// with whatever else arrives meanwhile, until the oldest write is
// answered: then all of them go in one write, and the server reads them
// in one go. With two writes in flight the server works on one while the
// client hands out the results of the other and gathers the next. A write
// carries its own Sync, so it is its own implicit transaction; the reads
// written together share one Sync, so the server flushes their results
// together (a read changes nothing, so sharing a
// transaction changes nothing; when one of them fails the server skips
// those after it up to the Sync, and they run on the pool instead). A
// read known to be slow has a Sync of its own, like a write, so that the
// results before it are not held back until it ends.
func (c *pipeConn) send(r *pipeReq, from int32, mayRead bool) (ok, direct bool) {
	c.mu.Lock()
	if !c.live.Load() || c.closing || c.n >= len(c.ring) {
		c.mu.Unlock()
		return false, false
	}
	if !r.state.CompareAndSwap(from, reqSent) {
		c.mu.Unlock()
		return true, false
	}
	r.pgc = c.pgc
	c.ring[(c.head+c.n)%len(c.ring)] = r
	c.n++
	now := c.p.now()
	r.sentAt = now
	if c.n == 1 {
		c.progress.Store(now)
	}
	cost := r.st.cost.Load()
	c.busyUntil.Store(max(c.busyUntil.Load(), now) + max(cost, pipeMinCost))
	if r.slow = cost > c.p.stall; r.slow {
		c.slow.Add(1)
	}
	switch {
	case c.role != roleNone:
	case mayRead && c.n == 1:
		c.role, c.direct, direct = roleCaller, r, true
	default:
		c.role = roleLoop
		c.wakeLoop()
	}
	c.inflight.Add(1)
	c.sent.Add(1)
	// A write, or a statement known to be slow, is its own group: the
	// Sync before it makes the server send the reads before it at once,
	// not after it.
	alone := !r.st.read || r.slow
	if alone {
		c.closeGroup()
	}
	c.wbuf = append(c.wbuf, r.msg...)
	r.synced = alone
	if alone {
		c.wbuf = append(c.wbuf, syncMsg...)
	} else {
		c.open = r
	}
	c.unsent++
	c.flushUnsent()
	return true, direct
}

// closeGroup ends the reads in wbuf that no Sync follows yet with one;
// c.mu is held.
func (c *pipeConn) closeGroup() {
	if c.open != nil {
		c.wbuf = append(c.wbuf, syncMsg...)
		c.open.synced = true
		c.open = nil
	}
}

// writeDue reports whether wbuf holds statements and fewer than
// pipeWrites writes are in flight; c.mu is held.
func (c *pipeConn) writeDue() bool { return c.unsent > 0 && c.writes < pipeWrites }

// flushUnsent writes wbuf when a write is due and none is in progress;
// c.mu is held on entry and released on return.
func (c *pipeConn) flushUnsent() {
	if c.writing || c.nc == nil || !c.writeDue() {
		c.mu.Unlock()
		return
	}
	c.flush()
}

// wakeLoop hands the reading to the reader goroutine; c.mu is held.
func (c *pipeConn) wakeLoop() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// flush writes wbuf, and again what was appended meanwhile while a write
// is due; c.mu is held on entry and released on return. A failed write
// closes the connection: its reader then fails every statement in flight.
func (c *pipeConn) flush() {
	c.writing = true
	nc := c.nc
	for c.writeDue() {
		c.closeGroup()
		c.ring[(c.head+c.n-1)%len(c.ring)].lastOfWrite = true
		c.writes++
		buf := c.wbuf
		c.wbuf = c.spare[:0]
		c.unsent = 0
		c.mu.Unlock()
		_, err := nc.Write(buf)
		c.mu.Lock()
		if c.nc != nc {
			// The connection broke and was replaced meanwhile: wbuf and
			// writing are the new one's.
			c.mu.Unlock()
			return
		}
		if cap(buf) <= pipeMaxSpare {
			c.spare = buf[:0]
		}
		if err != nil {
			nc.Close()
			break
		}
	}
	c.writing = false
	c.mu.Unlock()
}

// front returns the oldest statement in flight and whether a Sync
// follows it (final once the statement is written: a write ends with a
// Sync).
func (c *pipeConn) front() (r *pipeReq, synced bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == 0 {
		return nil, false
	}
	r = c.ring[c.head]
	return r, r.synced
}

// pop removes the oldest statement in flight, whose result is complete
// (or which the server skipped: ran is false), and reports whether the
// reader is done: own's result is in (a direct caller, which then hands
// the reading on when statements remain), or, for the loop (own nil),
// nothing is in flight. write reports that the statements waiting in wbuf
// are to be written now (flushUnsent).
func (c *pipeConn) pop(own *pipeReq, ran bool) (r *pipeReq, done, write bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == 0 {
		return nil, false, false
	}
	r = c.ring[c.head]
	c.ring[c.head] = nil
	c.head = (c.head + 1) % len(c.ring)
	c.n--
	c.inflight.Add(-1)
	now := c.p.now()
	if ran {
		r.st.observe(now - max(r.sentAt, c.progress.Load()))
	}
	c.progress.Store(now)
	if r.slow {
		c.slow.Add(-1)
	}
	if c.n == 0 {
		c.busyUntil.Store(now)
	}
	switch {
	case own != nil && r == own:
		c.stopDirect()
		if c.n > 0 {
			c.role = roleLoop
			c.wakeLoop()
		} else {
			c.role = roleNone
		}
		done = true
	case own == nil && c.n == 0:
		c.role = roleNone
		done = true
	}
	if c.closing && c.n == 0 {
		c.terminate()
	}
	if r.lastOfWrite {
		r.lastOfWrite = false
		c.writes--
	}
	write = !c.writing && c.writeDue()
	return r, done, write
}

// stopDirect ends a direct caller's read, clearing a read deadline that an
// interrupt may have set; c.mu is held.
func (c *pipeConn) stopDirect() {
	c.direct = nil
	if c.interrupted {
		c.interrupted = false
		c.nc.SetReadDeadline(time.Time{})
	}
}

// closeWhenIdle makes the connection take no more statements and close
// once those in flight are answered.
func (c *pipeConn) closeWhenIdle() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closing = true
	c.live.Store(false)
	if c.nc != nil && c.n == 0 {
		c.terminate()
	}
}

// terminate says goodbye to the server, closes the socket and stops the
// loop. c.mu is held.
func (c *pipeConn) terminate() {
	c.live.Store(false)
	if !c.writing {
		c.nc.Write([]byte(terminate))
	}
	c.nc.Close()
	if c.quit != nil {
		close(c.quit)
		c.quit = nil
	}
}

// broken fails every statement in flight on a connection that ended, stops
// its loop and, unless the pipeline is closing, replaces it in the
// background.
func (c *pipeConn) broken(err error) {
	c.live.Store(false)
	c.mu.Lock()
	c.nc.Close()
	var lost, unsent []*pipeReq
	for ; c.n > 0; c.n-- {
		if c.n > c.unsent {
			lost = append(lost, c.ring[c.head])
		} else {
			unsent = append(unsent, c.ring[c.head])
		}
		c.ring[c.head] = nil
		c.head = (c.head + 1) % len(c.ring)
	}
	c.unsent, c.writes, c.open = 0, 0, nil
	c.wbuf = c.wbuf[:0]
	c.inflight.Store(0)
	c.slow.Store(0)
	c.role, c.direct = roleNone, nil
	c.rd.cur, c.rd.skipping = nil, false
	closing := c.closing
	quit := c.quit
	c.quit = nil
	c.mu.Unlock()
	if quit != nil {
		close(quit)
	}
	for _, r := range unsent {
		r.finish(errPipelineUnsent) // never written: it runs elsewhere
	}
	for _, r := range lost {
		if r.err != nil {
			r.finish(fmt.Errorf("%w: %w", ErrPipelineConnLost, r.err))
		} else {
			r.finish(fmt.Errorf("%w: %w", ErrPipelineConnLost, err))
		}
	}
	if _, live := c.p.pick(); !live {
		c.p.redirectWaiting(errPipelineUnsent)
	}
	if quit == nil || closing || c.p.closed.Load() {
		return
	}
	c.p.wg.Add(1)
	go c.reconnect()
}

// reconnect replaces the connection, retrying with backoff until it
// succeeds or the pipeline is closed.
func (c *pipeConn) reconnect() {
	defer c.p.wg.Done()
	delay := pipeReconnectMin
	t := time.NewTimer(delay)
	defer t.Stop()
	for {
		select {
		case <-c.p.ctx.Done():
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(c.p.ctx, pipeReconnectTimeout)
		err := c.connect(ctx)
		cancel()
		if err == nil {
			return
		}
		delay = min(2*delay, pipeReconnectMax)
		t.Reset(delay)
	}
}
