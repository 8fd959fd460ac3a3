package pglocal

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/aquila-go/aquila/postgres/internal/proc"
)

const (
	superuser = "postgres"

	// maxSocketPath is the longest Unix socket path the kernel accepts
	// (sizeof(sun_path) - 1 on Linux).
	maxSocketPath = 107

	portRetries      = 3
	logTailLines     = 20
	stopFastTimeout  = 30 * time.Second
	stopQuitTimeout  = 5 * time.Second
	readyPollEvery   = 50 * time.Millisecond
	readyDialTimeout = 2 * time.Second
)

// Server is a running PostgreSQL server started by [Start]. Its methods are
// safe for concurrent use.
type Server struct {
	binDir  string
	dataDir string
	runDir  string
	logPath string
	port    int
	socket  bool // whether the server listens on a Unix socket in runDir
	logger  *slog.Logger
	proc    *proc.Process

	mu      sync.Mutex
	stopped bool
}

// Start initialises cfg.Dir on first use and starts a server on it, returning
// once the server accepts connections. The server keeps running after ctx is
// done; ctx only bounds the start. Stop it with [Server.Stop].
//
// Start must not be called concurrently on the same Dir. A server left
// running on Dir by an earlier process is stopped first.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	binDir := cfg.BinDir
	if binDir == "" {
		if binDir, err = FindBinDir(); err != nil {
			return nil, err
		}
	} else if !hasServerBinaries(binDir) {
		return nil, fmt.Errorf("%w in Config.BinDir %q: %s", ErrNoBinaries, binDir, installHint)
	}

	var cred *proc.Credential
	if os.Geteuid() == 0 {
		if !proc.SwitchUserSupported {
			return nil, errors.New("pglocal: PostgreSQL refuses to run as root and switching users is only supported on Linux: run as a normal user")
		}
		if cred, err = proc.LookupCredential(cfg.OSUser); err != nil {
			return nil, fmt.Errorf("pglocal: running as root needs an unprivileged user to run the server: %w", err)
		}
	}

	s := &Server{
		binDir:  binDir,
		dataDir: filepath.Join(cfg.Dir, "data"),
		runDir:  filepath.Join(cfg.Dir, "run"),
		logPath: filepath.Join(cfg.Dir, "postgres.log"),
		logger:  cfg.Logger,
	}
	if err := s.prepareDirs(cfg.Dir, cred); err != nil {
		return nil, err
	}
	clearStale(s.dataDir, s.logger)
	if err := s.initdb(ctx, cred); err != nil {
		return nil, err
	}

	for attempt := 0; ; attempt++ {
		port := cfg.Port
		if port == 0 {
			if port, err = proc.FreePort(); err != nil {
				return nil, fmt.Errorf("pglocal: pick port: %w", err)
			}
		}
		err = s.run(ctx, cfg, cred, port)
		if err == nil {
			return s, nil
		}
		if cfg.Port != 0 || attempt == portRetries || !errors.Is(err, errPortInUse) {
			return nil, err
		}
		s.logger.Info("pglocal: port taken, retrying", "port", port)
	}
}

// prepareDirs creates Dir, data/ and run/ and, as root, hands data/ and run/
// to cred after checking that cred can reach them.
func (s *Server) prepareDirs(dir string, cred *proc.Credential) error {
	if cred == nil {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("pglocal: %w", err)
		}
	} else {
		if err := checkParents(cred, dir); err != nil {
			return err
		}
		if err := os.MkdirAll(dir, 0o711); err != nil {
			return fmt.Errorf("pglocal: %w", err)
		}
		if err := cred.MakeTraversable(dir); err != nil {
			return fmt.Errorf("pglocal: %w", err)
		}
	}
	for _, d := range []string{s.dataDir, s.runDir} {
		if err := os.Mkdir(d, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("pglocal: %w", err)
		}
		if cred != nil {
			if err := cred.ChownTree(d); err != nil {
				return fmt.Errorf("pglocal: chown %s to %s: %w", d, cred.Name, err)
			}
		}
	}
	return nil
}

