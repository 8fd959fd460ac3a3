package query

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"math"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// Cursor format: base64url (no padding) of
//
//	version (1 byte) | order fingerprint (8) | values | HMAC-SHA256 (first 16)
//
// The fingerprint hashes the table name and the resolved order (columns,
// directions, NULLS placement), so a cursor is rejected by another table
// or another order. Values are typed by the order columns' classes. The MAC
// covers everything before it; without the key a client can neither read
// a meaningful structure into a cursor nor forge one.
const (
	cursorVersion = 1
	cursorMACLen  = 16
	maxCursorLen  = 1024 // characters of a token
)

// fingerprint hashes the table and the resolved order (FNV-1a, 64 bits).
func fingerprint(t *tableMeta, ord []orderItem) uint64 {
	const (
		offset  = 14695981039346656037
		prime   = 1099511628211
		nameEnd = 0xff // ends each name: no byte of UTF-8 text is 0xff
	)
	h := uint64(offset)
	mix := func(s string) {
		for i := 0; i < len(s); i++ {
			h = (h ^ uint64(s[i])) * prime
		}
		h = (h ^ nameEnd) * prime
	}
	mix(t.name)
	for _, o := range ord {
		mix(t.cols[o.col].name)
		h = (h ^ uint64(o.nulls)<<1 ^ boolByte(o.desc)) * prime
	}
	return h
}

