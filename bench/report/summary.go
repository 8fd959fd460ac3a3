package main

import (
	"math"
	"strconv"
)

// Contenders of the peer comparison, in report order; efectn's operations
// (bench/peers.Ops) and the ORMs the targets name.
func peerContenders() []string { return []string{"aquila", "pgx", "pgxpool", "gorm", "bun", "sqlx"} }

func peerOps() []string {
	return []string{"Insert", "InsertMulti", "Update", "Read", "ReadSlice", "Bulk10k"}
}

func efectnOps() []string { return peerOps()[:5] }

func ormPeers() []string { return []string{"gorm", "bun", "sqlx"} }

func diContainers() []string { return []string{"wire", "dig", "do"} }

// opSummary is one operation of the peer comparison.
type opSummary struct {
	op           string
	timeVsPgx    float64 // aquila / pgx, paired median
	allocsVsPgx  float64 // aquila allocs - pgx allocs (medians)
	slowestORM   string  // the ORM closest to aquila
	ormVsAquila  float64 // min over ORMs of ORM time / aquila time
	metPgxTime   bool
	metPgxAllocs bool
	metORMs      bool
	present      bool
}

func (x *run) opSummary(op string) opSummary {
	s := opSummary{op: op}
	if _, n := x.res.median(op, "aquila-ns/op"); n == 0 {
		return s
	}
	if _, n := x.res.median(op, "pgx/aquila"); n == 0 {
		return s
	}
	s.present = true
	s.timeVsPgx = x.res.inverseMedian(op, "pgx/aquila")
	aa, _ := x.res.median(op, "aquila-allocs/op")
	pa, _ := x.res.median(op, "pgx-allocs/op")
	s.allocsVsPgx = aa - pa
	s.metPgxTime = s.timeVsPgx <= targetVsPgxTime
	s.metPgxAllocs = s.allocsVsPgx <= targetVsPgxAllocs
	s.ormVsAquila = math.Inf(1)
	for _, o := range ormPeers() {
		if r, n := x.res.median(op, o+"/aquila"); n > 0 && r < s.ormVsAquila {
			s.ormVsAquila, s.slowestORM = r, o
		}
	}
	s.metORMs = s.ormVsAquila > 1
	return s
}

// bulkSummary compares aquila's bulk create with the fastest peer's: the
// ORMs' bulk APIs and raw pgx's CopyFrom (on a connection and on a pool).
type bulkSummary struct {
	fastest string
	factor  float64 // fastest ORM time / aquila time
	met     bool
	present bool
}

func (x *run) bulkSummary() bulkSummary {
	var s bulkSummary
	op := "Bulk10k"
	if _, n := x.res.median(op, "aquila-ns/op"); n == 0 {
		return s
	}
	best := math.Inf(1)
	for _, o := range append(ormPeers(), "pgx", "pgxpool") {
		if m, n := x.res.median(op, o+"-ns/op"); n > 0 && m < best {
			best, s.fastest = m, o
		}
	}
	if s.fastest == "" {
		return s
	}
	s.present = true
	s.factor, _ = x.res.median(op, s.fastest+"/aquila")
	s.met = s.factor >= targetBulk
	return s
}

// diSummary is the DI comparison.
type diSummary struct {
	seedFactor float64 // 1.21 µs / aquila's 3-service lifecycle
	digFactor  float64 // dig / wire
	doFactor   float64 // do / wire
	metSeed    bool
	metPeers   bool
}

func (x *run) diSummary() diSummary {
	var s diSummary
	if m, n := x.res.median("SeedDIRequest/services=3/log=discard", "ns/op"); n > 0 {
		s.seedFactor = seedRequest3US * 1e3 / m
		s.metSeed = s.seedFactor >= targetSeedDI
	}
	s.digFactor = x.res.ratio("DIRequest/dig", "DIRequest/wire", "ns/op")
	s.doFactor = x.res.ratio("DIRequest/do", "DIRequest/wire", "ns/op")
	s.metPeers = s.digFactor >= targetDIPeers && s.doFactor >= targetDIPeers
	return s
}

// getByIDSummary compares peak throughputs.
type getByIDSummary struct {
	aquilaPeak, pgxPeak, pgbenchPeak float64
	aquilaBestClients                int
	vsPgbench, vsPgx                 float64
	metPgbench, metPgx               bool
	present                          bool
}

// getByIDName is BenchmarkGetByID's result at a client count; each
// contender's throughput is its unit "<contender>-tps".
func getByIDName(clients int) string { return "GetByID/clients=" + itoa(clients) }

func (x *run) getByIDSummary() getByIDSummary {
	var s getByIDSummary
	for _, c := range x.plan.clients {
		if v, n := x.res.median(getByIDName(c), "aquila-tps"); n > 0 && v > s.aquilaPeak {
			s.aquilaPeak, s.aquilaBestClients = v, c
		}
		if v, n := x.res.median(getByIDName(c), "pgx-tps"); n > 0 && v > s.pgxPeak {
			s.pgxPeak = v
		}
		if v, n := x.res.median(pgbenchName(c), "tps"); n > 0 && v > s.pgbenchPeak {
			s.pgbenchPeak = v
		}
	}
	if s.aquilaPeak == 0 || s.pgxPeak == 0 || s.pgbenchPeak == 0 {
		s.aquilaBestClients = x.plan.clients[len(x.plan.clients)-1]
		return s
	}
	s.present = true
	s.vsPgbench = s.aquilaPeak / s.pgbenchPeak
	s.vsPgx = s.aquilaPeak / s.pgxPeak
	s.metPgbench = s.vsPgbench >= targetVsPgbench
	s.metPgx = s.vsPgx >= targetVsPgxPeak
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }
