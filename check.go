package main

import (
	"context"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"

	"github.com/aquila-go/aquila/internal/catalog"
	"github.com/aquila-go/aquila/model"
)

// checkCmd compares the database with the catalog metadata. It prints one
// line per difference and fails with model.ErrDrift when there is any.
func checkCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("check", "check [flags]", stderr)
	var db dbFlags
	db.register(fs)
	schemaName := fs.String("schema", "", "schema to check (default: the connection's current_schema())")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return fmt.Errorf("%w: check takes no arguments", errUsage)
	}
	c, err := catalog.New()
	if err != nil {
		return err
	}
	dsn, stop, err := openDSN(ctx, db)
	if err != nil {
		return err
	}
	defer stop()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))

	var opts []model.CheckOption
	if *schemaName != "" {
		opts = append(opts, model.InSchema(*schemaName))
	}
	diffs, err := model.Check(ctx, conn, c.Registry, opts...)
	if err != nil {
		return err
	}
	for _, d := range diffs {
		fmt.Fprintln(stdout, d)
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%w: %d difference(s) between the catalog metadata and the database", model.ErrDrift, len(diffs))
	}
	fmt.Fprintf(stdout, "no differences: the database matches the catalog metadata (%d tables)\n", len(c.Registry.Tables()))
	return nil
}
