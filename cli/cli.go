package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aquila-go/aquila/model"
	"github.com/aquila-go/aquila/openapi"
	"github.com/aquila-go/aquila/postgres"
)

// Service describes a service to its commands: what it is called, its
// metadata, its migrations, the statements to prepare on every connection
// and how to build its HTTP API.
type Service struct {
	// Name is the command name in usage, messages and version output
	// ("aquila" when empty).
	Name string
	// Summary is a one-line description of what serve runs, shown in the
	// usage text.
	Summary string
	// Version is printed by the version command (default: the module
	// version and VCS revision from the binary's build information).
	Version string
	// EnvPrefix prefixes the environment fallback of every flag ("AQUILA"
	// when empty: AQUILA_ADDR, AQUILA_MAX_CONNS, ...). DATABASE_URL is
	// never prefixed.
	EnvPrefix string

	// Registry is the service's table metadata: ddl prints its DDL, check
	// compares it with the database, load writes its tables. Those three
	// commands fail with ErrNoRegistry without it.
	Registry *model.Registry
	// Migrations holds the goose migrations (NNNNN_name.sql files at its
	// root), usually embedded: serve applies them before it opens the pool,
	// migrate applies and inspects them.
	Migrations fs.FS
	// MigrationsDir is the directory, relative to the working directory,
	// Migrations is built from; migrate create writes there ("schema" when
	// empty).
	MigrationsDir string
	// Statements are prepared on every pooled connection before serve
	// reports ready (the statement list generated next to sqlc's output).
	Statements []string

	// Handler builds the service's HTTP API from what serve built (usually
	// the service's Wire injector). It is called once, after migrations,
	// with a warm pool; its cleanup runs at shutdown, after in-flight
	// requests have finished and before the pool closes. Without it serve
	// answers only /healthz, /readyz and /metrics.
	Handler func(ctx context.Context, d *Deps) (http.Handler, func(), error)
	// OpenAPI builds the OpenAPI document of the service's API without a
	// database (e.g. api.Mux.OpenAPI of the routes its handler
	// registers). With it, serve answers GET /openapi.json and the openapi
	// command writes or checks the document.
	OpenAPI func() (*openapi.Document, error)
}

// Deps is what serve builds before it calls Service.Handler: the parsed
// configuration, the logger, the database router (its primary pool is warm
// and has every Service.Statements prepared) and the Prometheus registry
// that /metrics serves. A Wire injector takes it whole and provides its
// fields with wire.FieldsOf(new(*cli.Deps), "Config", "Logger", ...).
type Deps struct {
	Config   Config
	Logger   *slog.Logger
	Router   *postgres.Router
	Metrics  *prometheus.Registry
	Registry *model.Registry
}

// ErrNoRegistry is returned by ddl, check and load when Service.Registry
// is nil.
var ErrNoRegistry = errors.New("the service has no model registry")

// errUsage marks a command-line mistake (exit status 2).
var errUsage = errors.New("usage")

// Main runs the command named by os.Args[1] for svc and returns the exit
// status (0 success, 1 failure, 2 command-line mistake), for
// os.Exit(cli.Main(svc)). SIGINT and SIGTERM cancel the command's context:
// serve then drains and stops.
func Main(svc Service) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, svc, os.Args[1:], os.Stdout, os.Stderr)
}

// Run runs the command args[0] with the flags and arguments in args[1:],
// writing results to stdout and logs and errors to stderr, and returns the
// exit status. It is Main without the process: tests call it directly.
func Run(ctx context.Context, svc Service, args []string, stdout, stderr io.Writer) int {
	r := newRunner(svc, stdout, stderr)
	if len(args) == 0 {
		fmt.Fprint(stderr, r.usage())
		return 2
	}
	var err error
	switch name := args[0]; name {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, r.usage())
	default:
		c, ok := r.command(name)
		if !ok {
			fmt.Fprintf(stderr, "%s: unknown command %q\n\n%s", r.name, name, r.usage())
			return 2
		}
		err = c.run(ctx, r, args[1:])
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		if err != errUsage { // the flag package already printed its own errors
			fmt.Fprintln(stderr, r.name+":", strings.TrimPrefix(err.Error(), "usage: "))
		}
		return 2
	default:
		fmt.Fprintln(stderr, r.name+":", err)
		return 1
	}
}

