// Package pgcluster starts a real, throwaway replication topology for tests
// and benchmarks: a primary, streaming replicas cloned from it with
// pg_basebackup -R, and optionally PgBouncer in transaction pooling mode in
// front of the primary. Everything runs from the binaries installed on the
// machine (Debian: apt-get install postgresql pgbouncer), listens on
// 127.0.0.1 only and, when the process runs as root, as an unprivileged
// operating-system user ("postgres" by default), because neither PostgreSQL
// nor PgBouncer runs as root.
//
// # Topology
//
//	primary      pglocal server in Dir/primary (wal_level=replica)
//	replica N    pg_basebackup -R -C -S aquila_replica_N of the primary into
//	             Dir/replicaN/data, started with pglocal as a hot standby;
//	             the physical replication slot keeps the WAL a stopped replica
//	             needs to catch up when it is started again
//	pgbouncer    Dir/pgbouncer/pgbouncer.ini: pool_mode=transaction, every
//	             database (*) forwarded to the primary, auth_type=trust
//
// Servers use trust authentication as the superuser postgres. That is fine
// for tests on loopback and nothing else: do not point pgcluster at data that
// matters.
//
// # Lifecycle
//
// [Start] returns once every server accepts connections and every replica
// streams from the primary. [Cluster.Stop] stops PgBouncer, the replicas and
// the primary, in that order, and removes Dir when Start created it. Every
// child process gets a parent-death signal on Linux, so a killed test binary
// leaves nothing running. A replica can be stopped and started again
// ([Replica.Stop], [Replica.Start]) on the same port, and its replay paused
// ([Replica.PauseReplay]) to make it lag on purpose.
//
// # Example
//
//	func TestReads(t *testing.T) {
//		c := pgcluster.MustStart(t, pgcluster.Config{Replicas: 1, PgBouncer: true})
//		primary := c.Primary().DSN("postgres")
//		replica := c.Replica(0).DSN("postgres")
//		bouncer := c.Bouncer().DSN("postgres") // use pgx exec mode "exec"
//		...
//		if err := c.WaitReplay(ctx); err != nil { ... } // replicas caught up
//	}
package pgcluster
