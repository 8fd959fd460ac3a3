package cli

import (
	"context"
	"fmt"

	"github.com/aquila-go/aquila/model"
)

// checkCmd compares the database with the service's metadata. It prints
// one line per difference and fails with model.ErrDrift when there is any.
func checkCmd(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlagSet("check", "check [flags]")
	var db dbFlags
	db.register(fs)
	schemaName := fs.String("schema", "", "schema to check (default: the connection's current_schema())")
	fs.fromEnv("schema", "CHECK_SCHEMA")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fs.usageError("check takes no arguments")
	}
	reg, err := r.registry()
	if err != nil {
		return err
	}
	conn, closeConn, err := r.dial(ctx, db)
	if err != nil {
		return err
	}
	defer closeConn()

	var opts []model.CheckOption
	if *schemaName != "" {
		opts = append(opts, model.InSchema(*schemaName))
	}
	diffs, err := model.Check(ctx, conn, reg, opts...)
	if err != nil {
		return err
	}
	for _, d := range diffs {
		fmt.Fprintln(r.stdout, d)
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%w: %d difference(s) between the model metadata and the database", model.ErrDrift, len(diffs))
	}
	fmt.Fprintf(r.stdout, "no differences: the database matches the model metadata (%d tables)\n", len(reg.Tables()))
	return nil
}
