package main

import (
	"strings"
)

// route is where a method runs and why.
type route struct {
	read   bool
	reason string
}

// primaryMarker in a method's doc comment forces it onto the primary.
const primaryMarker = "aquila:primary"

// classify decides the route of a query from its sqlc command (":one"),
// its SQL text and its doc comment.
func classify(cmd, sql, doc string) route {
	if cmd != ":one" && cmd != ":many" {
		return route{reason: cmd}
	}
	if strings.Contains(doc, primaryMarker) {
		return route{reason: cmd + ", marked " + primaryMarker}
	}
	words := tokens(blank(sql))
	if len(words) == 0 {
		return route{reason: cmd + ", empty statement"}
	}
	switch words[0].text {
	case "SELECT", "WITH", "VALUES", "TABLE":
	default:
		return route{reason: cmd + ", " + words[0].text}
	}
	for i, w := range words {
		switch w.text {
		case "UPDATE":
			if i > 0 && (words[i-1].text == "FOR" || words[i-1].text == "KEY") {
				return route{reason: cmd + ", FOR UPDATE"}
			}
			return route{reason: cmd + ", UPDATE"}
		case "INSERT", "DELETE", "MERGE", "TRUNCATE":
			return route{reason: cmd + ", " + w.text}
		case "INTO":
			return route{reason: cmd + ", SELECT INTO"}
		case "FOR":
			if i+1 < len(words) && (words[i+1].text == "SHARE" || words[i+1].text == "KEY") {
				return route{reason: cmd + ", FOR SHARE"}
			}
		}
		if w.call && writingFunction(w.text) {
			return route{reason: cmd + ", calls " + strings.ToLower(w.text)}
		}
	}
	return route{read: true, reason: cmd + ", " + words[0].text}
}

// writingFunction reports whether a call to the function named name (upper
// case) writes or needs the primary.
func writingFunction(name string) bool {
	switch name {
	case "NEXTVAL", "SETVAL", "PG_NOTIFY", "TXID_CURRENT", "PG_CURRENT_XACT_ID":
		return true
	}
	for _, prefix := range []string{"PG_ADVISORY_", "PG_TRY_ADVISORY_", "PG_CURRENT_WAL_"} {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

// word is an upper-cased bare word of SQL; call reports whether "(" follows.
type word struct {
	text string
	call bool
}

// tokens splits blanked SQL into its bare words (keywords, identifiers,
// function names).
func tokens(s string) []word {
	var words []word
	for i := 0; i < len(s); {
		if !isWordByte(s[i]) || isDigit(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isWordByte(s[j]) {
			j++
		}
		k := j
		for k < len(s) && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r') {
			k++
		}
		words = append(words, word{text: strings.ToUpper(s[i:j]), call: k < len(s) && s[k] == '('})
		i = j
	}
	return words
}

func isWordByte(c byte) bool {
	return c == '_' || c == '$' || c >= 0x80 || isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// blank returns sql with comments, string literals, quoted identifiers and
// dollar-quoted strings replaced by spaces, so that no word inside them is
// mistaken for a keyword.
func blank(sql string) string {
	b := []byte(sql)
	for i := 0; i < len(b); {
		switch {
		case b[i] == '-' && i+1 < len(b) && b[i+1] == '-':
			j := i
			for j < len(b) && b[j] != '\n' {
				j++
			}
			i = spaces(b, i, j)
		case b[i] == '/' && i+1 < len(b) && b[i+1] == '*':
			i = spaces(b, i, blockCommentEnd(b, i))
		case b[i] == '\'':
			escapes := i > 0 && (b[i-1] == 'E' || b[i-1] == 'e') && (i == 1 || !isWordByte(b[i-2]))
			i = spaces(b, i, quotedEnd(b, i, '\'', escapes))
		case b[i] == '"':
			i = spaces(b, i, quotedEnd(b, i, '"', false))
		case b[i] == '$' && (i == 0 || !isWordByte(b[i-1])):
			if tag, ok := dollarTag(b, i); ok {
				end := strings.Index(string(b[i+len(tag):]), tag)
				if end < 0 {
					end = len(b)
				} else {
					end += i + 2*len(tag)
				}
				i = spaces(b, i, end)
				continue
			}
			i++
		default:
			i++
		}
	}
	return string(b)
}

// spaces blanks b[from:to] and returns to.
func spaces(b []byte, from, to int) int {
	for k := from; k < to && k < len(b); k++ {
		if b[k] != '\n' {
			b[k] = ' '
		}
	}
	return min(to, len(b))
}

// blockCommentEnd returns the index after the (nested) block comment
// starting at i.
func blockCommentEnd(b []byte, i int) int {
	depth := 0
	for j := i; j+1 < len(b); j++ {
		switch {
		case b[j] == '/' && b[j+1] == '*':
			depth++
			j++
		case b[j] == '*' && b[j+1] == '/':
			depth--
			j++
			if depth == 0 {
				return j + 1
			}
		}
	}
	return len(b)
}

// quotedEnd returns the index after the quoted token starting at i, where
// a doubled quote stands for itself and, with escapes, a backslash escapes
// the next byte.
func quotedEnd(b []byte, i int, q byte, escapes bool) int {
	for j := i + 1; j < len(b); j++ {
		switch {
		case escapes && b[j] == '\\':
			j++
		case b[j] == q && j+1 < len(b) && b[j+1] == q:
			j++
		case b[j] == q:
			return j + 1
		}
	}
	return len(b)
}

// dollarTag returns the $tag$ opening a dollar-quoted string at i ($1 is a
// parameter, not a tag).
func dollarTag(b []byte, i int) (string, bool) {
	j := i + 1
	if j < len(b) && isDigit(b[j]) {
		return "", false
	}
	for j < len(b) && isWordByte(b[j]) && b[j] != '$' {
		j++
	}
	if j < len(b) && b[j] == '$' {
		return string(b[i : j+1]), true
	}
	return "", false
}
