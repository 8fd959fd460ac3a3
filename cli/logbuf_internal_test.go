package cli

import (
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// lockedWriter records writes; the buffer's loop writes from another
// goroutine.
type lockedWriter struct {
	mu     sync.Mutex
	b      strings.Builder
	writes int
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes++
	return w.b.Write(p)
}

func (w *lockedWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func TestBufferedLogger(t *testing.T) {
	var w lockedWriter
	log, buf := newBufferedLogger(&w, slog.LevelInfo)
	// A warning is written at once, with what was buffered before it.
	log.Info("first")
	log.Warn("careful")
	if s := w.String(); !strings.Contains(s, "msg=first") || !strings.Contains(s, "msg=careful") {
		t.Fatalf("after a warning the log holds %q, want both records", s)
	}
	// Info records beyond the buffer's size are written in a few writes,
	// not one per record.
	w.mu.Lock()
	w.writes = 0
	w.mu.Unlock()
	const n = 2000
	for i := range n {
		log.Info("request", "i", i)
	}
	if err := buf.Close(); err != nil {
		t.Fatal(err)
	}
	s := w.String()
	if !strings.Contains(s, "i=0 ") && !strings.Contains(s, "i=0\n") || !strings.Contains(s, "i=1999") {
		t.Fatalf("records missing after Close")
	}
	if w.writes >= n/10 {
		t.Fatalf("%d records took %d writes, want them batched", n, w.writes)
	}
}
