package postgres

import (
	"strings"
)

// StatementKind is Classify's verdict on a SQL text.
type StatementKind uint8

const (
	// StatementWrite is a statement that may change data, or one Classify
	// cannot prove does not.
	StatementWrite StatementKind = iota
	// StatementRead is a statement that only reads.
	StatementRead
)

func (k StatementKind) String() string {
	if k == StatementRead {
		return "read"
	}
	return "write"
}

// Classify tells reads from writes without a SQL parser, in one lexical
// pass that ReadCache runs once per distinct SQL text:
//
//   - sqlc's header "-- name: X :cmd" with an exec, execrows, execresult,
//     execlastid, copyfrom or batchexec command is a write;
//   - otherwise the statement is what ClassifySQL says of its text.
//
// Replica pools prepare, and Open warms, only what Classify calls a read;
// cmd/aquilagen routes sqlc's :one and :many queries by ClassifySQL,
// so the three agree.
func Classify(sql string) StatementKind {
	if _, cmd, ok := SQLCName(sql); ok {
		switch cmd {
		case ":exec", ":execrows", ":execresult", ":execlastid", ":copyfrom", ":batchexec":
			return StatementWrite
		}
	}
	k, _ := ClassifySQL(sql)
	return k
}

// ClassifySQL classifies a SQL text and names what decided it. A read's
// first keyword is SELECT, WITH, VALUES or TABLE, and no later word
// (outside comments, string literals and quoted identifiers) writes or
// locks: INSERT, UPDATE, DELETE, MERGE, INTO (SELECT INTO), SHARE (FOR
// SHARE / KEY SHARE), TRUNCATE, COPY, CALL, LOCK, NOTIFY, or nextval,
// setval, set_config, pg_notify, txid_current, pg_current_xact_id,
// pg_current_wal_*, pg_advisory_*, pg_try_advisory_*, lo_* or dblink*.
// Anything else, including an empty or malformed text, is a write. The
// reason is the first keyword of a read ("SELECT"), or what makes a write
// one ("INSERT", "FOR UPDATE", "SELECT INTO", "calls nextval", "empty
// statement", "malformed SQL").
//
// A word that only looks like one of these (a column named "share")
// makes a read a write: it goes uncached and to the primary, never stale.
// A SELECT calling a user-defined function with side effects is not
// detected; run such statements with Exec, through WithoutReadCache, or
// mark the sqlc query aquila:primary.
func ClassifySQL(sql string) (StatementKind, string) {
	lx := lexer{s: sql}
	first, prev := "", ""
	for {
		w, ok := lx.word()
		if !ok {
			switch {
			case lx.bad:
				return StatementWrite, "malformed SQL"
			case first == "":
				return StatementWrite, "empty statement"
			}
			return StatementRead, strings.ToUpper(first)
		}
		w = strings.ToLower(w)
		if first == "" {
			first = w
			switch w {
			case "select", "with", "values", "table":
				prev = w
				continue
			}
			return StatementWrite, strings.ToUpper(w)
		}
		if why := writeWord(w, prev, &lx); why != "" {
			return StatementWrite, why
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

// SQLCName returns the name and command of the header line sqlc writes
// before each query, "-- name: X :cmd", when sql starts with one (after
// blank space). Nothing else in aquila parses that line.
func SQLCName(sql string) (name, cmd string, ok bool) {
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

// lexer yields the bare words of a SQL text, skipping whitespace,
// comments, string and dollar-quoted literals, quoted identifiers,
// parameters and punctuation. bad is set on an unterminated literal or
// comment.
type lexer struct {
	s    string
	i    int
	bad  bool
	call bool // the last word is followed by "("
}

// peekWord returns the next word in lower case without consuming it.
func (l *lexer) peekWord() string {
	saved := *l
	w, _ := l.word()
	*l = saved
	return strings.ToLower(w)
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentChar(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' || c == '$' }

func (l *lexer) word() (string, bool) {
	s := l.s
	for l.i < len(s) {
		c := s[l.i]
		switch {
		case c == '-' && l.i+1 < len(s) && s[l.i+1] == '-':
			j := strings.IndexByte(s[l.i:], '\n')
			if j < 0 {
				l.i = len(s)
			} else {
				l.i += j + 1
			}
		case c == '/' && l.i+1 < len(s) && s[l.i+1] == '*':
			depth := 0
			for l.i < len(s) {
				if strings.HasPrefix(s[l.i:], "/*") {
					depth++
					l.i += 2
				} else if strings.HasPrefix(s[l.i:], "*/") {
					depth--
					l.i += 2
					if depth == 0 {
						break
					}
				} else {
					l.i++
				}
			}
			if depth != 0 {
				l.bad = true
				return "", false
			}
		case c == '\'':
			escapes := l.i > 0 && (s[l.i-1] == 'e' || s[l.i-1] == 'E') && (l.i < 2 || !isIdentChar(s[l.i-2]))
			if !l.skipQuoted('\'', escapes) {
				return "", false
			}
		case c == '"':
			if !l.skipQuoted('"', false) {
				return "", false
			}
		case c == '$':
			l.i++
			j := l.i
			for j < len(s) && isIdentChar(s[j]) && s[j] != '$' {
				j++
			}
			if j < len(s) && s[j] == '$' && (j == l.i || isIdentStart(s[l.i])) {
				tag := s[l.i-1 : j+1]
				end := strings.Index(s[j+1:], tag)
				if end < 0 {
					l.bad = true
					return "", false
				}
				l.i = j + 1 + end + len(tag)
			} else {
				l.i = j // a parameter such as $1
			}
		case isIdentStart(c):
			j := l.i
			for j < len(s) && isIdentChar(s[j]) {
				j++
			}
			w := s[l.i:j]
			l.i = j
			if (w == "e" || w == "E") && j < len(s) && s[j] == '\'' {
				continue // E'...' string: the quote case handles it
			}
			k := j
			for k < len(s) && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r') {
				k++
			}
			l.call = k < len(s) && s[k] == '('
			return w, true
		case c >= '0' && c <= '9':
			for l.i < len(s) && (isIdentChar(s[l.i]) || s[l.i] == '.') {
				l.i++
			}
		default:
			l.i++
		}
	}
	return "", false
}

// skipQuoted skips a literal that starts at l.i and ends with q (doubled q
// inside stands for itself; with escapes, a backslash escapes a byte).
func (l *lexer) skipQuoted(q byte, escapes bool) bool {
	s := l.s
	for i := l.i + 1; i < len(s); i++ {
		switch {
		case escapes && s[i] == '\\':
			i++
		case s[i] == q:
			if i+1 < len(s) && s[i+1] == q {
				i++
				continue
			}
			l.i = i + 1
			return true
		}
	}
	l.bad = true
	return false
}
