package cli

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aquila-go/aquila/postgres"
)

// Backoff of waitDatabase: the first retry after dbWaitFirst, doubling up
// to dbWaitMax between attempts.
const (
	dbWaitFirst = 100 * time.Millisecond
	dbWaitMax   = 5 * time.Second
	// dbConnectTimeout bounds one attempt (a server that accepts TCP but
	// never answers).
	dbConnectTimeout = 5 * time.Second
)

// waitDatabase connects to dsn until it answers, for at most wait,
// logging each failed attempt with the time to the next one. A failure
// that waiting cannot cure (a wrong password, a database that does not
// exist, a malformed DSN) returns at once; so does any failure when wait
// is 0. The error names how long it waited and how often it tried.
func waitDatabase(ctx context.Context, dsn string, wait time.Duration, log *slog.Logger) error {
	start := time.Now()
	delay := dbWaitFirst
	for attempt := 1; ; attempt++ {
		err := pingDatabase(ctx, dsn)
		if err == nil {
			if attempt > 1 {
				log.Info("database reachable", "attempts", attempt, "waited", time.Since(start).Round(time.Millisecond))
			}
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("waiting for the database: %w", ctx.Err())
		}
		if !postgres.Unavailable(err) {
			return err
		}
		left := wait - time.Since(start)
		if left <= 0 {
			if wait == 0 {
				return fmt.Errorf("database unreachable (-db-wait 0: not waiting): %w", err)
			}
			return fmt.Errorf("database unreachable after waiting %s (%d attempts): %w", wait, attempt, err)
		}
		d := min(delay, left)
		log.Warn("database unreachable, waiting", "attempt", attempt, "retry_in", d, "gives_up_in", left.Round(time.Millisecond), "err", err)
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("waiting for the database: %w", ctx.Err())
		case <-t.C:
		}
		delay = min(2*delay, dbWaitMax)
	}
}

// pingDatabase opens one connection to dsn and closes it.
func pingDatabase(ctx context.Context, dsn string) error {
	ctx, cancel := context.WithTimeout(ctx, dbConnectTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	return conn.Close(ctx)
}
