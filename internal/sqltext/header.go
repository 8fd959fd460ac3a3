package sqltext

import "strings"

// Header returns the name and command of the header line sqlc writes
// before each query, "-- name: X :cmd", when sql starts with one (after
// blank space). Nothing else in aquila parses that line.
func Header(sql string) (name, cmd string, ok bool) {
	rest, ok := strings.CutPrefix(strings.TrimLeft(sql, " \t\r\n"), "-- name:")
	if !ok {
		return "", "", false
	}
	line, _, _ := strings.Cut(rest, "\n")
	name, cmd, _ = strings.Cut(strings.TrimSpace(line), " ")
	cmd = strings.TrimSpace(cmd)
	if name == "" || len(cmd) < 2 || cmd[0] != ':' || strings.ContainsAny(cmd, " \t\r") {
		return "", "", false
	}
	return name, cmd, true
}
