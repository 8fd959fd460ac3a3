package pgtest

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", used by pgtestdb
	"github.com/peterldowns/pgtestdb"
	"github.com/peterldowns/pgtestdb/migrators/goosemigrator"

	"github.com/aquila-go/aquila/postgres/pglocal"
)

// DatabaseURLEnv names the environment variable that points the tests at an
// existing server instead of an embedded one.
const DatabaseURLEnv = "DATABASE_URL"

// settings tune the embedded server for throwaway data.
func settings() map[string]string {
	return map[string]string{
		"fsync":              "off",
		"synchronous_commit": "off",
		"full_page_writes":   "off",
		"max_connections":    "200",
	}
}

// Server hands out isolated databases. The PostgreSQL server behind it is
// chosen on first use: $DATABASE_URL when set, otherwise an embedded
// [pglocal] server in a temporary directory. Its methods are safe for
// concurrent use by parallel tests.
type Server struct {
	start  sync.Once
	err    error // from start; set once
	closed atomic.Bool
	conf   pgtestdb.Config // superuser connection for pgtestdb
	admin  string          // superuser DSN to the "postgres" database
	local  *pglocal.Server // nil when using DATABASE_URL
	dir    string          // temporary directory of local

	close    sync.Once
	closeErr error
}

// New returns a Server. It starts nothing: the server is selected, and
// started if needed, by the first test that asks for a database.
func New() *Server { return &Server{} }

