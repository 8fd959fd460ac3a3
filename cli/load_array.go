package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// arrayParser reads a one-dimensional array: in NDJSON a JSON array of
// element values (null for a NULL element) or a JSON string holding an
// array literal; in CSV PostgreSQL's array literal ({1,2,NULL},
// {"a b",c}) or a JSON array.
func arrayParser(elem valueParser) valueParser {
	fromJSON := func(raw []byte) (any, error) {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, errors.New("not a JSON array")
		}
		out := make([]any, len(items))
		for i, it := range items {
			if string(it) == "null" {
				continue
			}
			v, err := elem.json(it)
			if err != nil {
				return nil, fmt.Errorf("element %d: %w", i+1, err)
			}
			out[i] = v
		}
		return out, nil
	}
	fromText := func(s string) (any, error) {
		if t := strings.TrimSpace(s); strings.HasPrefix(t, "[") {
			return fromJSON([]byte(t))
		}
		items, nulls, err := splitArrayLiteral(s)
		if err != nil {
			return nil, err
		}
		out := make([]any, len(items))
		for i, it := range items {
			if nulls[i] {
				continue
			}
			v, err := elem.text(it)
			if err != nil {
				return nil, fmt.Errorf("element %d: %w", i+1, err)
			}
			out[i] = v
		}
		return out, nil
	}
	return valueParser{
		text: fromText,
		json: func(raw []byte) (any, error) {
			if raw[0] == '"' {
				s, err := jsonString(raw)
				if err != nil {
					return nil, err
				}
				return fromText(s)
			}
			return fromJSON(raw)
		},
	}
}

var errArrayLiteral = errors.New(`not an array ({a,b,"c d",NULL} or a JSON array)`)

// splitArrayLiteral splits a one-dimensional PostgreSQL array literal into
// its elements: quoted ones with their backslash escapes undone, unquoted
// ones trimmed, and an unquoted NULL (any case) marked in nulls.
func splitArrayLiteral(s string) (items []string, nulls []bool, err error) {
	s = strings.TrimSpace(s)
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return nil, nil, errArrayLiteral
	}
	body := s[1 : len(s)-1]
	if strings.TrimSpace(body) == "" {
		return []string{}, []bool{}, nil
	}
	var b strings.Builder
	for i := 0; ; {
		for i < len(body) && body[i] == ' ' {
			i++
		}
		b.Reset()
		quoted := i < len(body) && body[i] == '"'
		if quoted {
			i++
			closed := false
			for i < len(body) {
				c := body[i]
				i++
				if c == '\\' && i < len(body) {
					b.WriteByte(body[i])
					i++
					continue
				}
				if c == '"' {
					closed = true
					break
				}
				b.WriteByte(c)
			}
			if !closed {
				return nil, nil, errArrayLiteral
			}
			for i < len(body) && body[i] == ' ' {
				i++
			}
		} else {
			for i < len(body) && body[i] != ',' {
				c := body[i]
				switch c {
				case '{', '}', '"':
					return nil, nil, errors.New("not a one-dimensional array literal")
				case '\\':
					i++
					if i == len(body) {
						return nil, nil, errArrayLiteral
					}
					c = body[i]
				}
				b.WriteByte(c)
				i++
			}
		}
		item := b.String()
		if !quoted {
			item = strings.TrimRight(item, " ")
			if item == "" {
				return nil, nil, errArrayLiteral
			}
		}
		items = append(items, item)
		nulls = append(nulls, !quoted && strings.EqualFold(item, "NULL"))
		if i == len(body) {
			return items, nulls, nil
		}
		if body[i] != ',' {
			return nil, nil, errArrayLiteral
		}
		i++
	}
}