// initdb initialises the data directory unless it holds a cluster already.
func (s *Server) initdb(ctx context.Context, cred *proc.Credential) error {
	if _, err := os.Stat(filepath.Join(s.dataDir, "PG_VERSION")); err == nil {
		return nil
	}
	s.logger.Info("pglocal: initdb", "data", s.dataDir)
	log, offset, err := s.openLog()
	if err != nil {
		return err
	}
	cmd := exec.Command(filepath.Join(s.binDir, "initdb"),
		"-D", s.dataDir, "-U", superuser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
	cmd.Dir = filepath.Dir(s.dataDir)
	cmd.Stdout, cmd.Stderr = log, log
	p, err := proc.Start(cmd, procOptions(cred))
	log.Close()
	if err != nil {
		return fmt.Errorf("pglocal: initdb: %w", err)
	}
	select {
	case <-p.Done():
	case <-ctx.Done():
		p.Kill()
		return fmt.Errorf("pglocal: initdb: %w", ctx.Err())
	}
	if err := p.Err(); err != nil {
		return fmt.Errorf("pglocal: initdb: %w%s", err, s.logTail(offset))
	}
	return nil
}

// run starts postgres on port and waits until it accepts connections.
func (s *Server) run(ctx context.Context, cfg Config, cred *proc.Credential, port int) error {
	s.port = port
	socketDir := s.runDir
	s.socket = len(filepath.Join(s.runDir, ".s.PGSQL."+strconv.Itoa(port))) <= maxSocketPath
	if !s.socket {
		socketDir = "" // no Unix socket; SocketDSN falls back to TCP
	}
	args := []string{
		"-D", s.dataDir,
		"-p", strconv.Itoa(port),
		"-k", quoteDirList(socketDir),
		"-c", "listen_addresses=127.0.0.1",
	}
	args = append(args, cfg.settingArgs()...)

	log, offset, err := s.openLog()
	if err != nil {
		return err
	}
	cmd := exec.Command(filepath.Join(s.binDir, "postgres"), args...)
	cmd.Dir = filepath.Dir(s.dataDir)
	cmd.Stdout, cmd.Stderr = log, log
	p, err := proc.Start(cmd, procOptions(cred))
	log.Close()
	if err != nil {
		return fmt.Errorf("pglocal: start postgres: %w", err)
	}
	s.proc = p
	s.logger.Debug("pglocal: postgres started", "pid", p.Pid(), "port", port)

	if err := s.waitReady(ctx, cfg.StartTimeout, offset); err != nil {
		if stopErr := shutdown(context.Background(), p, s.logger); stopErr != nil {
			err = errors.Join(err, stopErr)
		}
		return err
	}
	s.logger.Info("pglocal: ready", "port", port, "data", s.dataDir, "pid", p.Pid())
	return nil
}

// waitReady polls the server until it accepts a connection, exits, ctx is
// done or timeout elapses.
func (s *Server) waitReady(ctx context.Context, timeout time.Duration, logOffset int64) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(readyPollEvery)
	defer tick.Stop()
	var lastErr error
	for {
		err := s.ping(ctx)
		if err == nil {
			return nil
		}
		lastErr = err
		select {
		case <-s.proc.Done():
			tail := s.logTail(logOffset)
			if strings.Contains(tail, "could not bind") || strings.Contains(tail, "Address already in use") {
				return fmt.Errorf("pglocal: postgres on port %d: %w%s", s.port, errPortInUse, tail)
			}
			return fmt.Errorf("pglocal: postgres exited during startup: %v%s", s.proc.Err(), tail)
		case <-ctx.Done():
			return fmt.Errorf("pglocal: wait for postgres: %w", ctx.Err())
		case <-deadline.C:
			return fmt.Errorf("pglocal: postgres not ready after %s: %w%s", timeout, lastErr, s.logTail(logOffset))
		case <-tick.C:
		}
	}
}

