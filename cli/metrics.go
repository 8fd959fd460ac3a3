package cli

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
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

// registerPool exports pgxpool.Stat on every scrape.
func (m *metrics) registerPool(pool *pgxpool.Pool) error {
	return m.registry.Register(poolCollector{pool: pool})
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
func (c poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs() {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	d := c.descs()
	values := []struct {
		t prometheus.ValueType
		v float64
	}{
		{prometheus.GaugeValue, float64(s.AcquiredConns())},
		{prometheus.GaugeValue, float64(s.IdleConns())},
		{prometheus.GaugeValue, float64(s.TotalConns())},
		{prometheus.GaugeValue, float64(s.MaxConns())},
		{prometheus.CounterValue, float64(s.AcquireCount())},
		{prometheus.CounterValue, float64(s.EmptyAcquireCount())},
		{prometheus.CounterValue, float64(s.CanceledAcquireCount())},
		{prometheus.CounterValue, s.AcquireDuration().Seconds()},
		{prometheus.CounterValue, float64(s.NewConnsCount())},
	}
	for i, v := range values {
		if m, err := prometheus.NewConstMetric(d[i], v.t, v.v); err == nil {
			ch <- m
		}
	}
}
