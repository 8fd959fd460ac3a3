package cli_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// pipelined returns serve's aquila_db_pipeline_statements_total, or -1
// when /metrics has no pipeline.
func pipelined(t *testing.T, s *served) int {
	t.Helper()
	st, body := get(s.base + "/metrics")
	if st != 200 {
		t.Fatalf("/metrics: %d %s", st, body)
	}
	m := regexp.MustCompile(`(?m)^aquila_db_pipeline_statements_total (\S+)$`).FindStringSubmatch(body)
	if m == nil {
		if strings.Contains(body, "aquila_db_pipeline_") {
			t.Fatalf("pipeline metrics without a statement count:\n%s", body)
		}
		return -1
	}
	n, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// TestServePipeline: serve pipelines the service's statements by default,
// and -pipeline=false (or its environment variable) runs them on the pool.
func TestServePipeline(t *testing.T) {
	for _, c := range []struct {
		name  string
		flags []string
		env   string
		on    bool
	}{
		{name: "default", on: true},
		{name: "flag off", flags: []string{"-pipeline=false"}},
		{name: "env off", env: "false"},
		{name: "env off, flag on", flags: []string{"-pipeline=true"}, env: "false", on: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.env != "" {
				t.Setenv("SHOP_PIPELINE", c.env)
			}
			s := serveFixture(t, pg.URL(t, nil), append([]string{"-shutdown-delay", "0"}, c.flags...)...)
			waitStatus(t, s.base+"/readyz", 200, 20*time.Second)
			before := pipelined(t, s)
			for range 5 {
				if st, body := get(s.base + "/ping"); st != 200 {
					t.Fatalf("/ping: %d %s", st, body)
				}
			}
			after := pipelined(t, s)
			switch {
			case c.on && (before < 0 || after-before != 5):
				t.Fatalf("pipelined statements %d → %d over 5 requests, want 5 more", before, after)
			case !c.on && after != -1:
				t.Fatalf("pipeline metrics with pipelining off (%d statements)", after)
			}
		})
	}
}
