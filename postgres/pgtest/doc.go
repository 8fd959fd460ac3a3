// Package pgtest gives each test its own PostgreSQL database, cloned from a
// template that the service's goose migrations built once.
//
// A package creates one [Server] and lets it run the tests:
//
//	var pg = pgtest.New()
//
//	func TestMain(m *testing.M) { os.Exit(pg.Run(m)) }
//
//	func TestCreateAuthor(t *testing.T) {
//		t.Parallel()
//		pool := pg.Pool(t, schema.FS) // fs.FS with 00001_catalog.sql, ...
//		// ... use pool; the database is dropped when the test passes
//	}
//
// On first use the Server picks a PostgreSQL server: $DATABASE_URL when it is
// set (a postgres:// URL connecting as a superuser), otherwise an embedded server started
// with [pglocal] in a temporary directory, tuned for throwaway data (fsync,
// synchronous_commit and full_page_writes off; max_connections 200) and
// removed again by [Server.Close]. When no PostgreSQL binaries are installed
// the tests fail with a one-line message telling how to install them or to
// set DATABASE_URL.
//
// Databases come from github.com/peterldowns/pgtestdb: the migrations run
// once into a template database named after a hash of the migration files
// (so each distinct migration set has its own template, reused across tests,
// packages and, on a DATABASE_URL server, runs), and every [Server.URL] or
// [Server.Pool] call clones it with CREATE DATABASE ... TEMPLATE, which takes
// milliseconds. Tests connect as an unprivileged role that owns their
// database, like a service would; [Server.AdminURL] gives superuser access to
// the server when a test needs it.
//
// A database is dropped when its test passes and kept, with its URL in the
// test log, when it fails (until Close removes an embedded server).
package pgtest
