package pglocal

import "errors"

var (
	// ErrNoBinaries is returned, wrapped, by [FindBinDir] and [Start] when no
	// PostgreSQL server binaries (initdb and postgres) can be found. The
	// wrapping error is a single line that says where pglocal looked and how
	// to fix it.
	ErrNoBinaries = errors.New("pglocal: no PostgreSQL server binaries found")

	// ErrDirNotTraversable is returned, wrapped, by [Start] when the process
	// runs as root and a parent directory of [Config.Dir] cannot be traversed
	// by [Config.OSUser], so the server could not reach its data directory.
	// The caller decides whether to fall back to another directory.
	ErrDirNotTraversable = errors.New("pglocal: directory not traversable by the server user")

	// errPortInUse reports that the server could not bind its port; Start
	// retries with another port when it picked the port itself.
	errPortInUse = errors.New("port already in use")
)
