package main

import (
	"strings"

	"github.com/aquila-go/aquila/postgres"
)

// route is where a method runs and why.
type route struct {
	read   bool
	reason string
}

// primaryMarker in a method's doc comment forces it onto the primary.
const primaryMarker = "aquila:primary"

// classify decides the route of a query from its sqlc command (":one"),
// its SQL text and its doc comment: :one and :many queries go to a replica
// when postgres.ClassifySQL calls their SQL a read, which is also what
// decides what replica pools prepare and what the read cache keeps.
func classify(cmd, sql, doc string) route {
	if cmd != ":one" && cmd != ":many" {
		return route{reason: cmd}
	}
	if strings.Contains(doc, primaryMarker) {
		return route{reason: cmd + ", marked " + primaryMarker}
	}
	kind, why := postgres.ClassifySQL(sql)
	return route{read: kind == postgres.StatementRead, reason: cmd + ", " + why}
}
