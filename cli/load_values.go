package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aquila-go/aquila/model"
)

// A valueParser reads one input value of a column type into the Go value
// pgx encodes for that type in binary COPY. text parses a CSV field (never
// empty: an empty field is NULL); json parses an NDJSON value (never
// null). Their errors say what is wrong with the value, without the line
// or column, which the caller adds.
type valueParser struct {
	text func(s string) (any, error)
	json func(raw []byte) (any, error)
}

// errNotJSONString is a JSON value of the wrong kind for a column read
// from a JSON string.
var errNotJSONString = errors.New("not a JSON string")

// errUnknownType is a column type without a parser: a type that model
// accepts and load does not know yet.
var errUnknownType = errors.New("no input parser for the type")

// parserFor returns the parser of column type t.
func parserFor(t model.Type) (valueParser, error) {
	if t.IsArray() {
		elem, err := parserFor(t.Elem())
		if err != nil {
			return valueParser{}, err
		}
		return arrayParser(elem), nil
	}
	p, ok := scalarParser(t.Base())
	if !ok {
		return valueParser{}, fmt.Errorf("%w %s", errUnknownType, t)
	}
	return p, nil
}

// scalarParser is the parser of a scalar storage type.
func scalarParser(t model.Type) (valueParser, bool) {
	switch t {
	case model.SmallInt:
		return numberParser(intText(16, func(n int64) any { return int16(n) })), true
	case model.Integer:
		return numberParser(intText(32, func(n int64) any { return int32(n) })), true
	case model.BigInt:
		return numberParser(intText(64, func(n int64) any { return n })), true
	case model.Real:
		return numberParser(floatText(32, func(f float64) any { return float32(f) })), true
	case model.Double:
		return numberParser(floatText(64, func(f float64) any { return f })), true
	case model.Boolean:
		return valueParser{text: parseBool, json: func(raw []byte) (any, error) {
			switch string(raw) {
			case "true":
				return true, nil
			case "false":
				return false, nil
			}
			return nil, errors.New("not true or false")
		}}, true
	case model.Text:
		return stringParser(func(s string) (any, error) { return s, nil }), true
	case model.Date:
		return stringParser(parseDate), true
	case model.Timestamp:
		return stringParser(parseTimestamp), true
	case model.TimestampTZ:
		return stringParser(parseTimestampTZ), true
	case model.UUID:
		return stringParser(parseUUID), true
	case model.Bytea:
		return stringParser(parseBytea), true
	case model.JSON, model.JSONB:
		// The JSON value as it is: a string stays a string. In CSV the
		// field is JSON text.
		return valueParser{
			text: func(s string) (any, error) {
				if !json.Valid([]byte(s)) {
					return nil, errors.New("not valid JSON")
				}
				return []byte(s), nil
			},
			json: func(raw []byte) (any, error) { return []byte(raw), nil }, // raw is the caller's own copy
		}, true
	}
	if n, ok := varcharLength(t); ok {
		return stringParser(func(s string) (any, error) {
			if c := utf8.RuneCountInString(s); c > n {
				return nil, fmt.Errorf("%d characters, more than %d", c, n)
			}
			return s, nil
		}), true
	}
	if p, s, ok := numericArgs(t); ok {
		return numberParser(numericText(p, s)), true
	}
	panic("cli: no parser for model type " + string(t)) // unreachable: NewRegistry accepts no other type
}

// stringParser reads a type written as a string: the CSV field, or a JSON
// string.
func stringParser(text func(string) (any, error)) valueParser {
	return valueParser{text: text, json: func(raw []byte) (any, error) {
		s, err := jsonString(raw)
		if err != nil {
			return nil, err
		}
		return text(s)
	}}
}

// numberParser reads a number: the CSV field, a JSON number, or a JSON
// string holding one (as int64 values are often written in JSON).
func numberParser(text func(string) (any, error)) valueParser {
	return valueParser{text: text, json: func(raw []byte) (any, error) {
		if raw[0] == '"' {
			s, err := jsonString(raw)
			if err != nil {
				return nil, err
			}
			return text(s)
		}
		if raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
			return nil, errors.New("not a number")
		}
		return text(string(raw))
	}}
}

// jsonString decodes a JSON string value.
func jsonString(raw []byte) (string, error) {
	if raw[0] != '"' {
		return "", errNotJSONString
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", err
	}
	return s, nil
}