// runner is one run of a command: the service and where output goes.
type runner struct {
	svc            Service
	name           string
	envPrefix      string
	stdout, stderr io.Writer
}

func newRunner(svc Service, stdout, stderr io.Writer) *runner {
	r := &runner{svc: svc, name: svc.Name, envPrefix: svc.EnvPrefix, stdout: stdout, stderr: stderr}
	if r.name == "" {
		r.name = "aquila"
	}
	if r.envPrefix == "" {
		r.envPrefix = "AQUILA"
	}
	return r
}

// command is one entry of the command table.
type command struct {
	name    string
	summary string // the usage text's description, wrapped by hand
	run     func(ctx context.Context, r *runner, args []string) error
}

// commands is the command table, in the order the usage text lists it.
func commands() []command {
	return []command{
		{"serve", "Run the HTTP service. Without DATABASE_URL it starts a local\n" +
			"PostgreSQL from the installed server binaries, keeping its data in\n" +
			"./.aquila, migrates it and serves on 127.0.0.1:8080.", serveCmd},
		{"migrate", "Apply, inspect or create schema migrations: " + migrateNames() + ".", migrateCmd},
		{"ddl", "Print the CREATE statements the model metadata generates;\n-drop prints the DROP statements.", ddlCmd},
		{"check", "Compare the model metadata with the live database schema; prints\n" +
			"one line per difference and exits 1 if there is any. Migrates nothing.", checkCmd},
		{"load", "Bulk-load an NDJSON or CSV file into a table through COPY,\nall or nothing: load -table TABLE FILE", loadCmd},
		{"openapi", "Write the OpenAPI document of the API (-o FILE, default stdout);\n-check FILE exits 1 when FILE differs from it.", openapiCmd},
		{"version", "Print the version.", versionCmd},
	}
}

func (r *runner) command(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func (r *runner) usage() string {
	var b strings.Builder
	if r.svc.Summary != "" {
		fmt.Fprintf(&b, "%s — %s\n\n", r.name, r.svc.Summary)
	}
	fmt.Fprintf(&b, "Usage:\n  %s <command> [flags]\n\nCommands:\n", r.name)
	for _, c := range commands() {
		lines := strings.Split(c.summary, "\n")
		fmt.Fprintf(&b, "  %-9s  %s\n", c.name, lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(&b, "  %-9s  %s\n", "", l)
		}
	}
	fmt.Fprintf(&b, "\nEnvironment:\n"+
		"  DATABASE_URL   PostgreSQL DSN, e.g. postgres://user:pass@localhost:5432/app\n"+
		"                 (unset: use the embedded server)\n"+
		"  %s_*       the fallback of each flag, named in its help text\n\n"+
		"Run '%s <command> -h' for the flags of a command.\n", r.envPrefix, r.name)
	return b.String()
}

func versionCmd(_ context.Context, r *runner, args []string) error {
	fs := r.newFlagSet("version", "version")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fs.usageError("version takes no arguments")
	}
	v := r.svc.Version
	if v == "" {
		v = buildVersion()
	}
	_, err := fmt.Fprintln(r.stdout, r.name, v)
	return err
}

// buildVersion is the module version and VCS revision the binary was built
// from.
func buildVersion() string {
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

// registry returns the service's registry or ErrNoRegistry.
func (r *runner) registry() (*model.Registry, error) {
	if r.svc.Registry == nil {
		return nil, ErrNoRegistry
	}
	return r.svc.Registry, nil
}
