package cli

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Log buffering of serve.
const (
	logFlushEvery = 50 * time.Millisecond // how late an info record may reach the log
	logBufferMax  = 32 << 10              // bytes buffered before a write at once
)

// logBuffer batches serve's log records: under load the access log writes
// one record per request, and one write system call per record costs more
// than the rest of logging. Records are appended to a buffer that is
// written every logFlushEvery, when it exceeds logBufferMax, after any
// record at warn or above (flushHandler) and on Close.
type logBuffer struct {
	w    io.Writer
	mu   sync.Mutex
	buf  []byte
	stop chan struct{}
	done chan struct{}
}

func newLogBuffer(w io.Writer) *logBuffer {
	b := &logBuffer{w: w, stop: make(chan struct{}), done: make(chan struct{})}
	go b.loop()
	return b
}

func (b *logBuffer) loop() {
	defer close(b.done)
	t := time.NewTicker(logFlushEvery)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
			b.Flush()
		}
	}
}

// Write appends p; the slog handler calls it once per record.
func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if len(b.buf) > logBufferMax {
		return len(p), b.flushLocked()
	}
	return len(p), nil
}

// Flush writes what is buffered.
func (b *logBuffer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.flushLocked()
}

func (b *logBuffer) flushLocked() error {
	if len(b.buf) == 0 {
		return nil
	}
	_, err := b.w.Write(b.buf)
	b.buf = b.buf[:0]
	return err
}

// Close stops the periodic writes and writes what is left.
func (b *logBuffer) Close() error {
	close(b.stop)
	<-b.done
	return b.Flush()
}

// flushHandler writes the buffer at once after a record at warn or above.
type flushHandler struct {
	slog.Handler
	b *logBuffer
}

func (h flushHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		if ferr := h.b.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

func (h flushHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return flushHandler{Handler: h.Handler.WithAttrs(as), b: h.b}
}

func (h flushHandler) WithGroup(name string) slog.Handler {
	return flushHandler{Handler: h.Handler.WithGroup(name), b: h.b}
}

// newBufferedLogger is newLogger over a logBuffer; close the buffer when
// done logging.
func newBufferedLogger(w io.Writer, level slog.Level) (*slog.Logger, *logBuffer) {
	b := newLogBuffer(w)
	return slog.New(flushHandler{Handler: newLogger(b, level).Handler(), b: b}), b
}
