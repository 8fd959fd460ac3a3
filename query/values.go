package query

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgtype"
)

// maxValueLen bounds one URL value (before splitting a list).
const maxValueLen = 1024

// parseValue turns a URL value into the Go value pgx sends for a column of
// class c, or returns a detail for the ParamError.
func parseValue(s string, c class) (any, string) {
	switch c {
	case classInt16:
		n, err := strconv.ParseInt(s, 10, 16)
		if err != nil {
			return nil, "want " + KindInt16.Format()
		}
		return n, ""
	case classInt32:
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return nil, "want " + KindInt32.Format()
		}
		return n, ""
	case classInt64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, "want " + KindInt64.Format()
		}
		return n, ""
	case classFloat:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, "want " + KindFloat.Format()
		}
		return f, ""
	case classNumeric:
		if !decimal(s) {
			return nil, "want " + KindDecimal.Format()
		}
		var n pgtype.Numeric
		if err := n.Scan(s); err != nil {
			return nil, "want " + KindDecimal.Format()
		}
		return n, ""
	case classText:
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return nil, "want " + KindText.Format()
		}
		return s, ""
	case classBool:
		switch s {
		case "true", "1":
			return true, ""
		case "false", "0":
			return false, ""
		}
		return nil, "want " + KindBool.Format()
	case classDate:
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return nil, "want " + KindDate.Format()
		}
		return t, ""
	case classTimestamp, classTimestampTZ:
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			if c == classTimestamp {
				t = t.UTC()
			}
			return t, ""
		}
		if t, err := time.Parse(time.DateOnly, s); err == nil {
			return t, ""
		}
		return nil, "want " + KindTimestamp.Format()
	case classUUID:
		u, ok := parseUUID(s)
		if !ok {
			return nil, "want " + KindUUID.Format()
		}
		return u, ""
	}
	return nil, "column cannot be filtered by value"
}

// decimal reports whether s is [+-]digits[.digits][e[+-]digits] with at
// least one digit before the exponent and at most 64 digits in all.
func decimal(s string) bool {
	i, digits := 0, 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 || digits > 64 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, exp = i+1, exp+1
		}
		if exp == 0 || exp > 4 {
			return false
		}
	}
	return i == len(s)
}

// parseUUID accepts the canonical 8-4-4-4-12 hex form.
func parseUUID(s string) ([16]byte, bool) {
	var u [16]byte
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, false
	}
	j := 0
	for i := 0; i < 36; {
		if s[i] == '-' {
			i++
			continue
		}
		hi, ok1 := unhex(s[i])
		lo, ok2 := unhex(s[i+1])
		if !ok1 || !ok2 {
			return u, false
		}
		u[j] = hi<<4 | lo
		j++
		i += 2
	}
	return u, true
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// parseList parses a comma-separated list into the typed slice pgx sends
// as an array parameter of the column's type.
func parseList(s string, c class, max int) (any, string) {
	parts := strings.Split(s, ",")
	if len(parts) > max {
		return nil, "at most " + strconv.Itoa(max) + " values"
	}
	switch c {
	case classInt16, classInt32, classInt64:
		return parseEach[int64](parts, c)
	case classFloat:
		return parseEach[float64](parts, c)
	case classText:
		for _, p := range parts {
			if _, d := parseValue(p, c); d != "" {
				return nil, d
			}
		}
		return parts, ""
	case classDate, classTimestamp, classTimestampTZ:
		return parseEach[time.Time](parts, c)
	case classUUID:
		return parseEach[[16]byte](parts, c)
	}
	return nil, "column cannot be filtered by a list"
}

// parseEach parses each part as a value of class c, whose parseValue
// result is a V, into a []V.
func parseEach[V any](parts []string, c class) (any, string) {
	out := make([]V, len(parts))
	for i, p := range parts {
		v, d := parseValue(p, c)
		if d != "" {
			return nil, d
		}
		out[i] = v.(V)
	}
	return out, ""
}
