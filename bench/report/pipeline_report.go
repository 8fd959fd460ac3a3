package main

import "strings"

// pipelineSummary is the point reads' comparison with their targets.
type pipelineSummary struct {
	vsPgx        map[int]float64 // pipeline / pgx calls/s, paired, by callers
	pgbenchPeak  float64         // pgbench plain selects/s, best client count
	oneCaller    float64         // pipeline latency / pgx latency at 1 caller
	p99, pgxP99  float64         // at 64 callers, µs
	slowP99      float64         // pipeline p99 with a slow statement in flight, µs
	metPgx       bool
	metPgbench   bool
	metOne       bool
	metP99       bool
	metSlow      bool
	present      bool
	slowPresent  bool
	pipeAtCaller map[int]float64 // pipeline calls/s by callers
}

func (x *run) pipelineSummary() pipelineSummary {
	s := pipelineSummary{vsPgx: map[int]float64{}, pipeAtCaller: map[int]float64{}}
	for _, c := range pointCallers() {
		if v, n := x.res.median(pgbenchGetBookName(false, c), "selects/s"); n > 0 && v > s.pgbenchPeak {
			s.pgbenchPeak = v
		}
		if v, n := x.res.median(pointReadName(c), "pipeline-calls/s"); n > 0 {
			s.pipeAtCaller[c] = v
			s.vsPgx[c], _ = x.res.median(pointReadName(c), "pipeline/pgx")
		}
	}
	if len(s.pipeAtCaller) < len(pointCallers()) {
		return s
	}
	s.present = true
	s.metPgx = s.vsPgx[16] >= targetPipeVsPgx && s.vsPgx[64] >= targetPipeVsPgx
	s.metPgbench = s.pgbenchPeak > 0 && s.pipeAtCaller[16] >= s.pgbenchPeak && s.pipeAtCaller[64] >= s.pgbenchPeak
	s.oneCaller = x.res.inverseMedian(pointReadName(1), "pipeline/pgx")
	s.metOne = s.oneCaller <= targetPipeOneCaller
	s.p99, _ = x.res.median(pointReadName(64), "pipeline-p99-µs")
	s.pgxP99, _ = x.res.median(pointReadName(64), "pgx-p99-µs")
	s.metP99 = s.p99 <= s.pgxP99
	if v, n := x.res.median("PointReadSlow", "pipeline-p99-µs"); n > 0 {
		s.slowPresent, s.slowP99 = true, v
		s.metSlow = v < targetSlowP99MS*1e3
	}
	return s
}

// pipelineTargets writes the target rows of pipelined execution, HTTP and
// the request scope.
func (rp *report) pipelineTargets() {
	if s := rp.pipelineSummary(); s.present {
		rp.p("| point reads (GetBook), 16 and 64 callers: ≥ %.0f× raw pgxpool | 16: %s, 64: %s | %s |",
			targetPipeVsPgx, fmtFactor(s.vsPgx[16]), fmtFactor(s.vsPgx[64]), mark(s.metPgx))
		rp.p("| … and ≥ pgbench's plain peak on the same statement | 16: %s, 64: %s vs %s selects/s | %s |",
			fmtInt(s.pipeAtCaller[16]), fmtInt(s.pipeAtCaller[64]), fmtInt(s.pgbenchPeak), mark(s.metPgbench))
		rp.p("| point reads, 1 caller: latency ≤ %.2f× raw pgx | %s | %s |", targetPipeOneCaller, fmtRatio(s.oneCaller), mark(s.metOne))
		rp.p("| point reads, 64 callers: p99 ≤ raw pgxpool's | %s vs %s | %s |", fmtNs(s.p99*1e3), fmtNs(s.pgxP99*1e3), mark(s.metP99))
		if s.slowPresent {
			rp.p("| one 200 ms statement in flight: p99 of point reads (64 callers) < %.0f ms | %s | %s |",
				targetSlowP99MS, fmtNs(s.slowP99*1e3), mark(s.metSlow))
		}
	} else {
		rp.p("| point reads through the pipeline | not measured | ❌ not met |")
	}
	for _, t := range []struct {
		server string
		target float64
		what   string
	}{
		{"aquila", targetHTTPPipe, "HTTP GET /books/{id}, 16 clients: aquila serve ≥ %.1f× the bare server's requests/s"},
		{"aquila-nopipe", targetHTTPNoPipe, "… with `-pipeline=false` ≥ %.1f×"},
	} {
		if r, n := rp.res.median("HTTP", t.server+"/bare"); n > 0 {
			rp.p("| "+t.what+" | %s | %s |", t.target, fmtRatio(r), mark(r >= t.target))
		} else {
			rp.p("| "+t.what+" | not measured | ❌ not met |", t.target)
		}
	}
	if ns, n := rp.res.median("SeedDIRequest/services=3/log=discard", "ns/op"); n > 0 {
		allocs, _ := rp.res.median("SeedDIRequest/services=3/log=discard", "allocs/op")
		rp.p("| DI request lifecycle, 3 services: ≤ %d ns and ≤ %d allocations | %s, %s allocations | %s |",
			targetDINs, targetDIAllocs, fmtNs(ns), fmtNum(allocs), mark(ns <= targetDINs && allocs <= targetDIAllocs))
	}
}

