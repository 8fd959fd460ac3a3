package cli

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/aquila-go/aquila/postgres"
)

// metrics is the Prometheus registry that /metrics serves, with the Go
// runtime and process collectors, the query durations the tracer records
// and the pool statistics. The service's handler registers its own
// instruments (HTTP requests, ...) on the same registry (Deps.Metrics).
type metrics struct {
	registry *prometheus.Registry
	queries  *prometheus.HistogramVec
}

func newMetrics() (*metrics, error) {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		queries: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "aquila_db_query_duration_seconds",
			Help:    "Database query durations by statement name (sqlc query name, batch, copy).",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1},
		}, []string{"statement"}),
	}
	for _, c := range []prometheus.Collector{
		m.queries,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	} {
		if err := m.registry.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// registerPool exports pgxpool.Stat, and the pipeline's Stat when there is
// one, on every scrape.
func (m *metrics) registerPool(pool *pgxpool.Pool, p *postgres.Pipeline) error {
	if err := m.registry.Register(poolCollector{pool: pool}); err != nil {
		return err
	}
	if p == nil {
		return nil
	}
	return m.registry.Register(pipelineCollector{p: p})
}

// pipelineCollector is a prometheus.Collector over postgres.PipelineStat.
type pipelineCollector struct{ p *postgres.Pipeline }

func pipelineDesc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc("aquila_db_pipeline_"+name, help, nil, nil)
}

func (c pipelineCollector) descs() []*prometheus.Desc {
	return []*prometheus.Desc{
		pipelineDesc("conns", "Connections the pipeline keeps."),
		pipelineDesc("live_conns", "Of which are up."),
		pipelineDesc("in_flight", "Statements sent and not answered yet."),
		pipelineDesc("waiting", "Callers waiting for a place (every connection full or stalled)."),
		pipelineDesc("statements_total", "Statements sent through the pipeline."),
	}
}

// Describe implements prometheus.Collector.
func (c pipelineCollector) Describe(ch chan<- *prometheus.Desc) { describe(ch, c.descs()) }

// Collect implements prometheus.Collector.
func (c pipelineCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.p.Stat()
	emit(ch, c.descs(), []metricValue{
		{prometheus.GaugeValue, float64(s.Conns)},
		{prometheus.GaugeValue, float64(s.Live)},
		{prometheus.GaugeValue, float64(s.InFlight)},
		{prometheus.GaugeValue, float64(s.Waiting)},
		{prometheus.CounterValue, float64(s.Sent)},
	})
}

// poolCollector is a prometheus.Collector over pgxpool.Stat.
type poolCollector struct{ pool *pgxpool.Pool }

func poolDesc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc("aquila_db_pool_"+name, help, nil, nil)
}

func (c poolCollector) descs() []*prometheus.Desc {
	return []*prometheus.Desc{
		poolDesc("acquired_conns", "Connections currently checked out."),
		poolDesc("idle_conns", "Idle connections."),
		poolDesc("total_conns", "Open connections."),
		poolDesc("max_conns", "Maximum pool size."),
		poolDesc("acquires_total", "Successful acquires."),
		poolDesc("empty_acquires_total", "Acquires that had to wait for a connection."),
		poolDesc("canceled_acquires_total", "Acquires cancelled by their context."),
		poolDesc("acquire_seconds_total", "Total time spent acquiring connections."),
		poolDesc("new_conns_total", "Connections opened."),
	}
}

// Describe implements prometheus.Collector.
func (c poolCollector) Describe(ch chan<- *prometheus.Desc) { describe(ch, c.descs()) }

// describe sends descs.
func describe(ch chan<- *prometheus.Desc, descs []*prometheus.Desc) {
	for _, d := range descs {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	emit(ch, c.descs(), []metricValue{
		{prometheus.GaugeValue, float64(s.AcquiredConns())},
		{prometheus.GaugeValue, float64(s.IdleConns())},
		{prometheus.GaugeValue, float64(s.TotalConns())},
		{prometheus.GaugeValue, float64(s.MaxConns())},
		{prometheus.CounterValue, float64(s.AcquireCount())},
		{prometheus.CounterValue, float64(s.EmptyAcquireCount())},
		{prometheus.CounterValue, float64(s.CanceledAcquireCount())},
		{prometheus.CounterValue, s.AcquireDuration().Seconds()},
		{prometheus.CounterValue, float64(s.NewConnsCount())},
	})
}

// metricValue is one value of a collector's scrape.
type metricValue struct {
	t prometheus.ValueType
	v float64
}

// emit sends values[i] as a metric of descs[i].
func emit(ch chan<- prometheus.Metric, descs []*prometheus.Desc, values []metricValue) {
	for i, v := range values {
		if m, err := prometheus.NewConstMetric(descs[i], v.t, v.v); err == nil {
			ch <- m
		}
	}
}