// ping connects over TCP and checks that the server answering is ours: with
// a port picked in advance, another server may have taken it, and ours will
// then exit failing to bind.
func (s *Server) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyDialTimeout)
	defer cancel()
	conn, err := pgconn.Connect(ctx, s.DSN("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	res, err := conn.Exec(ctx, "show data_directory").ReadAll()
	if err != nil {
		return err
	}
	if len(res) != 1 || len(res[0].Rows) != 1 || len(res[0].Rows[0]) != 1 {
		return errors.New("show data_directory: unexpected result")
	}
	if got := string(res[0].Rows[0][0]); !sameDir(got, s.dataDir) {
		return fmt.Errorf("port %d is served by another server (data directory %s)", s.port, got)
	}
	return nil
}

// sameDir reports whether a and b name the same directory.
func sameDir(a, b string) bool {
	if a == b {
		return true
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// openLog opens postgres.log for appending and returns its current size, where
// this run's output starts.
func (s *Server) openLog() (*os.File, int64, error) {
	f, offset, err := proc.OpenLog(s.logPath)
	if err != nil {
		return nil, 0, fmt.Errorf("pglocal: %w", err)
	}
	return f, offset, nil
}

// logTail returns the last lines written to postgres.log since offset,
// formatted to follow an error message.
func (s *Server) logTail(offset int64) string {
	return proc.LogTail(s.logPath, offset, logTailLines)
}

// DSN returns a URL connecting to database over TCP on 127.0.0.1 as the
// superuser postgres, without password (trust authentication) or TLS.
func (s *Server) DSN(database string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(superuser),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)),
		Path:     "/" + database,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// SocketDSN is like [Server.DSN] but connects through the Unix socket in
// Dir/run, which is faster. When that socket path would be longer than the
// kernel allows, the server has no Unix socket and SocketDSN returns DSN.
func (s *Server) SocketDSN(database string) string {
	if !s.socket {
		return s.DSN(database)
	}
	u := url.URL{
		Scheme: "postgres",
		User:   url.User(superuser),
		Path:   "/" + database,
		RawQuery: url.Values{
			"host":    {s.runDir},
			"port":    {strconv.Itoa(s.port)},
			"sslmode": {"disable"},
		}.Encode(),
	}
	return u.String()
}

// Port returns the TCP port the server listens on.
func (s *Server) Port() int { return s.port }

// BinDir returns the directory of the server binaries in use.
func (s *Server) BinDir() string { return s.binDir }

// DataDir returns the data directory (PGDATA).
func (s *Server) DataDir() string { return s.dataDir }

// LogPath returns the file that receives the output of initdb and postgres.
func (s *Server) LogPath() string { return s.logPath }

// Stop shuts the server down: fast shutdown (SIGINT, which rolls back open
// transactions and disconnects clients) and a wait until ctx is done or 30s
// pass, then immediate shutdown (SIGQUIT) and, as a last resort, SIGKILL.
// Stop is idempotent: later calls return nil.
func (s *Server) Stop(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return nil
	}
	s.stopped = true
	return shutdown(ctx, s.proc, s.logger)
}

// Crash ends the server abruptly with sig sent to the postmaster and waits
// for it to exit: syscall.SIGQUIT is PostgreSQL's immediate shutdown (no
// checkpoint; the next start on the same Dir runs crash recovery, like
// pg_ctl -m immediate), syscall.SIGKILL a crash of the postmaster itself.
// Fault drills use it; afterwards Stop does nothing and Start on the same
// Config brings the server back.
func (s *Server) Crash(ctx context.Context, sig os.Signal) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return nil
	}
	s.stopped = true
	if !s.proc.SignalAndWait(ctx, sig, stopFastTimeout) {
		s.proc.Kill()
		return fmt.Errorf("pglocal: postgres pid %d did not exit on %v, killed", s.proc.Pid(), sig)
	}
	return nil
}

// shutdown stops the server p and waits for it to exit: fast shutdown until
// ctx is done or stopFastTimeout passes, then immediate shutdown, then
// SIGKILL.
func shutdown(ctx context.Context, p *proc.Process, logger *slog.Logger) error {
	if p.SignalAndWait(ctx, os.Interrupt, stopFastTimeout) {
		return nil
	}
	logger.Warn("pglocal: fast shutdown timed out, sending SIGQUIT", "pid", p.Pid())
	if p.SignalAndWait(context.Background(), syscall.SIGQUIT, stopQuitTimeout) {
		return nil
	}
	p.Kill()
	return fmt.Errorf("pglocal: stop: postgres ignored SIGINT and SIGQUIT, killed pid %d", p.Pid())
}

// quoteDirList quotes dir for a directory-list setting such as
// unix_socket_directories, so that commas and spaces in it survive.
func quoteDirList(dir string) string {
	if dir == "" {
		return ""
	}
	return `"` + strings.ReplaceAll(dir, `"`, `""`) + `"`
}
