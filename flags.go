package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// flagSet is a flag.FlagSet whose flags may fall back to environment
// variables: a variable that is set is parsed like the flag's value (so a
// malformed one is an error naming it), and a flag on the command line wins.
type flagSet struct {
	*flag.FlagSet
	env map[string]string // flag name → environment variable
}

func newFlagSet(name, synopsis string, stderr io.Writer) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), env: map[string]string{}}
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: aquila %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// fromEnv records that flag name falls back to environment variable key.
func (fs *flagSet) fromEnv(name, key string) {
	fs.env[name] = key
	if f := fs.Lookup(name); f != nil {
		f.Usage += " (env " + key + ")"
	}
}

// parse applies the environment fallbacks, then the command line.
func (fs *flagSet) parse(args []string) error {
	for name, key := range fs.env {
		if v, ok := os.LookupEnv(key); ok {
			if err := fs.Set(name, v); err != nil {
				return fmt.Errorf("%w: invalid %s=%q: %v", errUsage, key, v, err)
			}
		}
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return errUsage
	}
	return nil
}

// dbFlags are the database flags shared by serve and migrate.
type dbFlags struct {
	url     string
	dataDir string
}

func (d *dbFlags) register(fs *flagSet) {
	fs.StringVar(&d.url, "database-url", "", "PostgreSQL DSN; empty starts the embedded server")
	fs.fromEnv("database-url", "DATABASE_URL")
	fs.StringVar(&d.dataDir, "data-dir", ".aquila", "directory of the embedded server's data")
	fs.fromEnv("data-dir", "AQUILA_DATA_DIR")
}

// levelVar is a flag.Value for a slog level name (debug, info, warn, error).
type levelVar struct{ level *slog.Level }

func (l levelVar) String() string {
	if l.level == nil {
		return "INFO"
	}
	return l.level.String()
}

func (l levelVar) Set(s string) error { return l.level.UnmarshalText([]byte(s)) }

// listVar is a repeatable flag; a comma-separated value (as from an
// environment variable) adds several entries.
type listVar struct{ list *[]string }

func (l *listVar) String() string {
	if l.list == nil {
		return ""
	}
	return strings.Join(*l.list, ",")
}

func (l *listVar) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l.list = append(*l.list, v)
		}
	}
	return nil
}
