package sqltext

import "strings"

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
