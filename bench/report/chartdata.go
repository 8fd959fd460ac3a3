package main

// charts returns the report's charts by file name.
func (rp *report) charts() map[string]chart {
	out := map[string]chart{}

	var seed []group
	for _, table := range []string{"DI", "Models"} {
		g := group{title: table}
		for _, s := range seedRows() {
			if s.table != table {
				continue
			}
			v, n := rp.res.median(s.bench, s.unit)
			factor := 0.0
			if n > 0 {
				factor = s.seedUS * 1e3 / v
			}
			g.bars = append(g.bars, bar{label: s.short, value: factor})
		}
		seed = append(seed, g)
	}
	out["seed.svg"] = chart{
		title:   "The seed's rows: Python (Aquilia) time / aquila time",
		caption: "aquila = 1.0 (dashed); a bar at 100× means the seed's Python took 100 times as long. Log scale.",
		groups:  seed,
		log:     true,
	}

	var peers []group
	for _, op := range peerOps() {
		g := group{title: op}
		for _, c := range peerContenders() {
			v := 1.0
			if c != "aquila" {
				v, _ = rp.res.median(op, c+"/aquila")
			} else if _, n := rp.res.median(op, "aquila-ns/op"); n == 0 {
				v = 0
			}
			g.bars = append(g.bars, bar{label: c, value: v, aquila: c == "aquila"})
		}
		peers = append(peers, g)
	}
	out["peers.svg"] = chart{
		title:   "efectn's operations: contender time / aquila time",
		caption: "aquila = 1.0 (dashed); above 1 is slower than aquila. Medians of per-round ratios, interleaved.",
		groups:  peers,
	}

	di := group{title: "request lifecycle, 3 services"}
	for _, c := range diContainers() {
		v := 1.0
		if c != "wire" {
			v = rp.res.ratio("DIRequest/"+c, "DIRequest/wire", "ns/op")
		}
		di.bars = append(di.bars, bar{label: c, value: v, aquila: c == "wire"})
	}
	out["di.svg"] = chart{
		title:   "DI: container time / Wire-generated injector time",
		caption: "aquila (Wire) = 1.0 (dashed). Log scale.",
		groups:  []group{di},
		log:     true,
	}

	var anchors []group
	for _, c := range rp.plan.clients {
		aq, _ := rp.res.median(getByIDName(c), "aquila-tps")
		pb, _ := rp.res.median(pgbenchName(c), "tps")
		px, _ := rp.res.median(getByIDName(c), "pgx-tps")
		anchors = append(anchors, group{title: "get-by-id, " + itoa(c) + " clients", bars: []bar{
			{label: "aquila", value: nonZero(aq), aquila: true},
			{label: "pgbench -S", value: pb / aq},
			{label: "raw pgx", value: px / aq},
		}})
	}
	anchors = append(anchors, group{title: "COPY 10 000 rows (time)", bars: []bar{
		{label: "BulkCreate", value: nonZero(rp.res.ratio("CopyAnchor", "CopyAnchor", "ns/op")), aquila: true},
		{label: "psql \\copy", value: rp.res.ratio("PsqlCopy", "CopyAnchor", "ns/op")},
	}})
	out["anchors.svg"] = chart{
		title:   "Physical anchors, relative to aquila",
		caption: "get-by-id: throughput / aquila's (above 1: more tps than aquila); COPY: time / BulkCreate's.",
		groups:  anchors,
	}
	return out
}

// nonZero returns 1 when v is a measured value, else 0 (not measured): the
// bar of the contender the others are relative to.
func nonZero(v float64) float64 {
	if ok(v) {
		return 1
	}
	return 0
}
