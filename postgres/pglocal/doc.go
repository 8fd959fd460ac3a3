// Package pglocal runs a local, ephemeral PostgreSQL server from the server
// binaries installed on the machine.
//
// It exists for development and tests: `aquila serve` without a
// DATABASE_URL, and test helpers such as
// github.com/aquila-go/aquila/postgres/pgtest, need a real PostgreSQL without
// Docker and without downloading binaries. pglocal finds the installed
// server ([FindBinDir]), initialises a cluster in a directory it owns the
// first time, starts postgres as a child process and stops it again.
//
// # Layout
//
// [Config.Dir] holds three entries:
//
//	data/          PGDATA, created by initdb on first use and reused afterwards
//	run/           the Unix socket directory (not /var/run/postgresql)
//	postgres.log   output of initdb and postgres, appended across runs
//
// # Lifecycle
//
// The postgres binary runs directly as a child (not through pg_ctl, which
// detaches it) in its own process group, so ^C in a terminal reaches the Go
// program rather than the server. On Linux the child also gets a parent-death
// signal: if the Go process dies, even by SIGKILL, the kernel sends the
// server SIGINT and it shuts down. If a server is nevertheless left running
// on Dir (or a stale postmaster.pid remains), the next [Start] on the same
// Dir stops that server or removes the file before starting.
//
// [Server.Stop] uses fast shutdown (SIGINT) and escalates to immediate
// shutdown (SIGQUIT) and SIGKILL if the server does not exit in time.
//
// # Running as root
//
// PostgreSQL refuses to run as root. When the current process is root,
// pglocal runs initdb and postgres as [Config.OSUser] ("postgres" by
// default): it gives data/ and run/ to that user and makes Dir itself
// traversable (search permission only). Every parent directory of Dir must
// already be traversable by that user; a checkout under a 0700 home
// directory is not. Start reports the first blocking directory with an error
// wrapping [ErrDirNotTraversable] and leaves the choice of another Dir to
// the caller. Switching users is supported on Linux only.
//
// # Security
//
// The cluster is initialised with trust authentication and the superuser
// postgres, so connections need no password. That is acceptable because the
// server listens on 127.0.0.1 only and its Unix socket lives in run/, which
// is private to the user running the server. Any local user may still reach
// the TCP port: do not use pglocal on a shared multi-user machine for data
// that matters, and never expose it on another interface.
//
// # Example
//
//	srv, err := pglocal.Start(ctx, pglocal.Config{
//		Dir:      ".aquila/pg",
//		Settings: map[string]string{"fsync": "off"},
//	})
//	if err != nil {
//		return err // errors.Is(err, pglocal.ErrNoBinaries): tell the user to install PostgreSQL
//	}
//	defer srv.Stop(context.Background())
//
//	pool, err := pgxpool.New(ctx, srv.DSN("postgres"))
package pglocal