func boolByte(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// encodeCursor signs a cursor for the row whose field pointers are fields
// (positions in the table's selection).
func (q *Query[T]) encodeCursor(ord []orderItem, fields []any) (string, error) {
	t := q.t
	keys := t.s.keys
	if len(keys) == 0 {
		return "", &Error{Table: t.m.name, Err: ErrNoCursorKey}
	}
	buf := make([]byte, 0, 64)
	buf = append(buf, cursorVersion)
	buf = binary.BigEndian.AppendUint64(buf, fingerprint(t.m, ord))
	for _, o := range ord {
		p := t.pos[o.col]
		var ok bool
		if buf, ok = appendCursorValue(buf, fields[p], t.m.cols[o.col].class); !ok {
			return "", &Error{Table: t.m.name, Column: t.m.cols[o.col].name, Err: ErrNotCursorable}
		}
	}
	mac := hmac.New(sha256.New, keys[0])
	mac.Write(buf)
	buf = mac.Sum(buf)[:len(buf)+cursorMACLen]
	return base64.RawURLEncoding.EncodeToString(buf), nil
}

// decodeCursor verifies q.after against the order ord and stores its
// values in q.cursor.
func (q *Query[T]) decodeCursor(ord []orderItem) error {
	if q.cursor != nil {
		return nil
	}
	t := q.t
	if len(t.key) == 0 {
		return &Error{Table: t.m.name, Err: ErrNoKey}
	}
	if err := t.cursorOrder(ord); err != nil {
		return err
	}
	vals, err := decodeCursor(t.s.keys, q.after, t.m, ord)
	if err != nil {
		return err
	}
	q.cursor = vals
	return nil
}

// decodeCursor checks token's MAC with every key, its version and
// fingerprint, and decodes one value per order item. Every failure is
// ErrCursor: a client learns nothing about why.
func decodeCursor(keys [][]byte, token string, t *tableMeta, ord []orderItem) ([]any, error) {
	bad := &Error{Table: t.name, Err: ErrCursor}
	if len(token) > maxCursorLen {
		return nil, bad
	}
	for i := 0; i < len(token); i++ { // the decoder would skip \r and \n
		if c := token[i]; !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return nil, bad
		}
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(raw) < 1+8+cursorMACLen {
		return nil, bad
	}
	body, sum := raw[:len(raw)-cursorMACLen], raw[len(raw)-cursorMACLen:]
	valid := false
	for _, k := range keys {
		mac := hmac.New(sha256.New, k)
		mac.Write(body)
		if hmac.Equal(mac.Sum(nil)[:cursorMACLen], sum) {
			valid = true
			break
		}
	}
	if !valid {
		return nil, bad
	}
	vals, ok := parseCursorBody(body, t, ord)
	if !ok {
		return nil, bad
	}
	return vals, nil
}

// parseCursorBody reads the version, fingerprint and values of a cursor
// whose MAC has been verified.
func parseCursorBody(body []byte, t *tableMeta, ord []orderItem) ([]any, bool) {
	if len(body) < 9 || body[0] != cursorVersion || binary.BigEndian.Uint64(body[1:9]) != fingerprint(t, ord) {
		return nil, false
	}
	rest := body[9:]
	vals := make([]any, 0, len(ord))
	for _, o := range ord {
		var v any
		var ok bool
		if v, rest, ok = readCursorValue(rest, t.cols[o.col].class); !ok {
			return nil, false
		}
		vals = append(vals, v)
	}
	return vals, len(rest) == 0
}

// appendCursorValue encodes the value that field (a pointer into a row)
// points at, for a column of class c. It reports false for a field type
// or class that cursors do not support.
func appendCursorValue(b []byte, field any, c class) ([]byte, bool) {
	switch c {
	case classInt16, classInt32, classInt64:
		var v int64
		switch p := field.(type) {
		case *int64:
			v = *p
		case *int32:
			v = int64(*p)
		case *int16:
			v = int64(*p)
		case *int:
			v = int64(*p)
		case *pgtype.Int8:
			v = p.Int64
		case *pgtype.Int4:
			v = int64(p.Int32)
		case *pgtype.Int2:
			v = int64(p.Int16)
		default:
			return b, false
		}
		return binary.AppendVarint(b, v), true
	case classFloat:
		var v float64
		switch p := field.(type) {
		case *float64:
			v = *p
		case *float32:
			v = float64(*p)
		default:
			return b, false
		}
		return binary.BigEndian.AppendUint64(b, math.Float64bits(v)), true
	case classText:
		var v string
		switch p := field.(type) {
		case *string:
			v = *p
		case *pgtype.Text:
			v = p.String
		default:
			return b, false
		}
		b = binary.AppendUvarint(b, uint64(len(v)))
		return append(b, v...), true
	case classBool:
		p, ok := field.(*bool)
		if !ok {
			return b, false
		}
		if *p {
			return append(b, 1), true
		}
		return append(b, 0), true
	case classDate, classTimestamp, classTimestampTZ:
		var v time.Time
		switch p := field.(type) {
		case *time.Time:
			v = *p
		case *pgtype.Date:
			if p.InfinityModifier != pgtype.Finite {
				return b, false
			}
			v = p.Time
		case *pgtype.Timestamp:
			if p.InfinityModifier != pgtype.Finite {
				return b, false
			}
			v = p.Time
		case *pgtype.Timestamptz:
			if p.InfinityModifier != pgtype.Finite {
				return b, false
			}
			v = p.Time
		default:
			return b, false
		}
		if c == classTimestamp || c == classDate {
			// Keep the wall clock: pgx sends these types' wall clock.
			v = time.Date(v.Year(), v.Month(), v.Day(), v.Hour(), v.Minute(), v.Second(), v.Nanosecond(), time.UTC)
		}
		b = binary.AppendVarint(b, v.Unix())
		return binary.AppendUvarint(b, uint64(v.Nanosecond())), true
	case classUUID:
		switch p := field.(type) {
		case *[16]byte:
			return append(b, p[:]...), true
		case *pgtype.UUID:
			return append(b, p.Bytes[:]...), true
		}
	}
	return b, false
}

// readCursorValue decodes one value of class c: int64, float64, string,
// bool, time.Time (UTC) or [16]byte, as pgx sends them for the column.
func readCursorValue(b []byte, c class) (any, []byte, bool) {
	switch c {
	case classInt16, classInt32, classInt64:
		v, n := binary.Varint(b)
		if n <= 0 {
			return nil, b, false
		}
		lim := int64(math.MaxInt64)
		switch c {
		case classInt16:
			lim = math.MaxInt16
		case classInt32:
			lim = math.MaxInt32
		}
		if v > lim || v < -lim-1 {
			return nil, b, false
		}
		return v, b[n:], true
	case classFloat:
		if len(b) < 8 {
			return nil, b, false
		}
		return math.Float64frombits(binary.BigEndian.Uint64(b)), b[8:], true
	case classText:
		l, n := binary.Uvarint(b)
		if n <= 0 || l > uint64(len(b)-n) {
			return nil, b, false
		}
		return string(b[n : n+int(l)]), b[n+int(l):], true
	case classBool:
		if len(b) < 1 || b[0] > 1 {
			return nil, b, false
		}
		return b[0] == 1, b[1:], true
	case classDate, classTimestamp, classTimestampTZ:
		sec, n := binary.Varint(b)
		if n <= 0 {
			return nil, b, false
		}
		nsec, m := binary.Uvarint(b[n:])
		if m <= 0 || nsec >= 1e9 {
			return nil, b, false
		}
		return time.Unix(sec, int64(nsec)).UTC(), b[n+m:], true
	case classUUID:
		if len(b) < 16 {
			return nil, b, false
		}
		var u [16]byte
		copy(u[:], b)
		return u, b[16:], true
	}
	return nil, b, false
}
