package migratelint

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind is the kind of a token.
type tokKind uint8

const (
	tokIdent   tokKind = iota // a keyword or unquoted identifier, lower-cased
	tokQuoted                 // a quoted identifier, as written inside the quotes
	tokString                 // a string constant (any form), contents unparsed
	tokNumber                 // a numeric constant
	tokParam                  // $1
	tokOp                     // an operator or punctuation: ( ) , ; . :: = ...
	tokComment                // -- or /* */ comment, text without the markers
)

// token is one lexical token of PostgreSQL's SQL.
type token struct {
	kind tokKind
	text string
	line int // 1-based line of the token's first byte
}

// is reports whether t is the keyword or unquoted identifier word.
func (t token) is(word string) bool { return t.kind == tokIdent && t.text == word }

// op reports whether t is the operator or punctuation s.
func (t token) op(s string) bool { return t.kind == tokOp && t.text == s }

// name reports whether t can be a name (an identifier, quoted or not) and
// returns it as PostgreSQL resolves it.
func (t token) name() (string, bool) {
	return t.text, t.kind == tokIdent || t.kind == tokQuoted
}

// lex splits src into tokens following PostgreSQL's lexical rules: nested
// block comments, standard-conforming and escape strings, dollar quoting,
// quoted identifiers with doubled quotes. It never fails: anything it does
// not recognise becomes a one-character operator. line is the line number
// of src's first byte.
func lex(src string, line int) []token {
	var toks []token
	i := 0
	emit := func(kind tokKind, text string, l int) {
		toks = append(toks, token{kind: kind, text: text, line: l})
	}
	for i < len(src) {
		c := src[i]
		l := line
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '-' && i+1 < len(src) && src[i+1] == '-':
			end := strings.IndexByte(src[i:], '\n')
			if end < 0 {
				end = len(src) - i
			}
			emit(tokComment, strings.TrimSpace(src[i+2:i+end]), l)
			i += end
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			depth, j := 1, i+2
			for j < len(src) && depth > 0 {
				switch {
				case strings.HasPrefix(src[j:], "/*"):
					depth++
					j += 2
				case strings.HasPrefix(src[j:], "*/"):
					depth--
					j += 2
				default:
					if src[j] == '\n' {
						line++
					}
					j++
				}
			}
			text := src[i+2 : j]
			if depth == 0 {
				text = src[i+2 : j-2]
			}
			emit(tokComment, strings.TrimSpace(text), l)
			i = j
		case c == '\'':
			j := quoted(src, i+1, '\'', false)
			line += strings.Count(src[i:j], "\n")
			emit(tokString, src[i:j], l)
			i = j
		case (c == 'e' || c == 'E') && i+1 < len(src) && src[i+1] == '\'':
			j := quoted(src, i+2, '\'', true)
			line += strings.Count(src[i:j], "\n")
			emit(tokString, src[i:j], l)
			i = j
		case (c == 'b' || c == 'B' || c == 'x' || c == 'X' || c == 'n' || c == 'N') && i+1 < len(src) && src[i+1] == '\'':
			j := quoted(src, i+2, '\'', false)
			line += strings.Count(src[i:j], "\n")
			emit(tokString, src[i:j], l)
			i = j
		case (c == 'u' || c == 'U') && strings.HasPrefix(src[i+1:], "&\""):
			j := quoted(src, i+3, '"', false)
			line += strings.Count(src[i:j], "\n")
			emit(tokQuoted, unquote(src[i+2:j]), l)
			i = j
		case c == '"':
			j := quoted(src, i+1, '"', false)
			line += strings.Count(src[i:j], "\n")
			emit(tokQuoted, unquote(src[i:j]), l)
			i = j
		case c == '$':
			if tag, ok := dollarTag(src[i:]); ok {
				end := strings.Index(src[i+len(tag):], tag)
				j := len(src)
				if end >= 0 {
					j = i + len(tag) + end + len(tag)
				}
				line += strings.Count(src[i:j], "\n")
				emit(tokString, src[i:j], l)
				i = j
				break
			}
			j := i + 1
			for j < len(src) && src[j] >= '0' && src[j] <= '9' {
				j++
			}
			if j > i+1 {
				emit(tokParam, src[i:j], l)
			} else {
				emit(tokOp, "$", l)
			}
			i = j
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			j := i
			for j < len(src) && (isIdentByte(src[j]) || src[j] == '.' ||
				(src[j] == '+' || src[j] == '-') && j > i && (src[j-1] == 'e' || src[j-1] == 'E')) {
				j++
			}
			emit(tokNumber, src[i:j], l)
			i = j
		case isIdentStart(src[i:]):
			j := i
			for j < len(src) {
				r, n := utf8.DecodeRuneInString(src[j:])
				if r == '_' || r == '$' || unicode.IsLetter(r) || unicode.IsDigit(r) {
					j += n
					continue
				}
				break
			}
			emit(tokIdent, strings.ToLower(src[i:j]), l)
			i = j
		case c == ':' && i+1 < len(src) && src[i+1] == ':':
			emit(tokOp, "::", l)
			i += 2
		case strings.IndexByte("(),;.[]", c) >= 0:
			emit(tokOp, string(c), l)
			i++
		case strings.IndexByte("+-*/<>=~!@#%^&|`?:", c) >= 0:
			j := i
			for j < len(src) && strings.IndexByte("+-*/<>=~!@#%^&|`?", src[j]) >= 0 &&
				!strings.HasPrefix(src[j:], "--") && !strings.HasPrefix(src[j:], "/*") {
				j++
			}
			if j == i {
				j = i + 1
			}
			emit(tokOp, src[i:j], l)
			i = j
		default:
			_, n := utf8.DecodeRuneInString(src[i:])
			emit(tokOp, src[i:i+n], l)
			i += n
		}
	}
	return toks
}

// quoted returns the index just past the closing quote q of a literal
// whose contents start at i; a doubled quote is part of it, and so is a
// backslash-escaped character when backslash is set.
func quoted(src string, i int, q byte, backslash bool) int {
	for i < len(src) {
		switch c := src[i]; {
		case backslash && c == '\\':
			i += 2
		case c == q:
			if i+1 < len(src) && src[i+1] == q {
				i += 2
				continue
			}
			return i + 1
		default:
			i++
		}
	}
	return len(src)
}

// unquote returns a quoted identifier's name: the text between the quotes
// with doubled quotes undone.
func unquote(s string) string {
	s = strings.TrimPrefix(s, `"`)
	s = strings.TrimSuffix(s, `"`)
	return strings.ReplaceAll(s, `""`, `"`)
}

// dollarTag returns the opening $tag$ of a dollar-quoted string at the
// start of s.
func dollarTag(s string) (string, bool) {
	for j := 1; j < len(s); j++ {
		c := s[j]
		if c == '$' {
			return s[:j+1], true
		}
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 || j > 1 && c >= '0' && c <= '9') {
			return "", false
		}
	}
	return "", false
}

func isIdentStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r == '_' || unicode.IsLetter(r)
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
