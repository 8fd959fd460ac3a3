package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if len(os.Args) > 1 && os.Args[1] == "regress" {
		err = regressMain(ctx, os.Args[2:])
	} else {
		err = reportMain(ctx, os.Args[1:])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		if e, ok := err.(exitError); ok {
			os.Exit(e.code)
		}
		os.Exit(2)
	}
}

// exitError carries an exit status other than the default 2.
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

// options are the report's flags.
type options struct {
	quick   bool
	reps    int
	out     string
	keepDir bool
}

func reportMain(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	var o options
	fs.BoolVar(&o.quick, "quick", false, "everyday mode: shorter benchmarks (under 3 minutes)")
	fs.IntVar(&o.reps, "reps", 0, "repetitions of every phase (default 5 quick, 10 full; at least 5)")
	fs.StringVar(&o.out, "out", "bench/RESULTS.md", "report file; charts and raw output go next to it")
	fs.BoolVar(&o.keepDir, "keep", false, "keep the temporary directory (test binaries, server data)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.reps == 0 {
		o.reps = 10
		if o.quick {
			o.reps = 5
		}
	}
	if o.reps < 5 {
		return fmt.Errorf("-reps %d: medians need at least 5 repetitions", o.reps)
	}
	return runReport(ctx, o)
}
