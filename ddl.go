package main

import (
	"context"
	"fmt"
	"io"

	"github.com/aquila-go/aquila/internal/catalog"
	"github.com/aquila-go/aquila/model"
)

// ddlCmd prints the reference catalog's DDL, generated from its metadata.
func ddlCmd(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("ddl", "ddl [-drop]", stderr)
	drop := fs.Bool("drop", false, "print the DROP statements instead of the CREATE statements")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return fmt.Errorf("%w: ddl takes no arguments", errUsage)
	}
	c, err := catalog.New()
	if err != nil {
		return err
	}
	stmts := c.Registry.CreateStatements()
	if *drop {
		stmts = c.Registry.DropStatements()
	}
	_, err = io.WriteString(stdout, model.Script(stmts))
	return err
}
