package model

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"
)

// numeric's binary sign words: PostgreSQL's NUMERIC_POS, NUMERIC_NEG,
// NUMERIC_NAN, NUMERIC_PINF and NUMERIC_NINF.
const (
	numericPos  = 0x0000
	numericNeg  = 0x4000
	numericNaN  = 0xC000
	numericPInf = 0xD000
	numericNInf = 0xF000
)

// isNumeric reports whether t is numeric(p,s).
func isNumeric(t Type) bool { return strings.HasPrefix(string(t), "numeric(") && !t.IsArray() }

// numericEnc writes a pgtype.Numeric to a numeric column. A value whose
// integer part fits in 64 bits is encoded without allocating; a larger
// one goes through big.Int's decimal text.
func numericEnc(t Type) func([]byte, pgtype.Numeric) []byte {
	if !isNumeric(t) {
		return nil
	}
	return appendNumeric
}

func appendNumeric(b []byte, n pgtype.Numeric) []byte {
	switch {
	case !n.Valid:
		return appendNull(b)
	case n.NaN:
		return appendNumericSpecial(b, numericNaN)
	case n.InfinityModifier == pgtype.Infinity:
		return appendNumericSpecial(b, numericPInf)
	case n.InfinityModifier == pgtype.NegativeInfinity:
		return appendNumericSpecial(b, numericNInf)
	}
	var scratch [20]byte
	digits, neg := scratch[:1], false
	digits[0] = '0'
	if x := n.Int; x != nil {
		switch {
		case x.IsInt64():
			v := x.Int64()
			neg = v < 0
			u := uint64(v)
			if neg {
				u = -u
			}
			digits = strconv.AppendUint(scratch[:0], u, 10)
		case x.IsUint64():
			digits = strconv.AppendUint(scratch[:0], x.Uint64(), 10)
		default:
			neg = x.Sign() < 0
			digits = x.Append(scratch[:0], 10)
			if neg {
				digits = digits[1:]
			}
		}
	}
	return appendDecimal(b, digits, int(n.Exp), neg)
}

func appendNumericSpecial(b []byte, sign uint16) []byte {
	b = append(b, 0, 0, 0, 8, 0, 0, 0, 0)
	b = binary.BigEndian.AppendUint16(b, sign)
	return append(b, 0, 0)
}

// appendDecimal writes the numeric digits × 10^exp (digits is ASCII
// decimal, most significant first) in numeric's binary format: base-10000
// digits aligned on the decimal point, the weight of the first one, the
// sign and the display scale (-exp, or 0). Leading and trailing zero
// groups are dropped, as PostgreSQL stores them.
func appendDecimal(b []byte, digits []byte, exp int, neg bool) []byte {
	n := len(digits)
	point := n + exp              // digits before the decimal point; may be ≤ 0 or > n
	lead := ((point % 4) + 4) % 4 // zeros before the first digit so that groups align
	if lead != 0 {
		lead = 4 - lead
	}
	start := len(b)
	b = append(b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) // length, ndigits, weight, sign, dscale
	weight := (point+lead)/4 - 1                      // point+lead is a multiple of 4
	ndigits, last := 0, len(b)
	end := max(n, point) // digits beyond n up to the point are zeros
	for i := -lead; i < end; i += 4 {
		g := 0
		for j := i; j < i+4; j++ {
			g *= 10
			if j >= 0 && j < n {
				g += int(digits[j] - '0')
			}
		}
		if ndigits == 0 && g == 0 {
			weight-- // a leading zero group
			continue
		}
		b = binary.BigEndian.AppendUint16(b, uint16(g))
		ndigits++
		if g != 0 {
			last = len(b)
		}
	}
	ndigits -= (len(b) - last) / 2 // trailing zero groups
	b = b[:last]
	dscale := max(0, -exp)
	sign := uint16(numericPos)
	switch {
	case ndigits == 0:
		weight = 0
	case neg:
		sign = numericNeg
	}
	if dscale > 0x3FFF || weight > math.MaxInt16 || weight < math.MinInt16 || ndigits > math.MaxUint16 {
		// Out of numeric's range: send something the server rejects
		// rather than a different number.
		dscale = 0xFFFF
	}
	binary.BigEndian.PutUint32(b[start:], uint32(len(b)-start-4))
	binary.BigEndian.PutUint16(b[start+4:], uint16(ndigits))
	binary.BigEndian.PutUint16(b[start+6:], uint16(int16(weight)))
	binary.BigEndian.PutUint16(b[start+8:], sign)
	binary.BigEndian.PutUint16(b[start+10:], uint16(dscale))
	return b
}
