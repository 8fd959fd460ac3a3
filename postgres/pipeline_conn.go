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

// Pipeline connection timing.
const (
	pipeReconnectMin     = 10 * time.Millisecond
	pipeReconnectMax     = time.Second
	pipeReconnectTimeout = 10 * time.Second
	pipeMaxSpare         = 64 << 10 // write buffer kept between writes
	pipeMaxTags          = 64       // command tags a reader keeps
)

// execSync is the Execute (unnamed portal, all rows) and Sync that follow
// each statement's Bind: every statement is its own implicit transaction.
const execSync = "E\x00\x00\x00\x09\x00\x00\x00\x00\x00S\x00\x00\x00\x04"

// terminate is the Terminate message sent before closing a connection.
const terminate = "X\x00\x00\x00\x04"

// pipeConn is one of a Pipeline's connections, taken from the pool and
// hijacked: callers write their statements to it directly (whoever finds
// no write in progress writes what the others appended meanwhile, in one
// system call), and one reader goroutine reads the results in order and
// hands each to its caller.
type pipeConn struct {
	p    *Pipeline
	slot int

	live     atomic.Bool
	inflight atomic.Int32 // statements sent and not yet answered
	sent     atomic.Uint64
	progress atomic.Int64 // Pipeline.now of the last result, or of the send into an idle connection

	mu      sync.Mutex
	nc      net.Conn
	pgc     *pgx.Conn // hijacked; what the tracer is given
	ring    []*pipeReq
	head, n int // the statements in flight: ring[head], ring[head+1], …
	wbuf    []byte
	spare   []byte
	writing bool // a sender is writing wbuf
	closing bool // close once idle
}

// connect takes a connection from the pool, prepares the pipeline's
// statements on it (a no-op for those prepared on connect), hijacks it
// and starts its reader.
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
	c.head, c.n, c.closing = 0, 0, false
	c.wbuf, c.spare = c.wbuf[:0], nil
	c.progress.Store(p.now())
	c.live.Store(true)
	p.wg.Add(1)
	go c.read(hc.Conn, hc.Frontend)
	c.mu.Unlock()
	if p.nwaiting.Load() > 0 {
		p.dispatchWaiting(c)
	}
	return nil
}

// send writes r (whose state is from) to the connection. It reports false,
// leaving r as it was, when the connection is down, closing or at
// MaxDepth; true when r was sent, or was abandoned and needs nothing more.
func (c *pipeConn) send(r *pipeReq, from int32) bool {
	c.mu.Lock()
	if !c.live.Load() || c.closing || c.n >= len(c.ring) {
		c.mu.Unlock()
		return false
	}
	if !r.state.CompareAndSwap(from, reqSent) {
		c.mu.Unlock()
		return true
	}
	r.pgc = c.pgc
	c.ring[(c.head+c.n)%len(c.ring)] = r
	c.n++
	if c.n == 1 {
		c.progress.Store(c.p.now())
	}
	c.inflight.Add(1)
	c.sent.Add(1)
	c.wbuf = append(c.wbuf, r.msg...)
	if c.writing {
		c.mu.Unlock()
		return true
	}
	c.flush()
	return true
}

// flush writes wbuf until no sender has appended more; c.mu is held on
// entry and released on return. A failed write closes the connection: the
// reader then fails every statement in flight.
func (c *pipeConn) flush() {
	c.writing = true
	nc := c.nc
	for len(c.wbuf) > 0 {
		buf := c.wbuf
		c.wbuf = c.spare[:0]
		c.mu.Unlock()
		_, err := nc.Write(buf)
		c.mu.Lock()
		if cap(buf) <= pipeMaxSpare {
			c.spare = buf[:0]
		}
		if err != nil {
			c.wbuf = c.wbuf[:0]
			nc.Close()
			break
		}
	}
	c.writing = false
	c.mu.Unlock()
}

