package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Open creates a pool from cfg, pings the server and warms the pool: it
// returns once MinIdleConns connections are open with every statement of
// cfg.Prepare prepared on each. A wrong DSN, an unreachable server or a
// statement that does not prepare (e.g. the schema is not migrated) fails here,
// with the cause, instead of on the first request.
func Open(ctx context.Context, cfg Config) (*pgxpool.Pool, error) {
	pcfg, err := pgxpool.ParseConfig(cfg.DSN)
	if err != nil {
		// pgx redacts the password in parse errors.
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if cfg.MaxConns > 0 {
		pcfg.MaxConns = cfg.MaxConns
	}
	if cfg.MinIdleConns > 0 {
		pcfg.MinIdleConns = cfg.MinIdleConns
	}
	if pcfg.MinIdleConns > pcfg.MaxConns {
		pcfg.MinIdleConns = pcfg.MaxConns
	}
	if cfg.ExecMode != "" {
		mode, err := parseExecMode(cfg.ExecMode)
		if err != nil {
			return nil, err
		}
		pcfg.ConnConfig.DefaultQueryExecMode = mode
	}
	if cfg.Tracer != nil {
		pcfg.ConnConfig.Tracer = cfg.Tracer
	}
	if pcfg.ConnConfig.DefaultQueryExecMode == pgx.QueryExecModeCacheStatement && len(cfg.Prepare) > 0 {
		stmts := cfg.Prepare
		reads := make([]bool, len(stmts)) // classified once, not per connection
		for i, sql := range stmts {
			reads[i] = Classify(sql) == StatementRead
		}
		pcfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
			return prepareAll(ctx, conn, stmts, reads)
		}
	}

	start := time.Now()
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("open pool: %w", err)
	}
	timeout := cfg.PingTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := warm(wctx, pool, int(max(pcfg.MinIdleConns, 1))); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to %s: %w", describe(pcfg), err)
	}
	if cfg.Logger != nil {
		cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "database pool ready",
			slog.String("server", describe(pcfg)),
			slog.Int("conns", int(pool.Stat().TotalConns())),
			slog.Int("prepared", len(cfg.Prepare)),
			slog.String("exec_mode", pcfg.ConnConfig.DefaultQueryExecMode.String()),
			slog.Duration("took", time.Since(start)))
	}
	return pool, nil
}

// warm acquires n connections at once, pinging each, and releases them: every
// one of them has run AfterConnect (the prepares) when warm returns.
func warm(ctx context.Context, pool *pgxpool.Pool, n int) error {
	conns := make([]*pgxpool.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Release()
		}
	}()
	type result struct {
		c   *pgxpool.Conn
		err error
	}
	results := make(chan result, n)
	for range n {
		go func() {
			c, err := pool.Acquire(ctx)
			if err == nil {
				if err = c.Ping(ctx); err != nil {
					c.Release()
					c = nil
				}
			}
			results <- result{c, err}
		}()
	}
	var errs []error
	for range n {
		r := <-results
		if r.err != nil {
			errs = append(errs, r.err)
			continue
		}
		conns = append(conns, r.c)
	}
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// prepareAll prepares each statement under its own text as name, which is
// where pgx looks first when the same text is queried. It then runs every
// statement Classify calls a read (reads[i]) once with zero-valued
// arguments, in one pipelined batch inside a read-only transaction: a new
// backend's first execution of a statement loads catalog caches, plans it
// and initialises its index scans, which costs milliseconds that would
// otherwise land on the first request.
func prepareAll(ctx context.Context, conn *pgx.Conn, stmts []string, reads []bool) error {
	var b pgx.Batch
	for i, sql := range stmts {
		sd, err := conn.Prepare(ctx, sql, sql)
		if err != nil {
			first, _, _ := strings.Cut(sql, "\n")
			return fmt.Errorf("prepare %q: %w", first, err)
		}
		if reads[i] {
			b.Queue(sql, warmArgs(sd.ParamOIDs)...)
		}
	}
	if b.Len() == 0 {
		return nil
	}
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("warm statements: %w", err)
	}
	defer tx.Rollback(ctx)
	if err := tx.SendBatch(ctx, &b).Close(); err != nil {
		return fmt.Errorf("warm statements: %w", err)
	}
	return tx.Rollback(ctx)
}

// warmArgs returns a zero value for each parameter type that pgx encodes
// without help (so the executor runs the real index scans, finding no
// rows), and NULL for the others.
func warmArgs(oids []uint32) []any {
	args := make([]any, len(oids))
	for i, oid := range oids {
		switch oid {
		case pgtype.Int2OID, pgtype.Int4OID, pgtype.Int8OID:
			args[i] = int64(0)
		case pgtype.Float4OID, pgtype.Float8OID:
			args[i] = float64(0)
		case pgtype.TextOID, pgtype.VarcharOID, pgtype.BPCharOID:
			args[i] = ""
		case pgtype.BoolOID:
			args[i] = false
		case pgtype.DateOID, pgtype.TimestampOID, pgtype.TimestamptzOID:
			args[i] = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
		case pgtype.Int8ArrayOID, pgtype.Int4ArrayOID:
			args[i] = []int64{}
		case pgtype.TextArrayOID:
			args[i] = []string{}
		}
	}
	return args
}

// describe names the server without credentials: user@host:port/database.
func describe(c *pgxpool.Config) string {
	cc := c.ConnConfig
	return fmt.Sprintf("%s@%s:%d/%s", cc.User, cc.Host, cc.Port, cc.Database)
}
