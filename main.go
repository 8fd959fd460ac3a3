// Command aquila runs the reference catalog service and manages its database.
//
//	aquila serve               run the HTTP service (embedded PostgreSQL unless DATABASE_URL is set)
//	aquila migrate up|down|status|version
//	aquila ddl [-drop]          print the catalog DDL generated from its metadata
//	aquila check               compare the metadata with the live schema (exit 1 on drift)
//	aquila load -table T FILE  bulk-load NDJSON or CSV through COPY
//	aquila version
//
// Run `aquila <command> -h` for a command's flags. Every flag has an
// environment variable fallback, named in its help text.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
)

const usage = `aquila — a PostgreSQL service foundation with its SQL and wiring compiled at build time.

Usage:
  aquila <command> [flags]

Commands:
  serve      Run the catalog HTTP service. Without DATABASE_URL it starts a
             local PostgreSQL from the installed server binaries, keeping its
             data in ./.aquila, migrates it and serves on 127.0.0.1:8080.
  migrate    Apply or inspect schema migrations: up, down, status, version.
  ddl        Print the CREATE statements the catalog metadata (model) generates;
             -drop prints the DROP statements.
  check      Compare the catalog metadata with the live database schema; prints
             one line per difference and exits 1 if there is any. Migrates nothing.
  load       Bulk-load an NDJSON or CSV file into a catalog table through COPY,
             all or nothing: aquila load -table books books.ndjson
  version    Print the aquila version.

Environment:
  DATABASE_URL   PostgreSQL DSN, e.g. postgres://user:pass@localhost:5432/app
                 (unset: use the embedded server)

Run 'aquila <command> -h' for the flags of a command.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// errUsage marks a command-line mistake (exit status 2).
var errUsage = errors.New("usage")

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var err error
	switch args[0] {
	case "serve":
		err = serveCmd(ctx, args[1:], stderr)
	case "migrate":
		err = migrateCmd(ctx, args[1:], stdout, stderr)
	case "ddl":
		err = ddlCmd(ctx, args[1:], stdout, stderr)
	case "check":
		err = checkCmd(ctx, args[1:], stdout, stderr)
	case "load":
		err = loadCmd(ctx, args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "aquila", version())
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "aquila: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		if err != errUsage { // the flag package already printed its own errors
			fmt.Fprintln(stderr, "aquila:", strings.TrimPrefix(err.Error(), "usage: "))
		}
		return 2
	default:
		fmt.Fprintln(stderr, "aquila:", err)
		return 1
	}
}

// version is the module version and VCS revision the binary was built from.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v + " " + bi.GoVersion
}

// newLogger writes text logs to w at level.
func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}
