package peers

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/aquila-go/aquila/bench/internal/benchdb"
)

// ResetTable drops and recreates the models table from aquila's model
// metadata, with autovacuum off so that a vacuum started by one contender's
// writes does not land in the next contender's measurement.
func ResetTable(ctx context.Context, dsn string) error {
	reg, err := benchdb.Registry()
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	stmts := append([]string{`DROP TABLE IF EXISTS "models"`}, reg.CreateStatements()...)
	stmts = append(stmts, `ALTER TABLE "models" SET (autovacuum_enabled = off)`)
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			return err
		}
	}
	return nil
}