// Run runs the tests and then closes s. It returns the exit code for
// os.Exit:
//
//	func TestMain(m *testing.M) { os.Exit(pg.Run(m)) }
func (s *Server) Run(m *testing.M) int {
	code := m.Run()
	if err := s.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// Close stops the embedded server, if one was started, and removes its
// directory. It is idempotent; after Close, tests asking for a database fail.
func (s *Server) Close() error {
	s.closed.Store(true)
	s.start.Do(func() {}) // wait for a start in progress, prevent later ones
	s.close.Do(func() {
		if s.local != nil {
			s.closeErr = s.local.Stop(context.Background())
		}
		if s.dir != "" {
			if err := os.RemoveAll(s.dir); err != nil {
				s.closeErr = errors.Join(s.closeErr, fmt.Errorf("pgtest: %w", err))
			}
		}
	})
	return s.closeErr
}

// URL creates a database for t, cloned from a template migrated with the goose
// SQL migrations at the root of migrations, and returns its DSN. The
// template is built once per distinct migration set (pgtestdb names it after
// a hash of the files) and reused across tests, packages and runs against the
// same server. The database is dropped when t succeeds and kept, with its URL
// logged, when t fails. A nil migrations gives an empty database.
//
// Tests connect as pgtestdb's unprivileged role, as a service would: the
// migrations cannot create extensions.
func (s *Server) URL(t testing.TB, migrations fs.FS) string {
	t.Helper()
	conf := s.config(t)
	var m pgtestdb.Migrator = pgtestdb.NoopMigrator{}
	if migrations != nil {
		m = goosemigrator.New(".", goosemigrator.WithFS(migrations))
	}
	return pgtestdb.Custom(t, conf, m).URL()
}

// Pool returns a pool on a new database from [Server.URL]. The pool is closed
// when t ends, before the database is dropped.
func (s *Server) Pool(t testing.TB, migrations fs.FS) *pgxpool.Pool {
	t.Helper()
	dsn := s.URL(t, migrations)
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// AdminURL returns a superuser DSN to the "postgres" database of the server,
// for tests that need raw server access. Objects created through it are not
// cleaned up.
func (s *Server) AdminURL(t testing.TB) string {
	t.Helper()
	s.config(t)
	return s.admin
}

// config returns the pgtestdb configuration, selecting and starting the
// server on first use. It fails t if that did not work.
func (s *Server) config(t testing.TB) pgtestdb.Config {
	t.Helper()
	s.start.Do(func() { s.err = s.open() })
	if s.closed.Load() {
		t.Fatal("pgtest: server closed")
	}
	if s.err != nil {
		t.Fatal(s.err)
	}
	return s.conf
}

// open selects the server: DATABASE_URL or an embedded one.
func (s *Server) open() error {
	if dsn := os.Getenv(DatabaseURLEnv); dsn != "" {
		return s.openURL(dsn)
	}
	return s.openLocal()
}

func (s *Server) openURL(dsn string) error {
	conf, err := pgtestdbConfig(dsn)
	if err != nil {
		return fmt.Errorf("pgtest: %s: %w", DatabaseURLEnv, err)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("pgtest: %s: %w", DatabaseURLEnv, err)
	}
	defer conn.Close(ctx)
	var super bool
	if err := conn.QueryRow(ctx, "select rolsuper from pg_roles where rolname = current_user").Scan(&super); err != nil {
		return fmt.Errorf("pgtest: %s: %w", DatabaseURLEnv, err)
	}
	if !super {
		return fmt.Errorf("pgtest: %s: user %q is not a superuser, which pgtestdb needs to create roles and template databases",
			DatabaseURLEnv, conn.Config().User)
	}
	admin, err := adminURL(dsn)
	if err != nil {
		return fmt.Errorf("pgtest: %s: %w", DatabaseURLEnv, err)
	}
	s.conf, s.admin = conf, admin
	return nil
}

func (s *Server) openLocal() error {
	dir, err := os.MkdirTemp("", "aquila-pgtest-*")
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	cfg := pglocal.Config{Dir: dir, Settings: settings()}
	srv, err := pglocal.Start(context.Background(), cfg)
	if errors.Is(err, pglocal.ErrDirNotTraversable) && os.TempDir() != "/tmp" {
		// $TMPDIR is somewhere the postgres user cannot reach (running
		// as root): /tmp always is.
		os.RemoveAll(dir)
		if dir, err = os.MkdirTemp("/tmp", "aquila-pgtest-*"); err != nil {
			return fmt.Errorf("pgtest: %w", err)
		}
		cfg.Dir = dir
		srv, err = pglocal.Start(context.Background(), cfg)
	}
	if err != nil {
		os.RemoveAll(dir)
		return err
	}
	s.local, s.dir = srv, dir
	s.admin = srv.SocketDSN("postgres")
	if s.conf, err = pgtestdbConfig(s.admin); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	return nil
}

// pgtestdbConfig converts a URL DSN into the pieces pgtestdb reassembles into
// URLs with fmt: user and password are escaped here, a Unix socket directory
// travels as a host query parameter, and the other query parameters are
// kept.
func pgtestdbConfig(dsn string) (pgtestdb.Config, error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return pgtestdb.Config{}, errors.New("must be a postgres:// URL")
	}
	pc, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return pgtestdb.Config{}, err
	}
	query := u.Query()
	for _, key := range []string{"host", "port", "user", "password", "dbname"} {
		query.Del(key)
	}
	host := pc.Host
	if strings.HasPrefix(host, "/") {
		query.Set("host", host)
		host = ""
	}
	password := ""
	if pc.Password != "" {
		password = strings.TrimPrefix(url.UserPassword("", pc.Password).String(), ":")
	}
	role := pgtestdb.DefaultRole()
	role.Username = roleName(pc.Host, pc.Port)
	return pgtestdb.Config{
		TestRole:   &role,
		DriverName: "pgx",
		Host:       host,
		Port:       strconv.Itoa(int(pc.Port)),
		User:       url.User(pc.User).String(),
		Password:   password,
		Database:   pc.Database,
		Options:    query.Encode(),
	}, nil
}

// roleName returns the name of the unprivileged role that owns the test
// databases on the server at host:port. pgtestdb remembers, per process and by
// role name only, which roles and templates it has created; a name per
// server keeps two Servers in one test binary from trusting each other's
// state. The name is stable for a given DATABASE_URL, so templates are
// reused across runs.
func roleName(host string, port uint16) string {
	h := fnv.New32a()
	fmt.Fprintf(h, "%s:%d", host, port)
	return fmt.Sprintf("pgtest_%08x", h.Sum32())
}

// adminURL returns dsn pointed at the "postgres" database.
func adminURL(dsn string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	u.Path = "/postgres"
	u.RawPath = ""
	query := u.Query()
	if query.Has("dbname") {
		query.Set("dbname", "postgres")
		u.RawQuery = query.Encode()
	}
	return u.String(), nil
}
