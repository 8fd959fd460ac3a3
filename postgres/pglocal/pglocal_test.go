package pglocal_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aquila-go/aquila/postgres/pglocal"
)

// childDirEnv makes the test binary start a server on the named Dir, print
// "ready" and sleep, so that TestParentKilled can SIGKILL it.
const childDirEnv = "PGLOCAL_TEST_CHILD_DIR"

// testPrefix names every directory the tests create, so that TestMain can
// find servers they left behind.
func testPrefix() string { return fmt.Sprintf("aquila-pglocal-%d-", os.Getpid()) }

func TestMain(m *testing.M) {
	if dir := os.Getenv(childDirEnv); dir != "" {
		os.Exit(runChild(dir))
	}
	code := m.Run()
	if pids := serverPIDs(testPrefix()); len(pids) > 0 {
		fmt.Fprintf(os.Stderr, "pglocal tests left postgres processes behind: %v\n", pids)
		for _, pid := range pids {
			if p, err := os.FindProcess(pid); err == nil {
				_ = p.Kill()
			}
		}
		code = 1
	}
	os.Exit(code)
}

func runChild(dir string) int {
	_, err := pglocal.Start(context.Background(), pglocal.Config{
		Dir:      dir,
		Settings: map[string]string{"fsync": "off"},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("ready")
	time.Sleep(time.Hour) // until killed
	return 0
}

// serverPIDs returns the PIDs of processes whose command line contains s.
func serverPIDs(s string) []int {
	out, _ := exec.Command("pgrep", "-f", s).Output()
	var pids []int
	for _, field := range strings.Fields(string(out)) {
		if pid, err := strconv.Atoi(field); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

// newDir returns a fresh directory under the system temp directory (not
// t.TempDir, whose 0700 parent the postgres user cannot traverse when the
// tests run as root).
func newDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", testPrefix())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func testConfig(t testing.TB, dir string) pglocal.Config {
	return pglocal.Config{
		Dir:      dir,
		Settings: map[string]string{"fsync": "off"},
		Logger:   slog.New(slog.NewTextHandler(t.Output(), nil)),
	}
}

// mustStart starts a server and stops it at the end of the test. It skips the
// test when no PostgreSQL binaries are installed.
func mustStart(t testing.TB, cfg pglocal.Config) *pglocal.Server {
	t.Helper()
	srv, err := pglocal.Start(context.Background(), cfg)
	if errors.Is(err, pglocal.ErrNoBinaries) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Stop(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return srv
}

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

func assertNoServer(t testing.TB, dataDir string) {
	t.Helper()
	if pids := serverPIDs(dataDir); len(pids) > 0 {
		t.Fatalf("postgres still running on %s: %v", dataDir, pids)
	}
}

func TestStartStopReuse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := newDir(t)
	cfg := testConfig(t, dir)

	srv := mustStart(t, cfg)
	conn := mustConnect(t, srv.DSN("postgres"))
	var one int
	if err := conn.QueryRow(ctx, "select 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("select 1 = %d, %v", one, err)
	}
	mustExec(t, conn, `create table "kept" ("id" int primary key)`)
	mustExec(t, conn, `insert into "kept" ("id") values ($1)`, 42)
	conn.Close(ctx)

	if err := srv.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := srv.Stop(ctx); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	assertNoServer(t, srv.DataDir())

	srv = mustStart(t, cfg)
	for _, dsn := range []string{srv.DSN("postgres"), srv.SocketDSN("postgres")} {
		conn := mustConnect(t, dsn)
		var id int
		if err := conn.QueryRow(ctx, `select "id" from "kept"`).Scan(&id); err != nil || id != 42 {
			t.Fatalf("%s: kept row = %d, %v", dsn, id, err)
		}
	}
	if !strings.Contains(srv.SocketDSN("postgres"), "host=") {
		t.Errorf("SocketDSN = %q, want a Unix socket host", srv.SocketDSN("postgres"))
	}
	if got, want := srv.DataDir(), filepath.Join(dir, "data"); got != want {
		t.Errorf("DataDir = %q, want %q", got, want)
	}
	if srv.Port() == 0 || srv.BinDir() == "" {
		t.Errorf("Port = %d, BinDir = %q", srv.Port(), srv.BinDir())
	}
}

// TestRestart covers starts over what an earlier run left behind.
func TestRestart(t *testing.T) {
	t.Parallel()
	dir := newDir(t)
	cfg := testConfig(t, dir)
	srv := mustStart(t, cfg)
	if err := srv.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	pidFile := filepath.Join(srv.DataDir(), "postmaster.pid")

	t.Run("DeadPID", func(t *testing.T) {
		dead := exec.Command("true")
		if err := dead.Run(); err != nil {
			t.Fatal(err)
		}
		writePIDFile(t, pidFile, dead.Process.Pid)
		startSelect(t, cfg)
	})

	t.Run("LiveOtherProcess", func(t *testing.T) {
		sleep := exec.Command("sleep", "60")
		if err := sleep.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() {
			_ = sleep.Process.Kill()
			_ = sleep.Wait()
		}()
		writePIDFile(t, pidFile, sleep.Process.Pid)
		startSelect(t, cfg)
		if err := sleep.Process.Signal(syscall.Signal(0)); err != nil {
			t.Fatalf("the unrelated process was stopped: %v", err)
		}
	})

	t.Run("Orphan", func(t *testing.T) {
		first := mustStart(t, cfg)
		// Lose the handle: a second Start on the same Dir must stop the
		// first server and replace it.
		second := mustStart(t, cfg)
		conn := mustConnect(t, second.DSN("postgres"))
		mustExec(t, conn, "select 1")
		if pids := serverPIDs(second.DataDir()); len(pids) != 1 {
			t.Fatalf("servers on %s: %v, want exactly one", second.DataDir(), pids)
		}
		if err := first.Stop(context.Background()); err != nil {
			t.Fatalf("Stop of the replaced server: %v", err)
		}
	})

	t.Run("PortInUse", func(t *testing.T) {
		busy := mustStart(t, testConfig(t, newDir(t)))
		cfg := cfg
		cfg.Port = busy.Port()
		_, err := pglocal.Start(context.Background(), cfg)
		if err == nil || !strings.Contains(err.Error(), "postgres.log") {
			t.Fatalf("Start on a taken port: %v, want an error quoting postgres.log", err)
		}
		t.Log(err)
		assertNoServer(t, srv.DataDir())
	})
}

func writePIDFile(t testing.TB, path string, pid int) {
	t.Helper()
	if err := os.WriteFile(path, []byte(strconv.Itoa(pid)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

func startSelect(t testing.TB, cfg pglocal.Config) {
	t.Helper()
	srv := mustStart(t, cfg)
	mustExec(t, mustConnect(t, srv.SocketDSN("postgres")), "select 1")
	if err := srv.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	assertNoServer(t, srv.DataDir())
}

func TestLongSocketPath(t *testing.T) {
	t.Parallel()
	parent := newDir(t)
	if err := os.Chmod(parent, 0o711); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(parent, strings.Repeat("d", 100))
	srv := mustStart(t, testConfig(t, dir))
	if got, want := srv.SocketDSN("app"), srv.DSN("app"); got != want {
		t.Fatalf("SocketDSN = %q, want the TCP fallback %q", got, want)
	}
	mustExec(t, mustConnect(t, srv.SocketDSN("postgres")), "select 1")
}

func TestParentKilled(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("parent-death signal is Linux only")
	}
	if _, err := pglocal.FindBinDir(); err != nil {
		t.Skip(err)
	}
	t.Parallel()
	dir := newDir(t)
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), childDirEnv+"="+dir)
	child.Stderr = t.Output()
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if line != "ready\n" {
		_ = child.Process.Kill()
		_ = child.Wait()
		t.Fatalf("child: %q, %v", line, err)
	}
	dataDir := filepath.Join(dir, "data")
	if pids := serverPIDs(dataDir); len(pids) != 1 {
		t.Fatalf("servers on %s: %v, want one", dataDir, pids)
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()

	deadline := time.Now().Add(15 * time.Second)
	for len(serverPIDs(dataDir)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("postgres outlived its killed parent: %v", serverPIDs(dataDir))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestNotTraversable(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root runs the server as another user")
	}
	t.Parallel()
	blocked := newDir(t) // 0700, owned by root
	_, err := pglocal.Start(context.Background(), pglocal.Config{Dir: filepath.Join(blocked, "pg")})
	if !errors.Is(err, pglocal.ErrDirNotTraversable) {
		t.Fatalf("err = %v, want ErrDirNotTraversable", err)
	}
	if !strings.Contains(err.Error(), blocked+" ") {
		t.Errorf("error %q does not name %s", err, blocked)
	}
	if _, statErr := os.Stat(filepath.Join(blocked, "pg")); statErr == nil {
		t.Error("Start created Dir despite the error")
	}
}

func TestFindBinDir(t *testing.T) {
	dir, err := pglocal.FindBinDir()
	if errors.Is(err, pglocal.ErrNoBinaries) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"initdb", "postgres"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}

	t.Setenv(pglocal.BinDirEnv, dir)
	if got, err := pglocal.FindBinDir(); got != dir || err != nil {
		t.Errorf("with %s=%s: %q, %v", pglocal.BinDirEnv, dir, got, err)
	}
}

func TestFindBinDirMissing(t *testing.T) {
	t.Setenv(pglocal.BinDirEnv, "/nonexistent")
	_, err := pglocal.FindBinDir()
	if !errors.Is(err, pglocal.ErrNoBinaries) {
		t.Fatalf("err = %v, want ErrNoBinaries", err)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "pglocal: ") ||
		!strings.Contains(msg, "/nonexistent") || !strings.Contains(msg, "apt-get install postgresql") {
		t.Errorf("message is not one actionable line: %q", msg)
	}

	_, err = pglocal.Start(context.Background(), pglocal.Config{Dir: filepath.Join(t.TempDir(), "pg")})
	if !errors.Is(err, pglocal.ErrNoBinaries) {
		t.Fatalf("Start: %v, want ErrNoBinaries", err)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, cfg := range []pglocal.Config{
		{},
		{Dir: "x", Port: -1},
		{Dir: "x", Settings: map[string]string{"listen_addresses": "*"}},
	} {
		if _, err := pglocal.Start(context.Background(), cfg); err == nil || !strings.HasPrefix(err.Error(), "pglocal: ") {
			t.Errorf("Start(%+v) = %v, want a pglocal error", cfg, err)
		}
	}
}
