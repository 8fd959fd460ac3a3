package cli

import (
	"context"
	"io"

	"github.com/aquila-go/aquila/model"
)

// ddlCmd prints the DDL the service's metadata generates.
func ddlCmd(_ context.Context, r *runner, args []string) error {
	fs := r.newFlagSet("ddl", "ddl [-drop]")
	drop := fs.Bool("drop", false, "print the DROP statements instead of the CREATE statements")
	fs.fromEnv("drop", "DDL_DROP")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fs.usageError("ddl takes no arguments")
	}
	reg, err := r.registry()
	if err != nil {
		return err
	}
	stmts := reg.CreateStatements()
	if *drop {
		stmts = reg.DropStatements()
	}
	_, err = io.WriteString(r.stdout, model.Script(stmts))
	return err
}
