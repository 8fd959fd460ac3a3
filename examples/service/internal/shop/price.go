package shop

import (
	"encoding/json"
	"math/big"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aquila-go/aquila/api"
)

// Prices are numeric(12,2): at most 10 digits before the point and 2
// after it.
const (
	priceScale     = 2
	priceIntDigits = 10
)

// parsePrice turns a JSON number into a price. It refuses what the column
// would change silently: numeric(12,2) rounds 9.999 to 10.00, so a third
// decimal is an error here rather than a different price in the database.
func parsePrice(field string, n json.Number) (pgtype.Numeric, error) {
	var p pgtype.Numeric
	if n == "" {
		return p, api.Errorf(api.CodeInvalid, field, "is required")
	}
	if err := p.ScanScientific(string(n)); err != nil || !p.Valid || p.NaN || p.InfinityModifier != pgtype.Finite {
		return pgtype.Numeric{}, api.Errorf(api.CodeInvalid, field, "must be a decimal number")
	}
	if p.Int.Sign() < 0 {
		return pgtype.Numeric{}, api.Errorf(api.CodeInvalid, field, "must not be negative")
	}
	normalize(&p)
	if p.Exp < -priceScale {
		return pgtype.Numeric{}, api.Errorf(api.CodeInvalid, field, "must have at most %d decimal places", priceScale)
	}
	digits := len(p.Int.String()) + int(p.Exp)
	if p.Int.Sign() != 0 && digits > priceIntDigits {
		return pgtype.Numeric{}, api.Errorf(api.CodeInvalid, field, "must be below 10^%d", priceIntDigits)
	}
	return p, nil
}

// normalize drops trailing zeros of the coefficient: 12.50 is 1250e-2
// and becomes 125e-1, so that the exponent tells the real scale.
func normalize(p *pgtype.Numeric) {
	if p.Int.Sign() == 0 {
		p.Exp = 0
		return
	}
	ten := big.NewInt(10)
	q, r := new(big.Int), new(big.Int)
	for {
		q.QuoRem(p.Int, ten, r)
		if r.Sign() != 0 {
			return
		}
		p.Int.Set(q)
		p.Exp++
	}
}