func intText(bits int, conv func(int64) any) func(string) (any, error) {
	return func(s string) (any, error) {
		n, err := strconv.ParseInt(s, 10, bits)
		if err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return nil, errors.New("out of range")
			}
			return nil, errors.New("not an integer")
		}
		return conv(n), nil
	}
}

func floatText(bits int, conv func(float64) any) func(string) (any, error) {
	return func(s string) (any, error) {
		if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") || strings.Contains(s, "_") {
			return nil, errors.New("not a decimal number")
		}
		f, err := strconv.ParseFloat(s, bits)
		if err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return nil, errors.New("out of range")
			}
			return nil, errors.New("not a number")
		}
		return conv(f), nil
	}
}

// numericText parses a decimal (or NaN, Infinity) into a pgtype.Numeric
// and rejects a value with more integer digits than numeric(p,s) holds.
func numericText(precision, scale int) func(string) (any, error) {
	return func(s string) (any, error) {
		var n pgtype.Numeric
		if err := n.ScanScientific(s); err != nil || !n.Valid {
			return nil, errors.New("not a decimal number")
		}
		if n.NaN || n.InfinityModifier != pgtype.Finite {
			return n, nil
		}
		abs := new(big.Int).Abs(n.Int)
		if abs.Sign() != 0 && len(abs.String())+int(n.Exp) > precision-scale {
			return nil, fmt.Errorf("more than %d digits before the decimal point", precision-scale)
		}
		return n, nil
	}
}

// parseBool accepts PostgreSQL's spellings of a boolean.
func parseBool(s string) (any, error) {
	switch strings.ToLower(s) {
	case "t", "true", "y", "yes", "on", "1":
		return true, nil
	case "f", "false", "n", "no", "off", "0":
		return false, nil
	}
	return nil, errors.New("not a boolean (true, false, t, f, yes, no, on, off, 1, 0)")
}

// parseDate accepts 2006-01-02, or an RFC 3339 timestamp (its UTC date).
func parseDate(s string) (any, error) {
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d, nil
	}
	if ts, err := time.Parse(time.RFC3339Nano, s); err == nil {
		y, m, d := ts.UTC().Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
	}
	return nil, errors.New("not a date (2006-01-02)")
}

// parseTimestamp accepts a date and time without a zone, with 'T' or a
// space between them, or a date alone (midnight).
func parseTimestamp(s string) (any, error) {
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return nil, errors.New("not a timestamp without time zone (2006-01-02T15:04:05)")
}

// parseTimestampTZ accepts RFC 3339 and PostgreSQL's output form (a space
// for the 'T', an offset of hours only).
func parseTimestampTZ(s string) (any, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999Z07", "2006-01-02T15:04:05.999999999Z07"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return nil, errors.New("not a timestamp with a time zone offset (2006-01-02T15:04:05Z07:00)")
}

// parseUUID accepts the canonical 8-4-4-4-12 form or 32 hex digits.
func parseUUID(s string) (any, error) {
	h := s
	if len(s) == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-' {
		h = s[:8] + s[9:13] + s[14:18] + s[19:23] + s[24:]
	}
	var u [16]byte
	if len(h) != 32 {
		return nil, errors.New("not a UUID")
	}
	if _, err := hex.Decode(u[:], []byte(h)); err != nil {
		return nil, errors.New("not a UUID")
	}
	return u, nil
}

// parseBytea accepts PostgreSQL's hex form (\x0a1b) or, as encoding/json
// writes []byte, standard base64.
func parseBytea(s string) (any, error) {
	if h, ok := strings.CutPrefix(s, `\x`); ok {
		b, err := hex.DecodeString(h)
		if err != nil {
			return nil, errors.New(`not hex bytes (\x0a1b...)`)
		}
		return b, nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, errors.New(`not hex (\x0a1b...) or base64 bytes`)
	}
	return b, nil
}

// varcharLength is n of varchar(n).
func varcharLength(t model.Type) (int, bool) {
	s, ok := strings.CutPrefix(string(t), "varchar(")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSuffix(s, ")"))
	return n, err == nil
}

// numericArgs is p and s of numeric(p,s).
func numericArgs(t model.Type) (p, s int, ok bool) {
	args, ok := strings.CutPrefix(string(t), "numeric(")
	if !ok {
		return 0, 0, false
	}
	ps, ss, ok := strings.Cut(strings.TrimSuffix(args, ")"), ",")
	if !ok {
		return 0, 0, false
	}
	p, err1 := strconv.Atoi(ps)
	s, err2 := strconv.Atoi(ss)
	return p, s, err1 == nil && err2 == nil
}
