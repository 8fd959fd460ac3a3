package api

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Text that PostgreSQL cannot store, or that encoding/json would silently
// change, is rejected before it reaches a handler: U+0000 (text and jsonb
// refuse it) and invalid UTF-8, including a JSON escape of a lone UTF-16
// surrogate (encoding/json turns both into U+FFFD).

// ValidateText returns a 400 *Error naming field when s holds U+0000 or is
// not valid UTF-8. DecodeJSON, Records and QueryValues apply it to every
// string they return; use it for text that reaches a handler another way
// (a path value, a header).
func ValidateText(field, s string) error {
	if problem := textProblem(s); problem != "" {
		return &Error{Code: CodeInvalid, Field: field, Message: problem}
	}
	return nil
}

func textProblem(s string) string {
	if !utf8.ValidString(s) {
		return "must be valid UTF-8"
	}
	if strings.IndexByte(s, 0) >= 0 {
		return "must not contain U+0000"
	}
	return ""
}

// validateJSONText returns an *Error naming the first string (a value or an
// object key, at any depth) of the JSON document doc that is not valid
// UTF-8 or holds U+0000 or a lone surrogate escape. It returns nil for a
// document it cannot parse: the JSON decoder reports that.
func validateJSONText(doc []byte) error {
	if utf8.Valid(doc) && !suspectEscape(doc) {
		return nil
	}
	s := textScanner{doc: doc}
	s.value("")
	return s.err
}

// suspectEscape reports whether doc holds \u0000 or a \uD800–\uDFFF escape
// (or something that looks like one, e.g. after an escaped backslash).
func suspectEscape(doc []byte) bool {
	for {
		i := bytes.Index(doc, []byte(`\u`))
		if i < 0 || i+6 > len(doc) {
			return false
		}
		h := doc[i+2 : i+6]
		if string(h) == "0000" || (h[0] == 'd' || h[0] == 'D') && strings.IndexByte("89abcdefABCDEF", h[1]) >= 0 {
			return true
		}
		doc = doc[i+2:]
	}
}

// textScanner walks a JSON document, tracking the path of the value it is
// in, until it finds a bad string (err) or a syntax error (stop).
type textScanner struct {
	doc  []byte
	pos  int
	err  error
	stop bool
}

func (s *textScanner) ws() {
	for s.pos < len(s.doc) && strings.IndexByte(" \t\r\n", s.doc[s.pos]) >= 0 {
		s.pos++
	}
}

func (s *textScanner) done() bool { return s.err != nil || s.stop }

func (s *textScanner) fail(field, problem string) {
	s.err = &Error{Code: CodeInvalid, Field: field, Message: problem}
}

// value scans one value at path.
func (s *textScanner) value(path string) {
	s.ws()
	if s.pos >= len(s.doc) {
		s.stop = true
		return
	}
	switch s.doc[s.pos] {
	case '{':
		s.pos++
		s.ws()
		if s.pos < len(s.doc) && s.doc[s.pos] == '}' {
			s.pos++
			return
		}
		for !s.done() {
			s.ws()
			key, problem, ok := s.str()
			if !ok {
				return
			}
			if problem != "" {
				s.fail(path, "key "+problem)
				return
			}
			s.ws()
			if s.pos >= len(s.doc) || s.doc[s.pos] != ':' {
				s.stop = true
				return
			}
			s.pos++
			child := key
			if path != "" {
				child = path + "." + key
			}
			s.value(child)
			if !s.next('}') {
				return
			}
		}
	case '[':
		s.pos++
		s.ws()
		if s.pos < len(s.doc) && s.doc[s.pos] == ']' {
			s.pos++
			return
		}
		for i := 0; !s.done(); i++ {
			s.value(path + "[" + strconv.Itoa(i) + "]")
			if !s.next(']') {
				return
			}
		}
	case '"':
		if _, problem, ok := s.str(); ok && problem != "" {
			s.fail(path, problem)
		}
	default: // number, true, false, null
		for s.pos < len(s.doc) && strings.IndexByte(",]} \t\r\n", s.doc[s.pos]) < 0 {
			s.pos++
		}
	}
}

// next consumes a ',' (true: another member follows) or close (false).
func (s *textScanner) next(close byte) bool {
	if s.done() {
		return false
	}
	s.ws()
	if s.pos < len(s.doc) && s.doc[s.pos] == ',' {
		s.pos++
		return true
	}
	if s.pos < len(s.doc) && s.doc[s.pos] == close {
		s.pos++
	} else {
		s.stop = true
	}
	return false
}

// str scans a string: its decoded value (for keys), what is wrong with it
// (as a message predicate, "" when nothing) and whether it was a string.
func (s *textScanner) str() (string, string, bool) {
	if s.pos >= len(s.doc) || s.doc[s.pos] != '"' {
		s.stop = true
		return "", "", false
	}
	s.pos++
	var b strings.Builder
	problem := ""
	for s.pos < len(s.doc) {
		c := s.doc[s.pos]
		switch {
		case c == '"':
			s.pos++
			return b.String(), problem, true
		case c < 0x20:
			s.stop = true
			return "", "", false
		case c == '\\':
			if s.pos+1 >= len(s.doc) {
				s.stop = true
				return "", "", false
			}
			if s.doc[s.pos+1] != 'u' {
				b.WriteByte(s.doc[s.pos+1])
				s.pos += 2
				continue
			}
			r, ok := s.hex4(s.pos + 2)
			if !ok {
				s.stop = true
				return "", "", false
			}
			s.pos += 6
			switch {
			case r == 0:
				problem = firstProblem(problem, "must not contain U+0000")
			case r >= 0xD800 && r < 0xDC00:
				lo, ok := rune(0), false
				if s.pos+6 <= len(s.doc) && s.doc[s.pos] == '\\' && s.doc[s.pos+1] == 'u' {
					lo, ok = s.hex4(s.pos + 2)
				}
				if !ok || lo < 0xDC00 || lo > 0xDFFF {
					problem = firstProblem(problem, "must be valid UTF-8 (lone surrogate escape)")
					continue
				}
				s.pos += 6
				b.WriteRune((r-0xD800)<<10 | (lo - 0xDC00) + 0x10000)
			case r >= 0xDC00 && r <= 0xDFFF:
				problem = firstProblem(problem, "must be valid UTF-8 (lone surrogate escape)")
			default:
				b.WriteRune(r)
			}
		default:
			r, size := utf8.DecodeRune(s.doc[s.pos:])
			if r == utf8.RuneError && size == 1 {
				problem = firstProblem(problem, "must be valid UTF-8")
			} else {
				b.WriteRune(r)
			}
			s.pos += size
		}
	}
	s.stop = true
	return "", "", false
}

func firstProblem(have, p string) string {
	if have != "" {
		return have
	}
	return p
}

// hex4 parses the four hex digits at i.
func (s *textScanner) hex4(i int) (rune, bool) {
	if i+4 > len(s.doc) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(s.doc[i:i+4]), 16, 32)
	return rune(n), err == nil
}
