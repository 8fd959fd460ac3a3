package cli

import (
	"encoding/hex"
	"errors"
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
	prefix string            // environment prefix with its trailing "_"
	env    map[string]string // flag name → environment variable
}

func (r *runner) newFlagSet(name, synopsis string) *flagSet {
	fs := &flagSet{
		FlagSet: flag.NewFlagSet(name, flag.ContinueOnError),
		prefix:  r.envPrefix + "_",
		env:     map[string]string{},
	}
	fs.SetOutput(r.stderr)
	fs.Usage = func() {
		fmt.Fprintf(r.stderr, "Usage: %s %s\n\nFlags:\n", r.name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// fromEnv records that flag name falls back to the environment variable
// PREFIX_key.
func (fs *flagSet) fromEnv(name, key string) { fs.fromEnvExact(name, fs.prefix+key) }

// fromEnvExact records that flag name falls back to the environment
// variable key, unprefixed (DATABASE_URL).
func (fs *flagSet) fromEnvExact(name, key string) {
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

// usageError prints the command's usage and returns a usage error with msg.
func (fs *flagSet) usageError(format string, args ...any) error {
	fs.Usage()
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

// dbFlags are the database flags of every command that connects.
type dbFlags struct {
	url     string
	dataDir string
}

func (d *dbFlags) register(fs *flagSet) {
	fs.StringVar(&d.url, "database-url", "", "PostgreSQL DSN; empty starts the embedded server")
	fs.fromEnvExact("database-url", "DATABASE_URL")
	fs.StringVar(&d.dataDir, "data-dir", ".aquila", "directory of the embedded server's data")
	fs.fromEnv("data-dir", "DATA_DIR")
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

// keyVar is a flag.Value for a hex-encoded key of at least min bytes.
type keyVar struct {
	key *[]byte
	min int
}

// String does not print the key: flag prints it as the default.
func (k keyVar) String() string { return "" }

func (k keyVar) Set(s string) error {
	key, err := hex.DecodeString(s)
	switch {
	case err != nil:
		return errors.New("not hexadecimal")
	case len(key) < k.min:
		return fmt.Errorf("%d hex digits, want at least %d", len(s), 2*k.min)
	}
	*k.key = key
	return nil
}

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

// newLogger writes text logs to w at level.
func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}
