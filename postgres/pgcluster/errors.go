package pgcluster

import "errors"

var (
	// ErrNoPgBouncer is returned, wrapped, by [Start] when Config.PgBouncer
	// is set and no pgbouncer binary can be found. The message says how to
	// install it.
	ErrNoPgBouncer = errors.New("pgcluster: pgbouncer not found")

	// ErrStopped is returned by methods of a [Replica] or [Bouncer] that need
	// it running when it is stopped.
	ErrStopped = errors.New("pgcluster: stopped")
)