// pipelineSection writes the point reads and the HTTP comparison.
func (rp *report) pipelineSection() {
	rp.p("## 4. Pipelined execution")
	rp.p("")
	rp.p("Point reads of sqlc's `GetBook` (ten columns: text, date, jsonb, timestamptz) by random id over %s books, "+
		"over TCP on 127.0.0.1, at 1, 16 and 64 concurrent callers (`BenchmarkPointRead` in [pipeline_test.go](pipeline_test.go)): "+
		"through a `postgres.Pipeline` (default size: 4 connections), through aquila's pool without pipelining and through "+
		"a hand-written raw `pgxpool.Pool`, the pools with one connection per caller (at most 64). The three run in one "+
		"process, %s each per round, rotated round by round; a ratio is the median of the per-round ratios. `pgbench` runs "+
		"the same statement (`-M prepared`, `-j min(clients, cores)`, random id) on the same table and server over TCP: one "+
		"statement per transaction (plain), and %d statements in `\\startpipeline … \\endpipeline` (pipelined, one Sync for "+
		"the %d; the pipeline of aquila writes the statements that arrive while others are in flight together, each write with "+
		"its own Sync and the reads of one write sharing one, and runs again on the pool a read skipped after another's error). "+
		"pgbench's figures are statements per second.", fmtInt(10000), rp.plan.pointRound, pgbenchPipeline, pgbenchPipeline)
	rp.p("")
	rp.p("| callers | pipeline calls/s | aquila pool | raw pgxpool | pipeline / pgxpool | pgbench plain | pgbench pipelined | p50 pipeline / pgxpool | p99 pipeline / pgxpool |")
	rp.p("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, c := range pointCallers() {
		name := pointReadName(c)
		pipe, _ := rp.res.median(name, "pipeline-calls/s")
		pool, _ := rp.res.median(name, "pool-calls/s")
		px, _ := rp.res.median(name, "pgx-calls/s")
		r, _ := rp.res.median(name, "pipeline/pgx")
		plain, _ := rp.res.median(pgbenchGetBookName(false, c), "selects/s")
		piped, _ := rp.res.median(pgbenchGetBookName(true, c), "selects/s")
		p50, _ := rp.res.median(name, "pipeline-p50-µs")
		x50, _ := rp.res.median(name, "pgx-p50-µs")
		p99, _ := rp.res.median(name, "pipeline-p99-µs")
		x99, _ := rp.res.median(name, "pgx-p99-µs")
		rp.p("| %d | %s | %s | %s | **%s** | %s | %s | %s / %s | %s / %s |", c, fmtInt(pipe), fmtInt(pool), fmtInt(px),
			fmtFactor(r), fmtInt(plain), fmtInt(piped), fmtNs(p50*1e3), fmtNs(x50*1e3), fmtNs(p99*1e3), fmtNs(x99*1e3))
	}
	rp.p("")
	rp.p("With a 200 ms statement (`SELECT pg_sleep(0.2)`) kept in flight on the same contender by one more caller, 64 " +
		"callers' point reads (`BenchmarkPointReadSlow`): a pipeline connection whose results stall, or that runs a statement " +
		"known to be slow, gets no new statements while another can take them.")
	rp.p("")
	rp.p("| contender | calls/s | p50 | p99 |")
	rp.p("|---|---:|---:|---:|")
	for _, c := range []string{"pipeline", "pool", "pgx"} {
		v, n := rp.res.median("PointReadSlow", c+"-calls/s")
		if n == 0 {
			continue
		}
		p50, _ := rp.res.median("PointReadSlow", c+"-p50-µs")
		p99, _ := rp.res.median("PointReadSlow", c+"-p99-µs")
		rp.p("| %s | %s | %s | %s |", c, fmtInt(v), fmtNs(p50*1e3), fmtNs(p99*1e3))
	}
	rp.p("")
	rp.httpSection()
}

func (rp *report) httpSection() {
	rp.p("## 5. HTTP: `GET /books/{id}` against a bare server")
	rp.p("")
	rp.p("`BenchmarkHTTP` ([http_test.go](http_test.go)): `httpload` ([internal/httpload](internal/httpload)), a separate "+
		"process, keeps 16 HTTP/1.1 connections busy with `GET /books/{id}` (random id over 10 000 books), one request at a "+
		"time each, for %s per server and round, against three servers, each a separate process on the same database over "+
		"TCP, in an order rotated per round: `aquila serve` with its defaults (pipelining on, access log, request metrics, "+
		"request id, request timeout, read cache, the Wire request scope), `aquila serve -pipeline=false`, and `httpbare` "+
		"([internal/httpbare](internal/httpbare)): net/http, a `pgxpool.Pool` and encoding/json, the same JSON. Every "+
		"server's pool has 4 connections; aquila's pipeline keeps its own 4 (its default), on which this route's statements "+
		"run while its pool stays idle. A ratio is the median of the per-round ratios.", rp.plan.httpRound)
	rp.p("")
	rp.p("| server | requests/s | p50 | p99 | / bare |")
	rp.p("|---|---:|---:|---:|---:|")
	for _, s := range []string{"aquila", "aquila-nopipe", "bare"} {
		v, n := rp.res.median("HTTP", s+"-req/s")
		if n == 0 {
			continue
		}
		p50, _ := rp.res.median("HTTP", s+"-p50-µs")
		p99, _ := rp.res.median("HTTP", s+"-p99-µs")
		ratio := ""
		if r, n := rp.res.median("HTTP", s+"/bare"); n > 0 {
			ratio = "**" + fmtRatio(r) + "**"
		}
		rp.p("| %s | %s | %s | %s | %s |", s, fmtInt(v), fmtNs(p50*1e3), fmtNs(p99*1e3), ratio)
	}
	rp.p("")
	for _, s := range []string{"aquila", "aquila-nopipe"} {
		prof := rp.httpProf[s]
		if prof == "" {
			continue
		}
		rp.p("Where `%s` spends its CPU under this load (a 5 s profile from `/debug/pprof/profile`, `go tool pprof -top -cum`):", s)
		rp.p("")
		rp.p("```")
		rp.p("%s", strings.TrimRight(trimProfile(prof), "\n"))
		rp.p("```")
		rp.p("")
	}
}
