package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aquila-go/aquila/cli/clitest"
	"github.com/aquila-go/aquila/postgres/pgcluster"
)

// TestFailoverDrill runs the reference service on a primary and a
// streaming standby, with the primary and the standby both in a multi-host
// DSN (target_session_attrs=read-write, so new connections find whichever
// accepts writes) and the standby as its read replica. Under load it kills
// the primary's postmaster with SIGKILL and promotes the standby, as an
// operator or a failover manager would, then measures how long writes were
// refused and whether reads went on. With synchronous replication
// (synchronous_standby_names set on the primary) no acknowledged create
// may be lost; with asynchronous replication the loss is measured and
// logged (the window is the replication lag at the moment of the crash).
func TestFailoverDrill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a primary and a standby and kills the primary")
	}
	for _, sync := range []bool{true, false} {
		name := map[bool]string{true: "synchronous", false: "asynchronous"}[sync]
		t.Run(name, func(t *testing.T) { failoverDrill(t, sync) })
	}
}

func failoverDrill(t *testing.T, synchronous bool) {
	ctx := context.Background()
	c := pgcluster.MustStart(t, pgcluster.Config{Replicas: 1})
	primary, standby := c.Primary(), c.Replica(0)
	exec1(t, primary.DSN("postgres"), `CREATE DATABASE drill`)
	if synchronous {
		exec1(t, primary.DSN("postgres"), `ALTER SYSTEM SET synchronous_standby_names = '*'`)
		exec1(t, primary.DSN("postgres"), `SELECT pg_reload_conf()`)
		waitSyncStandby(t, primary.DSN("postgres"))
	}
	if err := c.WaitReplay(ctx); err != nil {
		t.Fatal(err)
	}
	dsn := fmt.Sprintf("postgres://postgres@127.0.0.1:%d,127.0.0.1:%d/drill?sslmode=disable&target_session_attrs=read-write&connect_timeout=2",
		primary.Port(), standby.Port())

	served := clitest.Serve(t, service(testRegistry(t)), "-database-url", dsn,
		"-replica-url", standby.DSN("drill"), "-min-idle-conns", "2", "-max-conns", "8",
		"-request-timeout", "5s", "-shutdown-delay", "0", "-log-level", "warn")
	base := served.URL
	served.WaitReady(t, 30*time.Second)

	l, ids := newDrillLoad(t, base, 10)
	if err := c.WaitReplay(ctx); err != nil {
		t.Fatal(err)
	}
	stopLoad := l.start(t, ids)
	time.Sleep(1500 * time.Millisecond)

	killed := time.Now()
	if err := primary.Crash(ctx, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, standby.DSN("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	var ok bool
	err = conn.QueryRow(ctx, `SELECT pg_promote(true, 30)`).Scan(&ok)
	conn.Close(ctx)
	if err != nil || !ok {
		t.Fatalf("promote: %v %v", ok, err)
	}
	promoted := time.Now()
	time.Sleep(3 * time.Second)
	stopLoad()

	// Figures: creates fail from the kill until the last failed one ended
	// (how long until writes succeed again); reads in the same window.
	var lastFailedWrite time.Time
	var reads, readsOK, writes, writesOK, internal int
	l.mu.Lock()
	for _, r := range l.results {
		if r.start.Before(killed) {
			continue
		}
		if r.status == 500 {
			internal++
		}
		if r.op == "create" {
			writes++
			if r.status == http.StatusCreated {
				writesOK++
			} else if r.end.After(lastFailedWrite) {
				lastFailedWrite = r.end
			}
			continue
		}
		reads++
		if r.status == http.StatusOK {
			readsOK++
		}
	}
	acked := append([]int64(nil), l.acked...)
	l.mu.Unlock()
	outage := time.Duration(0)
	if !lastFailedWrite.IsZero() {
		outage = lastFailedWrite.Sub(killed)
	}
	t.Logf("failover: standby promoted %s after the kill; creates failed until %s after the kill (%d of %d failed); reads after the kill: %d of %d succeeded; %d × 500",
		promoted.Sub(killed).Round(time.Millisecond), outage.Round(time.Millisecond), writes-writesOK, writes, readsOK, reads, internal)
	if internal != 0 {
		t.Errorf("%d answers were 500 during the failover", internal)
	}
	if writesOK == 0 {
		t.Fatalf("no create succeeded after the kill:\n%s", served.Logs())
	}
	if d := lastFailedWrite.Sub(promoted); d > 2*time.Second {
		t.Errorf("creates still failed %s after the promotion", d)
	}

	// Acknowledged creates on the new primary.
	conn, err = pgx.Connect(ctx, standby.DSN("drill"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var present int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM books WHERE id = ANY($1)`, acked).Scan(&present); err != nil {
		t.Fatal(err)
	}
	t.Logf("creates: %d acknowledged, %d present on the promoted standby (%d lost)", len(acked), present, len(acked)-present)
	if synchronous && present != len(acked) {
		t.Errorf("synchronous replication lost %d acknowledged creates", len(acked)-present)
	}
}

// waitSyncStandby waits until the primary reports a synchronous standby.
func waitSyncStandby(t *testing.T, dsn string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		var states []string
		rows, _ := conn.Query(context.Background(), `SELECT sync_state FROM pg_stat_replication`)
		states, err = pgx.CollectRows(rows, pgx.RowTo[string])
		conn.Close(context.Background())
		if err == nil && strings.Contains(strings.Join(states, ","), "sync") && !strings.Contains(strings.Join(states, ","), "async") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no synchronous standby: %v %v", states, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
