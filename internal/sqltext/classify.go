package sqltext

import "strings"

// Classify reports whether the text of a statement only reads, by the
// rule postgres.Classify documents (without its sqlc-command part), and
// names what decided it: the first keyword of a read ("SELECT"), or what
// makes a write one ("INSERT", "FOR UPDATE", "SELECT INTO", "calls
// nextval", "empty statement", "malformed SQL").
func Classify(sql string) (read bool, reason string) {
	lx := lexer{s: sql}
	first, prev := "", ""
	for {
		w, ok := lx.word()
		if !ok {
			switch {
			case lx.bad:
				return false, "malformed SQL"
			case first == "":
				return false, "empty statement"
			}
			return true, strings.ToUpper(first)
		}
		w = strings.ToLower(w)
		if first == "" {
			first = w
			switch w {
			case "select", "with", "values", "table":
				prev = w
				continue
			}
			return false, strings.ToUpper(w)
		}
		if why := writeWord(w, prev, &lx); why != "" {
			return false, why
		}
		prev = w
	}
}

// writeWord returns why the word w that lx has just read (lower case; prev
// is the word before it) makes a statement a write, or "".
func writeWord(w, prev string, lx *lexer) string {
	switch w {
	case "update":
		if prev == "for" || prev == "key" {
			return "FOR UPDATE"
		}
		return "UPDATE"
	case "into":
		return "SELECT INTO"
	case "for":
		if next := lx.peekWord(); next == "share" || next == "key" {
			return "FOR SHARE"
		}
		return ""
	case "insert", "delete", "merge", "share", "truncate", "copy", "call", "lock", "notify":
		return strings.ToUpper(w)
	case "nextval", "setval", "set_config", "pg_notify", "txid_current", "pg_current_xact_id":
	default:
		if !strings.HasPrefix(w, "pg_advisory") && !strings.HasPrefix(w, "pg_try_advisory") &&
			!strings.HasPrefix(w, "pg_current_wal_") && !strings.HasPrefix(w, "lo_") && !strings.HasPrefix(w, "dblink") {
			return ""
		}
	}
	if lx.call {
		return "calls " + w
	}
	return "names " + w
}
