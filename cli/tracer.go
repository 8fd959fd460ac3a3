package cli

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/aquila-go/aquila/internal/sqltext"
)

// tracer is the pgx tracer of every pooled connection: it records each
// query's duration by statement name and logs queries slower than a
// threshold — the statement name and duration only, with the argument
// values added when the log level is debug.
type tracer struct {
	log       *slog.Logger
	slow      time.Duration
	withArgs  bool
	queries   *prometheus.HistogramVec
	other     prometheus.Observer // the "other" child, for unnamed SQL
	observers sync.Map            // sqlc SQL text or batch/copy label → prometheus.Observer
}

// newTracer builds the tracer from the config.
func newTracer(cfg Config, log *slog.Logger, m *metrics) *tracer {
	slow := cfg.SlowQuery
	if slow <= 0 {
		slow = 200 * time.Millisecond
	}
	return &tracer{log: log, slow: slow, withArgs: cfg.LogLevel <= slog.LevelDebug,
		queries: m.queries, other: m.queries.WithLabelValues("other")}
}

type traceKey struct{}

// traceStart is what a query start leaves in its context: the SQL of a
// query, or the label of a batch or a COPY.
type traceStart struct {
	sql   string
	label string
	args  []any
	at    time.Time
}

// traceCtx is the context a query start returns: its traceStart as the
// traceKey value, in one allocation with the context.
type traceCtx struct {
	context.Context
	start traceStart
}

func (c *traceCtx) Value(key any) any {
	if key == (traceKey{}) {
		return &c.start
	}
	return c.Context.Value(key)
}

// TraceQueryStart implements pgx.QueryTracer.
func (t *tracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	return &traceCtx{Context: ctx, start: traceStart{sql: d.SQL, args: d.Args, at: time.Now()}}
}

// TraceQueryEnd implements pgx.QueryTracer.
func (t *tracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryEndData) {
	if s, ok := ctx.Value(traceKey{}).(*traceStart); ok {
		t.done(ctx, s, d.Err)
	}
}

// TraceBatchStart implements pgx.BatchTracer.
func (t *tracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	return &traceCtx{Context: ctx, start: traceStart{label: "batch", at: time.Now()}}
}

// TraceBatchQuery implements pgx.BatchTracer.
func (t *tracer) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

// TraceBatchEnd implements pgx.BatchTracer.
func (t *tracer) TraceBatchEnd(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchEndData) {
	if s, ok := ctx.Value(traceKey{}).(*traceStart); ok {
		t.done(ctx, s, d.Err)
	}
}

// TraceCopyFromStart implements pgx.CopyFromTracer.
func (t *tracer) TraceCopyFromStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceCopyFromStartData) context.Context {
	label := "copy " + strings.Join(d.TableName, ".")
	return &traceCtx{Context: ctx, start: traceStart{label: label, at: time.Now()}}
}

// TraceCopyFromEnd implements pgx.CopyFromTracer.
func (t *tracer) TraceCopyFromEnd(ctx context.Context, _ *pgx.Conn, d pgx.TraceCopyFromEndData) {
	if s, ok := ctx.Value(traceKey{}).(*traceStart); ok {
		t.done(ctx, s, d.Err)
	}
}

func (t *tracer) done(ctx context.Context, s *traceStart, err error) {
	dur := time.Since(s.at)
	t.observer(s).Observe(dur.Seconds())
	if dur < t.slow {
		return
	}
	attrs := []slog.Attr{slog.String("statement", s.name()), slog.Duration("duration", dur)}
	if t.withArgs && len(s.args) > 0 {
		attrs = append(attrs, slog.Any("args", s.args))
	}
	if err != nil {
		attrs = append(attrs, slog.String("err", err.Error()))
	}
	t.log.LogAttrs(ctx, slog.LevelWarn, "slow query", attrs...)
}

// observer caches the histogram child per named statement, so the label
// lookup is paid once per statement, not per query. Unnamed (dynamic) SQL
// shares the "other" label and is never cached, so the map stays bounded.
func (t *tracer) observer(s *traceStart) prometheus.Observer {
	key := s.label
	if key == "" {
		if !strings.HasPrefix(s.sql, "-- name:") {
			return t.other
		}
		key = s.sql
	}
	if o, ok := t.observers.Load(key); ok {
		return o.(prometheus.Observer)
	}
	name := s.name()
	if name == "other" {
		return t.other
	}
	o := t.queries.WithLabelValues(name)
	t.observers.Store(key, o)
	return o
}

// name is the metric and log label: a batch's or COPY's label, X from
// sqlc's "-- name: X :cmd" line, or "other" (dynamic SQL keeps the label
// set bounded).
func (s *traceStart) name() string {
	if s.label != "" {
		return s.label
	}
	if name, _, ok := sqltext.Header(s.sql); ok {
		return name
	}
	return "other"
}
