package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// runner runs commands, echoing progress to log and recording each
// distinct command line for the report.
type runner struct {
	root     string // repository root
	log      io.Writer
	commands []string
	seen     map[string]bool
}

func newRunner(root string, log io.Writer) *runner {
	return &runner{root: root, log: log, seen: map[string]bool{}}
}

// record remembers a command line (with the environment it sets) once.
func (r *runner) record(dir string, env []string, name string, args ...string) string {
	var b strings.Builder
	if rel, err := filepath.Rel(r.root, dir); err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
		fmt.Fprintf(&b, "(cd %s && ", rel)
	}
	for _, e := range env {
		if p := placeholderEnv(e); p != e {
			b.WriteString(p + " ") // shown by name, unquoted
		} else {
			b.WriteString(shellQuote(e) + " ")
		}
	}
	b.WriteString(shellQuote(r.relPath(name)))
	for i, a := range args {
		if i > 0 && filepath.Base(name) == "pgbench" {
			switch args[i-1] {
			case "-c":
				a = "<clients>"
			case "-j":
				a = "<min(clients,cores)>"
			case "-t":
				a = "<n>"
			}
		}
		b.WriteString(" " + shellQuote(r.relPath(a)))
	}
	line := b.String()
	if strings.HasPrefix(line, "(cd ") {
		line += ")"
	}
	if !r.seen[line] {
		r.seen[line] = true
		r.commands = append(r.commands, line)
	}
	return line
}

// placeholderEnv shows the variables that carry DSNs, or change from one
// invocation to the next, by name: the report lists their values once.
func placeholderEnv(e string) string {
	k, _, _ := strings.Cut(e, "=")
	switch k {
	case "DATABASE_URL", "AQUILA_BENCH_PGBENCH_DSN", "AQUILA_BENCH_COPY_DSN", "AQUILA_BENCH_PEERS_DSN",
		"AQUILA_BENCH_SEED_DSN", "AQUILA_BENCH_POINT_DSN", "AQUILA_BENCH_HTTP_DSN", "AQUILA_BENCH_HTTP_BIN",
		"AQUILA_BENCH_HTTP_PROFILE", "PGHOST", "PGPORT", "PGPASSWORD", "PGSSLMODE":
		return k + "=$" + k
	case "AQUILA_BENCH_CLIENTS":
		if strings.Contains(e, ",") {
			return e
		}
		return k + "=<clients>"
	case "AQUILA_BENCH_ROTATE":
		return k + "=<repetition>"
	}
	return e
}

// relPath shortens paths inside the repository.
func (r *runner) relPath(s string) string {
	if rel, err := filepath.Rel(r.root, s); err == nil && filepath.IsAbs(s) && !strings.HasPrefix(rel, "..") {
		return "./" + rel
	}
	return s
}

// run runs name in dir with env added to the environment and returns its
// standard output; standard error goes to the log. timeout bounds it.
func (r *runner) run(ctx context.Context, timeout time.Duration, dir string, env []string, name string, args ...string) (string, error) {
	return r.exec(ctx, timeout, dir, env, r.log, name, args...)
}

// quiet is run with standard error shown only in the error.
func (r *runner) quiet(ctx context.Context, timeout time.Duration, dir string, env []string, name string, args ...string) (string, error) {
	return r.exec(ctx, timeout, dir, env, io.Discard, name, args...)
}

func (r *runner) exec(ctx context.Context, timeout time.Duration, dir string, env []string, log io.Writer, name string, args ...string) (string, error) {
	r.record(dir, env, name, args...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout = &out
	var errb bytes.Buffer
	cmd.Stderr = io.MultiWriter(&errb, log)
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("%s %s: %w\n%s%s", filepath.Base(name), strings.Join(args, " "), err, tail(out.String(), 20), tail(errb.String(), 20))
	}
	return out.String(), nil
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	if len(lines) == 1 && lines[0] == "" {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	if strings.IndexFunc(s, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_./=:,@%+", c))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
