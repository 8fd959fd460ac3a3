package postgres_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/aquila-go/aquila/internal/library"
	"github.com/aquila-go/aquila/internal/library/db"
	"github.com/aquila-go/aquila/postgres"
)

// TestSessionReleaseResets: a released session that the router hands to a
// later request carries nothing of the earlier one: its reads do not go
// to the primary for the earlier write, its read scope holds no result and
// counts nothing, and the earlier OnWrite callbacks do not run.
func TestSessionReleaseResets(t *testing.T) {
	ctx := context.Background()
	tr := &roundTrips{}
	r, err := postgres.NewRouter(ctx, postgres.RouterConfig{Primary: postgres.Config{
		DSN: pg.URL(t, library.FS), MaxConns: 2, Prepare: db.Statements(), Tracer: tr,
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	rc := postgres.NewReadCache(postgres.ReadCacheConfig{})
	a, err := db.New(r.Primary()).CreateAuthor(ctx, db.CreateAuthorParams{Name: "before"})
	if err != nil {
		t.Fatal(err)
	}
	var hooks atomic.Int64 // OnWrite callbacks of earlier requests that ran
	// request uses s as one request does: a read that repeats (cached), an
	// OnWrite callback, a write, and a read after it (cached again).
	request := func(s *postgres.Session, name string) {
		t.Helper()
		scope := rc.SessionScope(s)
		q := db.NewRouted(scope, s.Writer())
		for range 2 {
			if _, err := q.GetAuthor(ctx, a.ID); err != nil {
				t.Fatal(err)
			}
		}
		s.OnWrite(func() { hooks.Add(1) })
		if _, err := q.UpdateAuthor(ctx, db.UpdateAuthorParams{ID: a.ID, Name: &name}); err != nil {
			t.Fatal(err)
		}
		if got, err := q.GetAuthor(ctx, a.ID); err != nil || got.Name != name {
			t.Fatalf("GetAuthor after the write: %+v, %v", got, err)
		}
		if !s.Wrote() || scope.Stats().Hits != 1 {
			t.Fatalf("request did not write or hit: wrote %v, stats %+v", s.Wrote(), scope.Stats())
		}
	}
	// fresh checks that s carries nothing of an earlier request.
	fresh := func(s *postgres.Session, name string) {
		t.Helper()
		if s.Wrote() {
			t.Fatal("a new session reads from the primary: it kept an earlier request's write")
		}
		scope := rc.SessionScope(s)
		if st := scope.Stats(); st != (postgres.ReadStats{}) {
			t.Fatalf("a new session's read scope counts %+v", st)
		}
		tr.reset()
		got, err := db.NewRouted(scope, s.Writer()).GetAuthor(ctx, a.ID)
		if err != nil || got.Name != name {
			t.Fatalf("GetAuthor: %+v, %v; want %q", got, err, name)
		}
		if n := tr.queries.Load(); n != 1 {
			t.Fatalf("the first read of a new session reached the server %d times, want once (an earlier result served it)", n)
		}
		before := hooks.Load()
		if _, err := s.Writer().Exec(ctx, "SELECT 1"); err != nil {
			t.Fatal(err)
		}
		if n := hooks.Load() - before; n != 0 {
			t.Fatalf("a write of a new session ran %d OnWrite callbacks of earlier requests", n)
		}
	}

	s := r.Session()
	request(s, "first")
	s.Release()
	s.Release() // a second Release does nothing: the session is handed out once
	name := "first"
	for i := 0; ; i++ {
		s2 := r.Session()
		if s3 := r.Session(); s3 == s2 {
			t.Fatal("a session released twice was handed to two requests")
		} else {
			s3.Release()
		}
		fresh(s2, name)
		if s2 == s {
			break // the released session came back, emptied
		}
		if i == 100 {
			t.Fatal("the router never handed a released session out again")
		}
		// Another session (the pool may drop what is put in it): use
		// and release it in turn.
		s2.Release()
		s = r.Session()
		name = name + "+"
		request(s, name)
		s.Release()
	}
}
