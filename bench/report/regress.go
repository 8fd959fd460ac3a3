package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// regressBench selects the microbenchmarks the regression guard compares:
// the seed's CPU-bound rows (DI, construction, client-side decode, query
// building, DDL).
// The database round trips of the other benchmarks vary too much on a
// shared machine to gate on.
const regressBench = "^Benchmark(SeedDI|SeedConstruct|SeedDecode|SeedFilter|CreateTableSQL)"

func regressMain(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("regress", flag.ContinueOnError)
	rev := fs.String("rev", "HEAD~1", "git revision to compare the working tree with")
	count := fs.Int("count", 6, "runs per side (benchstat needs 6 for confidence intervals)")
	benchtime := fs.String("benchtime", "200ms", "-test.benchtime of each run")
	threshold := fs.Float64("threshold", 10, "fail on a significant slowdown above this many percent")
	bench := fs.String("bench", regressBench, "benchmarks to compare (a -test.bench regexp)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *count < 5 {
		return fmt.Errorf("-count %d: need at least 5 runs per side", *count)
	}
	root, err := findRoot()
	if err != nil {
		return err
	}
	r := newRunner(root, os.Stderr)
	out, err := r.run(ctx, time.Minute, root, nil, "git", "rev-parse", "--verify", *rev+"^{commit}")
	if err != nil {
		return fmt.Errorf("unknown revision %q: %w", *rev, err)
	}
	sha := strings.TrimSpace(out)
	tmp, err := os.MkdirTemp("", "aquila-regress-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	wt := filepath.Join(tmp, "tree")
	logf("checking out %s (%s) in a worktree", *rev, sha[:12])
	if _, err := r.run(ctx, 5*time.Minute, root, nil, "git", "worktree", "add", "--detach", wt, sha); err != nil {
		return err
	}
	defer func() {
		if _, err := r.run(context.Background(), time.Minute, root, nil, "git", "worktree", "remove", "--force", wt); err != nil {
			fmt.Fprintln(os.Stderr, "report:", err)
		}
	}()

	newBin, oldBin := filepath.Join(tmp, "new.test"), filepath.Join(tmp, "old.test")
	logf("building the microbenchmarks of the working tree")
	if _, err := r.run(ctx, 10*time.Minute, root, nil, "go", "test", "-c", "-o", newBin, "./bench"); err != nil {
		return err
	}
	harness, err := buildOld(ctx, r, root, wt, oldBin)
	if err != nil {
		return err
	}

	logf("starting the database")
	srv, err := startServer(ctx, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer srv.stop()
	env := []string{"DATABASE_URL=" + srv.admin.String()}

	label := sanitize(*rev)
	oldFile, newFile := filepath.Join(tmp, label+".txt"), filepath.Join(tmp, "working-tree.txt")
	var oldOut, newOut strings.Builder
	args = []string{"-test.run", "^$", "-test.bench", *bench, "-test.benchmem", "-test.benchtime", *benchtime}
	for i := range *count {
		logf("run %d of %d", i+1, *count)
		sides := []struct {
			bin, dir string
			out      *strings.Builder
		}{{oldBin, filepath.Join(wt, "bench"), &oldOut}, {newBin, filepath.Join(root, "bench"), &newOut}}
		if i%2 == 1 {
			sides[0], sides[1] = sides[1], sides[0]
		}
		for _, s := range sides {
			o, err := r.run(ctx, 10*time.Minute, s.dir, env, s.bin, args...)
			if err != nil {
				return err
			}
			s.out.WriteString(o)
		}
	}
	if err := os.WriteFile(oldFile, []byte(oldOut.String()), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(newFile, []byte(newOut.String()), 0o644); err != nil {
		return err
	}
	table, err := r.quiet(ctx, 5*time.Minute, root, nil, "go", "tool", "-modfile=tools/go.mod", "benchstat", oldFile, newFile)
	if err != nil {
		return err
	}
	fmt.Printf("microbenchmarks: %s (%s) vs the working tree; harness: %s\n\n%s\n", *rev, sha[:12], harness, table)
	csvOut, err := r.quiet(ctx, 5*time.Minute, root, nil, "go", "tool", "-modfile=tools/go.mod", "benchstat", "-format", "csv", oldFile, newFile)
	if err != nil {
		return err
	}
	slower, err := slowdowns(csvOut, *threshold)
	if err != nil {
		return err
	}
	if len(slower) > 0 {
		return exitError{1, fmt.Sprintf("significant slowdown over %.0f %% against %s:\n  %s", *threshold, *rev, strings.Join(slower, "\n  "))}
	}
	fmt.Printf("no statistically significant slowdown over %.0f %% against %s\n", *threshold, *rev)
	return nil
}

// buildOld builds the revision's microbenchmarks with the working tree's
// benchmark code (so both sides run the same harness), falling back to the
// revision's own when the current harness does not compile against it.
func buildOld(ctx context.Context, r *runner, root, wt, bin string) (string, error) {
	logf("building the microbenchmarks of the revision with the current harness")
	if err := overlayBench(root, wt); err != nil {
		return "", err
	}
	if _, err := r.run(ctx, 10*time.Minute, wt, nil, "go", "test", "-c", "-o", bin, "./bench"); err == nil {
		return "the working tree's bench/ on both sides", nil
	}
	// The Wire injectors of bench/internal/wirereq follow internal/app's
	// RequestSet: regenerate them for the revision.
	wire := []string{"run", "./cmd/aquilagen", "wire", "./bench/internal/wirereq"}
	if _, err := os.Stat(filepath.Join(wt, "internal", "wiregen")); err == nil {
		wire = []string{"run", "./internal/wiregen", "./bench/internal/wirereq"} // revisions before cmd/aquilagen
	}
	if _, err := os.Stat(filepath.Join(wt, filepath.FromSlash(wire[1]))); err == nil {
		if _, err := r.run(ctx, 5*time.Minute, wt, nil, "go", wire...); err == nil {
			if _, err := r.run(ctx, 10*time.Minute, wt, nil, "go", "test", "-c", "-o", bin, "./bench"); err == nil {
				return "the working tree's bench/ on both sides (Wire injectors regenerated for the revision)", nil
			}
		}
	}
	logf("the current harness does not build at the revision; trying the revision's own bench/")
	if _, err := r.run(ctx, time.Minute, wt, nil, "git", "checkout", "--", "bench"); err != nil {
		return "", err
	}
	if _, err := r.run(ctx, time.Minute, wt, nil, "git", "clean", "-fdq", "--", "bench"); err != nil {
		return "", err
	}
	if _, err := r.run(ctx, 10*time.Minute, wt, nil, "go", "test", "-c", "-o", bin, "./bench"); err != nil {
		return "", fmt.Errorf("the microbenchmarks do not build at the revision, with either harness: %w", err)
	}
	return "each side's own bench/ (the current one does not build at the revision)", nil
}

// overlayBench replaces the revision's bench package (its top-level files
// and bench/internal) with the working tree's, leaving peers and report.
func overlayBench(root, wt string) error {
	src, dst := filepath.Join(root, "bench"), filepath.Join(wt, "bench")
	if old, err := filepath.Glob(filepath.Join(dst, "*.go")); err == nil {
		for _, f := range old {
			if err := os.Remove(f); err != nil {
				return err
			}
		}
	}
	if err := os.RemoveAll(filepath.Join(dst, "internal")); err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join(src, "*.go"))
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := copyFile(f, filepath.Join(dst, filepath.Base(f))); err != nil {
			return err
		}
	}
	return filepath.WalkDir(filepath.Join(src, "internal"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		return copyFile(p, filepath.Join(dst, rel))
	})
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}

// slowdowns returns the benchmarks whose sec/op benchstat reports as
// significantly worse by more than threshold percent. benchstat prints a
// percentage only when the difference is significant (otherwise "~").
func slowdowns(csvText string, threshold float64) ([]string, error) {
	var out []string
	for _, block := range strings.Split(csvText, "\n\n") {
		rd := csv.NewReader(strings.NewReader(block))
		rd.FieldsPerRecord = -1
		recs, err := rd.ReadAll()
		if err != nil {
			return nil, fmt.Errorf("benchstat csv: %w", err)
		}
		if len(recs) < 2 || len(recs[1]) < 2 || recs[1][1] != "sec/op" {
			continue
		}
		col := -1
		for i, h := range recs[1] {
			if h == "vs base" {
				col = i
			}
		}
		if col < 0 {
			return nil, errors.New("benchstat csv: no \"vs base\" column")
		}
		for _, rec := range recs[2:] {
			if len(rec) <= col || rec[0] == "geomean" {
				continue
			}
			d := strings.TrimSuffix(rec[col], "%")
			if d == rec[col] {
				continue // "~": not significant
			}
			pct, err := strconv.ParseFloat(d, 64)
			if err != nil {
				continue
			}
			if pct > threshold {
				p := ""
				if col+1 < len(rec) {
					p = " (" + rec[col+1] + ")"
				}
				out = append(out, fmt.Sprintf("%s: %+.1f %%%s", rec[0], pct, p))
			}
		}
	}
	return out, nil
}

// sanitize makes a revision usable as a file name (benchstat's column label).
func sanitize(rev string) string {
	return strings.Map(func(c rune) rune {
		if c == '/' || c == ' ' {
			return '_'
		}
		return c
	}, rev)
}