// front returns the oldest statement in flight.
func (c *pipeConn) front() *pipeReq {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == 0 {
		return nil
	}
	return c.ring[c.head]
}

// pop removes the oldest statement in flight, whose result is complete.
func (c *pipeConn) pop() *pipeReq {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == 0 {
		return nil
	}
	r := c.ring[c.head]
	c.ring[c.head] = nil
	c.head = (c.head + 1) % len(c.ring)
	c.n--
	c.inflight.Add(-1)
	c.progress.Store(c.p.now())
	if c.closing && c.n == 0 {
		c.terminate()
	}
	return r
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

// terminate says goodbye to the server and closes the socket; the reader
// then ends. c.mu is held.
func (c *pipeConn) terminate() {
	c.live.Store(false)
	if !c.writing {
		c.nc.Write([]byte(terminate))
	}
	c.nc.Close()
}

// read is the connection's reader: it reads each statement's messages up
// to its ReadyForQuery, hands the result to the caller and, when callers
// wait for a place, sends theirs.
func (c *pipeConn) read(nc net.Conn, fe *pgproto3.Frontend) {
	defer c.p.wg.Done()
	var cur *pipeReq // the statement whose messages are being read
	var fatal error  // an error the server sent with nothing in flight
	tags := map[string]pgconn.CommandTag{} // the few distinct tags, made once
	var err error
loop:
	for {
		var msg pgproto3.BackendMessage
		msg, err = fe.Receive()
		if err != nil {
			break
		}
		switch m := msg.(type) {
		case *pgproto3.NoticeResponse, *pgproto3.ParameterStatus, *pgproto3.NotificationResponse:
			continue
		case *pgproto3.ErrorResponse:
			if cur == nil {
				cur = c.front()
			}
			if cur == nil {
				fatal = pgconn.ErrorResponseToPgError(m)
				continue
			}
			cur.err = pgconn.ErrorResponseToPgError(m)
			continue
		}
		if cur == nil {
			if cur = c.front(); cur == nil {
				err = fmt.Errorf("pipeline: unexpected %T with no statement in flight", msg)
				break
			}
		}
		switch m := msg.(type) {
		case *pgproto3.BindComplete, *pgproto3.EmptyQueryResponse:
		case *pgproto3.DataRow:
			cur.addRow(m.Values)
		case *pgproto3.CommandComplete:
			tag, ok := tags[string(m.CommandTag)]
			if !ok {
				tag = pgconn.NewCommandTag(string(m.CommandTag))
				if len(tags) < pipeMaxTags {
					tags[tag.String()] = tag
				}
			}
			cur.tag = tag
		case *pgproto3.ReadyForQuery:
			c.pop()
			cur.finish(nil)
			cur = nil
			if c.p.nwaiting.Load() > 0 {
				c.p.dispatchWaiting(c)
			}
		default:
			err = fmt.Errorf("pipeline: unexpected %T", msg)
			break loop
		}
	}
	if fatal != nil {
		err = fatal
	}
	c.broken(nc, err)
}

// broken fails every statement in flight on a connection that ended and,
// unless the pipeline is closing, replaces it in the background.
func (c *pipeConn) broken(nc net.Conn, err error) {
	c.live.Store(false)
	nc.Close()
	c.mu.Lock()
	var lost []*pipeReq
	for ; c.n > 0; c.n-- {
		lost = append(lost, c.ring[c.head])
		c.ring[c.head] = nil
		c.head = (c.head + 1) % len(c.ring)
	}
	c.inflight.Store(0)
	closing := c.closing
	c.mu.Unlock()
	for _, r := range lost {
		if r.err != nil {
			r.finish(fmt.Errorf("%w: %w", ErrPipelineConnLost, r.err))
		} else {
			r.finish(fmt.Errorf("%w: %w", ErrPipelineConnLost, err))
		}
	}
	if _, live := c.p.pick(); !live {
		c.p.redirectWaiting()
	}
	if closing || c.p.closed.Load() {
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
