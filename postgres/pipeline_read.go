package postgres

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
)

// loop is the connection's reader goroutine: it reads whenever the
// reading is handed to it, and an idle connection after pipeIdleWatch, to
// notice a server that ended it.
func (c *pipeConn) loop(wake, quit <-chan struct{}) {
	defer c.p.wg.Done()
	idle := time.NewTimer(pipeIdleWatch)
	defer idle.Stop()
	for {
		select {
		case <-quit:
			return
		case <-wake:
		case <-idle.C:
			if !c.claimIdle() {
				idle.Reset(pipeIdleWatch)
				continue
			}
		}
		if err := c.readResults(nil); err != nil {
			c.broken(err)
			return
		}
		idle.Reset(pipeIdleWatch)
	}
}

// claimIdle gives the reading of an idle connection to the loop.
func (c *pipeConn) claimIdle() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.role != roleNone || !c.live.Load() {
		return false
	}
	c.role = roleLoop
	return true
}

// readOwn is a direct caller reading its own result (see send). When ctx
// ends first, a read deadline stops the read, the reading goes to the
// loop and abandoned is true.
func (c *pipeConn) readOwn(ctx context.Context, r *pipeReq) (abandoned bool) {
	if ctx.Done() != nil {
		stop := context.AfterFunc(ctx, func() { c.interrupt(r) })
		defer stop()
	}
	err := c.readResults(r)
	if err == nil {
		return false
	}
	if errors.Is(err, os.ErrDeadlineExceeded) && c.handOver(r) {
		return r.abandon()
	}
	c.broken(err)
	return false
}

// interrupt stops r's direct caller's read with a read deadline in the
// past (the read resumes where it stopped: pgproto3 keeps what it read).
func (c *pipeConn) interrupt(r *pipeReq) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.direct == r && !c.interrupted {
		c.interrupted = true
		c.nc.SetReadDeadline(time.Unix(1, 0))
	}
}

// handOver gives the reading of an interrupted direct caller to the loop.
func (c *pipeConn) handOver(r *pipeReq) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.direct != r || !c.interrupted {
		return false
	}
	c.stopDirect()
	c.role = roleLoop
	c.wakeLoop()
	return true
}

// readResults reads results as the holder of the reading: until own's is
// complete when own is set (a direct caller), else until nothing is in
// flight. It returns the error that ended the connection, or a read
// deadline's.
//
// A statement's result is complete at its CommandComplete or
// ErrorResponse, or, when a Sync follows it, at the ReadyForQuery that
// answers the Sync. After an error, the server skips the statements that
// follow up to the Sync; at its ReadyForQuery they are handed back to run
// on the pool.
func (c *pipeConn) readResults(own *pipeReq) error {
	rd := &c.rd
	for {
		msg, err := rd.fe.Receive()
		if err != nil {
			if rd.fatal != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
				return rd.fatal
			}
			return err
		}
		switch m := msg.(type) {
		case *pgproto3.NoticeResponse, *pgproto3.ParameterStatus, *pgproto3.NotificationResponse:
			continue
		case *pgproto3.ReadyForQuery:
			var done bool
			if rd.skipping {
				done = c.skipToSync(own)
			} else {
				if rd.cur == nil {
					return errors.New("pipeline: unexpected ReadyForQuery with no statement in flight")
				}
				done = c.complete(own, true)
			}
			if done {
				return nil
			}
			continue
		case *pgproto3.ErrorResponse:
			if rd.cur == nil {
				rd.cur, rd.synced = c.front()
			}
			if rd.cur == nil {
				rd.fatal = pgconn.ErrorResponseToPgError(m)
				continue
			}
			rd.cur.err = pgconn.ErrorResponseToPgError(m)
			// A FATAL error ends the connection: broken fails what is in
			// flight, this statement with its error.
			if m.Severity != "FATAL" && m.Severity != "PANIC" && !rd.synced {
				rd.skipping = true
				if c.complete(own, true) {
					return nil
				}
			}
			continue
		}
		if rd.cur == nil {
			if rd.cur, rd.synced = c.front(); rd.cur == nil {
				return fmt.Errorf("pipeline: unexpected %T with no statement in flight", msg)
			}
		}
		switch m := msg.(type) {
		case *pgproto3.BindComplete:
		case *pgproto3.DataRow:
			rd.cur.addRow(m.Values)
		case *pgproto3.CommandComplete, *pgproto3.EmptyQueryResponse:
			if m, ok := m.(*pgproto3.CommandComplete); ok {
				tag, ok := rd.tags[string(m.CommandTag)]
				if !ok {
					tag = pgconn.NewCommandTag(string(m.CommandTag))
					if len(rd.tags) < pipeMaxTags {
						rd.tags[tag.String()] = tag
					}
				}
				rd.cur.tag = tag
			}
			if !rd.synced && c.complete(own, true) {
				return nil
			}
		default:
			return fmt.Errorf("pipeline: unexpected %T", msg)
		}
	}
}

// complete hands the current statement's result to its caller, writes the
// statements waiting in wbuf when a write is due (it ended one), and
// reports whether the reader is done (pop).
func (c *pipeConn) complete(own *pipeReq, ran bool) (done bool) {
	c.rd.cur = nil // before pop, which may hand the reading on
	r, done, write := c.pop(own, ran)
	if write {
		c.mu.Lock()
		c.flushUnsent()
	}
	if ran {
		r.finish(nil)
	} else {
		r.finish(errPipelineRedirect)
	}
	if c.p.nwaiting.Load() > 0 {
		c.p.dispatchWaiting(c)
	}
	return done
}

// skipToSync hands back the statements the server skipped after an
// error, up to the one the Sync follows, to run on the pool: none of them
// ran.
func (c *pipeConn) skipToSync(own *pipeReq) (done bool) {
	for c.rd.skipping {
		r, synced := c.front()
		if r == nil {
			c.rd.skipping = false
			return false
		}
		c.rd.skipping = !synced
		c.rd.cur = r
		if c.complete(own, false) {
			return true
		}
	}
	return false
}
