package main

import (
	"strings"

	"github.com/aquila-go/aquila/internal/sqltext"
)

// route is where a method runs and why.
type route struct {
	read   bool
	reason string
}

// primaryMarker in a method's doc comment forces it onto the primary.
const primaryMarker = "aquila:primary"

// routeOf decides the route of a query from its sqlc command (":one"),
// its SQL text and its doc comment: :one and :many queries go to a replica
// when their SQL only reads by the rule of postgres.Classify, which also
// decides what replica pools prepare and what the read cache keeps.
func routeOf(cmd, sql, doc string) route {
	if cmd != ":one" && cmd != ":many" {
		return route{reason: cmd}
	}
	if strings.Contains(doc, primaryMarker) {
		return route{reason: cmd + ", marked " + primaryMarker}
	}
	read, why := sqltext.Classify(sql)
	return route{read: read, reason: cmd + ", " + why}
}
