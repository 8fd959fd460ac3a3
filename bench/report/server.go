package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/aquila-go/aquila/postgres/pglocal"
)

// serverSettings are the settings of the embedded server, the same for
// every contender. Durability: fsync and full_page_writes stay on (crash
// safe); synchronous_commit=off lets a commit return before its WAL is
// flushed, so that single-row writes measure the client and the server's
// CPU rather than the latency of a shared disk (the report measures it),
// the same way for every contender.
func serverSettings() map[string]string {
	return map[string]string{
		"synchronous_commit": "off",
		"shared_buffers":     "256MB",
		"max_connections":    "200",
	}
}

// reportedSettings are read back from the server for the report.
func reportedSettings() []string {
	return []string{"fsync", "synchronous_commit", "full_page_writes", "wal_level",
		"shared_buffers", "max_connections", "jit", "autovacuum"}
}

// server is the PostgreSQL server of a run: embedded or $DATABASE_URL.
type server struct {
	admin    *url.URL // superuser DSN to the postgres database
	embedded bool
	local    *pglocal.Server
	dir      string
	binDir   string // where pgbench and psql are taken from ("" = PATH)
}

func startServer(ctx context.Context, log *slog.Logger) (*server, error) {
	if dsn := os.Getenv("DATABASE_URL"); dsn != "" {
		u, err := url.Parse(dsn)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return nil, errors.New("DATABASE_URL must be a postgres:// URL of a superuser")
		}
		s := &server{admin: u}
		s.admin = s.dsnURL("postgres")
		if bin, err := pglocal.FindBinDir(); err == nil {
			s.binDir = bin
		}
		return s, nil
	}
	dir, err := os.MkdirTemp("/tmp", "aquila-bench-*")
	if err != nil {
		return nil, err
	}
	srv, err := pglocal.Start(ctx, pglocal.Config{Dir: dir, Settings: serverSettings(), Logger: log})
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	u, err := url.Parse(srv.SocketDSN("postgres"))
	if err != nil {
		srv.Stop(context.Background())
		os.RemoveAll(dir)
		return nil, err
	}
	return &server{admin: u, embedded: true, local: srv, dir: dir, binDir: srv.BinDir()}, nil
}

func (s *server) stop() error {
	if s.local == nil {
		return nil
	}
	err := s.local.Stop(context.Background())
	return errors.Join(err, os.RemoveAll(s.dir))
}

// dsnURL is the admin DSN pointed at database.
func (s *server) dsnURL(database string) *url.URL {
	u := *s.admin
	u.Path, u.RawPath = "/"+database, ""
	q := u.Query()
	if q.Has("dbname") {
		q.Set("dbname", database)
		u.RawQuery = q.Encode()
	}
	return &u
}

// dsn is the admin DSN pointed at database.
func (s *server) dsn(database string) string { return s.dsnURL(database).String() }

// recreateDB drops database if it exists and creates it empty.
func (s *server) recreateDB(ctx context.Context, database string) error {
	ident := pgx.Identifier{database}.Sanitize()
	return s.adminExec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)", "CREATE DATABASE "+ident)
}

func (s *server) dropDB(ctx context.Context, database string) error {
	return s.adminExec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{database}.Sanitize()+" WITH (FORCE)")
}

// adminExec runs stmts in order on one admin connection.
func (s *server) adminExec(ctx context.Context, stmts ...string) error {
	conn, err := pgx.Connect(ctx, s.admin.String())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for _, stmt := range stmts {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

// serverInfo is what the report says about the server.
type serverInfo struct {
	version  string
	settings [][2]string
	socket   bool
}

func (s *server) info(ctx context.Context) (serverInfo, error) {
	var info serverInfo
	conn, err := pgx.Connect(ctx, s.admin.String())
	if err != nil {
		return info, err
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, "SELECT version()").Scan(&info.version); err != nil {
		return info, err
	}
	for _, name := range reportedSettings() {
		var v string
		if err := conn.QueryRow(ctx, "SELECT current_setting($1)", name).Scan(&v); err != nil {
			return info, err
		}
		info.settings = append(info.settings, [2]string{name, v})
	}
	info.socket = strings.HasPrefix(conn.Config().Host, "/")
	return info, nil
}

// tool returns the path of a PostgreSQL client program.
func (s *server) tool(name string) (string, error) {
	if s.binDir != "" {
		p := filepath.Join(s.binDir, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return exec.LookPath(name)
}

// tcpDSN is the admin DSN pointed at database over TCP on 127.0.0.1,
// where the embedded server listens too; a DATABASE_URL server's as given.
func (s *server) tcpDSN(database string) string {
	if s.local != nil {
		return s.local.DSN(database)
	}
	return s.dsn(database)
}

// libpqEnv returns PG* variables that point libpq programs (pgbench, psql)
// at database on the server, the way the Go clients connect.
func (s *server) libpqEnv(database string) ([]string, error) {
	return s.libpqEnvDSN(s.dsn(database), database)
}

// libpqEnvDSN is libpqEnv for dsn, a DSN of database.
func (s *server) libpqEnvDSN(dsn, database string) ([]string, error) {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	env := []string{
		"PGHOST=" + cfg.Host,
		"PGPORT=" + strconv.Itoa(int(cfg.Port)),
		"PGUSER=" + cfg.User,
		"PGDATABASE=" + database,
	}
	if cfg.Password != "" {
		env = append(env, "PGPASSWORD="+cfg.Password)
	}
	if mode := s.admin.Query().Get("sslmode"); mode != "" {
		env = append(env, "PGSSLMODE="+mode)
	}
	return env, nil
}

// describe says which server this is, without credentials.
func (s *server) describe() string {
	host := s.admin.Hostname()
	if h := s.admin.Query().Get("host"); h != "" {
		host = h
	}
	where := fmt.Sprintf("%s (port %s)", host, s.admin.Port())
	if s.admin.Port() == "" {
		where = fmt.Sprintf("%s (port %s)", host, s.admin.Query().Get("port"))
	}
	if s.embedded {
		return "embedded server started by bench/report (postgres/pglocal), Unix socket " + where
	}
	return "DATABASE_URL: " + where
}
