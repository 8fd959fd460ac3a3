// Package proc runs the helper programs of the PostgreSQL test tooling
// (postgres and initdb for pglocal, pgbouncer for pgcluster) as child
// processes that cannot outlive the Go process that started them, and, when
// that process is root, as an unprivileged operating-system user.
//
// Neither PostgreSQL nor PgBouncer runs as root, so a root caller looks up a
// [Credential] for the server user, hands the files the child writes to that
// user ([Credential.Chown], [Credential.ChownTree]) and starts the child as
// that user. [Credential.CanTraverse] and [Credential.MakeTraversable] check
// and grant the search permission the user needs to reach its files.
//
// [Start] starts a child in its own process group, so that ^C in a terminal
// reaches the Go program rather than the server, and on Linux asks the
// kernel to send the child [Options.DeathSignal] when the Go process dies,
// even by SIGKILL. The signal is a parameter because the children differ in
// what a clean, quick exit needs: SIGINT is fast shutdown for postgres,
// SIGTERM is the immediate shutdown of pgbouncer. The returned [Process] is
// waited for in the background; [Process.SignalAndWait] and [Process.Kill]
// build the escalating shutdowns of the callers, who own the signals,
// timeouts and error messages. Outside Linux there is neither a parent-death
// signal nor switching users ([SwitchUserSupported]).
//
// [FreePort] picks a loopback port for a child to listen on, and [OpenLog]
// and [LogTail] let a caller append a child's output to a log file and quote
// what one run wrote there in an error message.
//
// The package is internal to the postgres tree: its callers keep their own
// public APIs, error texts and log messages, and this package holds no state
// of its own.
package proc
