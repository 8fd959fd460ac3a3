package pgcluster_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aquila-go/aquila/postgres/pgcluster"
)

func mustConnect(t testing.TB, dsn string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func mustExec(t testing.TB, conn *pgx.Conn, sql string, args ...any) {
	t.Helper()
	if _, err := conn.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func count(t testing.TB, conn *pgx.Conn) int {
	t.Helper()
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM "t"`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// processesUnder returns the command lines of processes that mention dir.
func processesUnder(dir string) string {
	out, _ := exec.Command("pgrep", "-af", dir).Output()
	return strings.TrimSpace(string(out))
}

// TestCluster runs one primary, one replica and PgBouncer, exercises each
// piece, stops everything and checks that no process is left.
func TestCluster(t *testing.T) {
	t.Parallel()
	pgcluster.NeedPgBouncer(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := pgcluster.Start(ctx, pgcluster.Config{
		Replicas:  1,
		PgBouncer: true,
		Logger:    slog.New(slog.NewTextHandler(t.Output(), nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			_ = c.Stop(context.Background())
		}
	}()

	primary := mustConnect(t, c.Primary().DSN("postgres"))
	replica := mustConnect(t, c.Replica(0).DSN("postgres"))
	mustExec(t, primary, `CREATE TABLE "t" ("id" int PRIMARY KEY)`)
	mustExec(t, primary, `INSERT INTO "t" ("id") VALUES ($1)`, 1)

	t.Run("Streams", func(t *testing.T) {
		var inRecovery bool
		if err := replica.QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&inRecovery); err != nil || !inRecovery {
			t.Fatalf("replica pg_is_in_recovery() = %v, %v; want true", inRecovery, err)
		}
		if err := primary.QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&inRecovery); err != nil || inRecovery {
			t.Fatalf("primary pg_is_in_recovery() = %v, %v; want false", inRecovery, err)
		}
		if err := c.WaitReplay(ctx); err != nil {
			t.Fatal(err)
		}
		if n := count(t, replica); n != 1 {
			t.Fatalf("replica has %d rows, want 1", n)
		}
		var slot string
		if err := primary.QueryRow(ctx, `SELECT "slot_name" FROM "pg_replication_slots" WHERE "active"`).Scan(&slot); err != nil {
			t.Fatalf("active replication slot: %v", err)
		}
	})

	t.Run("PauseReplay", func(t *testing.T) {
		if err := c.Replica(0).PauseReplay(ctx); err != nil {
			t.Fatal(err)
		}
		mustExec(t, primary, `INSERT INTO "t" ("id") VALUES ($1)`, 2)
		if err := c.WaitReplay(ctx); err != nil { // skips the paused replica
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
		if n := count(t, replica); n != 1 {
			t.Fatalf("paused replica has %d rows, want 1", n)
		}
		if err := c.Replica(0).ResumeReplay(ctx); err != nil {
			t.Fatal(err)
		}
		if err := c.WaitReplay(ctx); err != nil {
			t.Fatal(err)
		}
		if n := count(t, replica); n != 2 {
			t.Fatalf("resumed replica has %d rows, want 2", n)
		}
	})

	t.Run("Restart", func(t *testing.T) {
		r := c.Replica(0)
		port := r.Port()
		if err := r.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		if r.Running() {
			t.Fatal("Running after Stop")
		}
		if out := processesUnder(r.DataDir()); out != "" {
			t.Fatalf("stopped replica still runs:\n%s", out)
		}
		mustExec(t, primary, `INSERT INTO "t" ("id") VALUES ($1)`, 3)
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if r.Port() != port {
			t.Fatalf("port changed from %d to %d", port, r.Port())
		}
		if err := c.WaitReplay(ctx); err != nil {
			t.Fatal(err)
		}
		if n := count(t, mustConnect(t, r.DSN("postgres"))); n != 3 {
			t.Fatalf("restarted replica has %d rows, want 3 (caught up through its slot)", n)
		}
	})

	t.Run("PgBouncer", func(t *testing.T) {
		cfg, err := pgx.ParseConfig(c.Bouncer().DSN("pgbouncer"))
		if err != nil {
			t.Fatal(err)
		}
		cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol // the admin console speaks nothing else
		admin, err := pgx.ConnectConfig(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close(ctx)
		rows, err := admin.Query(ctx, "SHOW CONFIG")
		if err != nil {
			t.Fatal(err)
		}
		mode := ""
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				t.Fatal(err)
			}
			if len(vals) >= 2 && vals[0] == "pool_mode" {
				mode, _ = vals[1].(string)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if mode != "transaction" {
			t.Fatalf("pool_mode = %q, want transaction", mode)
		}

		dsn := c.Bouncer().DSN("postgres") + "&default_query_exec_mode=exec"
		through := mustConnect(t, dsn)
		if n := count(t, through); n != 3 {
			t.Fatalf("through pgbouncer: %d rows, want 3", n)
		}
		var inRecovery bool
		if err := through.QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&inRecovery); err != nil || inRecovery {
			t.Fatalf("pgbouncer reaches pg_is_in_recovery() = %v, %v; want the primary", inRecovery, err)
		}
	})

	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	stopped = true
	if err := c.Stop(ctx); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if out := processesUnder(c.Dir()); out != "" {
		t.Fatalf("processes left after Stop:\n%s", out)
	}
}

func TestConfigErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := pgcluster.Start(ctx, pgcluster.Config{Replicas: -1}); err == nil {
		t.Error("Replicas = -1 accepted")
	}
	_, err := pgcluster.Start(ctx, pgcluster.Config{PgBouncer: true, PgBouncerPath: "/nonexistent/pgbouncer"})
	if !errors.Is(err, pgcluster.ErrNoPgBouncer) {
		t.Errorf("missing pgbouncer: %v, want ErrNoPgBouncer", err)
	}
}

// recordTB records Skip and Fatal instead of ending the test.
type recordTB struct {
	testing.TB
	skipped, fatal string
}

func (r *recordTB) Helper()             {}
func (r *recordTB) Skip(args ...any)    { r.skipped = fmt.Sprint(args...) }
func (r *recordTB) Fatal(args ...any)   { r.fatal = fmt.Sprint(args...) }
func (r *recordTB) Cleanup(f func())    { r.TB.Cleanup(f) }
func (r *recordTB) Logf(string, ...any) {}

// TestMissingPgBouncer: a machine without pgbouncer skips the tests that
// need it with the package to install; under CI it fails them.
func TestMissingPgBouncer(t *testing.T) {
	cfg := pgcluster.Config{PgBouncer: true, PgBouncerPath: "/nonexistent/pgbouncer"}
	t.Setenv("CI", "")
	rec := &recordTB{TB: t}
	if c := pgcluster.MustStart(rec, cfg); c != nil || rec.fatal != "" || !strings.Contains(rec.skipped, "apt-get install pgbouncer") {
		t.Errorf("without CI: cluster %v, skipped %q, fatal %q; want a skip naming the package", c, rec.skipped, rec.fatal)
	}
	t.Setenv("CI", "true")
	rec = &recordTB{TB: t}
	if c := pgcluster.MustStart(rec, cfg); c != nil || rec.skipped != "" || !strings.Contains(rec.fatal, "apt-get install pgbouncer") {
		t.Errorf("with CI: cluster %v, skipped %q, fatal %q; want a failure naming the package", c, rec.skipped, rec.fatal)
	}
}
