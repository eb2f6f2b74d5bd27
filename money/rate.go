package money

import (
	"fmt"
	"math/big"
	"math/bits"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Rate is an exact rational interest rate (0.049 is 49/1000). Keeping it as
// a fraction lets periodic rates such as 4.9 %/12 stay exact, so interest
// amounts are rounded once, at the minor unit, and never through a
// truncated intermediate. Rates are comparable with == once normalised,
// which every constructor does.
type Rate struct {
	num, den int64
}

// MaxRateDecimals is the number of decimals ParseRate accepts (after
// converting a percentage to a fraction).
const MaxRateDecimals = 12

// NewRate returns num/den in lowest terms; den must be positive.
func NewRate(num, den int64) (Rate, error) {
	if den <= 0 {
		return Rate{}, fmt.Errorf("%w: denominator %d must be positive", ErrInvalidRate, den)
	}
	g := gcd(abs64(num), uint64(den))
	if g == 0 {
		g = 1
	}
	return Rate{num / int64(g), den / int64(g)}, nil
}

// MustRate is ParseRate for constants in tests and examples; it panics on error.
func MustRate(s string) Rate {
	r, err := ParseRate(s)
	if err != nil {
		panic(err)
	}
	return r
}

// ParseRate reads an annual (or any) rate written as a fraction "0.12" or a
// percentage "12%" / "12.5 %". At most MaxRateDecimals decimals of the
// fraction are accepted; exponents are rejected.
func ParseRate(s string) (Rate, error) {
	orig := s
	s = strings.TrimSpace(s)
	pct := strings.HasSuffix(s, "%")
	if pct {
		s = strings.TrimSpace(strings.TrimSuffix(s, "%"))
	}
	if s == "" || strings.ContainsAny(s, "eE_") {
		return Rate{}, fmt.Errorf("%w: %q is not a rate like 0.12 or 12%%", ErrInvalidRate, orig)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return Rate{}, fmt.Errorf("%w: %q is not a rate like 0.12 or 12%%", ErrInvalidRate, orig)
	}
	if pct {
		d = d.Shift(-2)
	}
	r, err := RateFromDecimal(d)
	if err != nil {
		return Rate{}, fmt.Errorf("%w (in %q)", err, orig)
	}
	return r, nil
}

// RateFromDecimal converts an exact decimal fraction (0.049) to a Rate.
func RateFromDecimal(d decimal.Decimal) (Rate, error) {
	if -d.Exponent() > MaxRateDecimals {
		if t := d.Truncate(MaxRateDecimals); !t.Equal(d) {
			return Rate{}, fmt.Errorf("%w: more than %d decimals", ErrInvalidRate, MaxRateDecimals)
		}
		d = d.Truncate(MaxRateDecimals)
	}
	if d.Abs().GreaterThan(decimal.New(1000, 0)) {
		return Rate{}, fmt.Errorf("%w: %s is beyond ±100000%%", ErrInvalidRate, d)
	}
	exp := d.Exponent()
	coef := d.Coefficient()
	if exp >= 0 {
		coef.Mul(coef, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(exp)), nil))
		return NewRate(coef.Int64(), 1)
	}
	return NewRate(coef.Int64(), pow10[-exp])
}

// Num returns the numerator in lowest terms.
func (r Rate) Num() int64 { return r.num }

// Den returns the denominator in lowest terms (1 for the zero Rate's normal form;
// 0 only for the uninitialised zero value).
func (r Rate) Den() int64 {
	if r.den == 0 {
		return 1
	}
	return r.den
}

func (r Rate) norm() Rate {
	if r.den == 0 {
		return Rate{0, 1}
	}
	return r
}

// IsZero reports whether the rate is zero.
func (r Rate) IsZero() bool { return r.num == 0 }

// IsNegative reports whether the rate is below zero.
func (r Rate) IsNegative() bool { return r.num < 0 }

// Cmp compares r and s exactly.
func (r Rate) Cmp(s Rate) int {
	r, s = r.norm(), s.norm()
	// Compare r.num*s.den with s.num*r.den in 128 bits.
	a := new(big.Int).Mul(big.NewInt(r.num), big.NewInt(s.den))
	b := new(big.Int).Mul(big.NewInt(s.num), big.NewInt(r.den))
	return a.Cmp(b)
}

// Mul returns r·n/d exactly, or an error if the result does not fit.
// It is how periodic rates are made: annual.Mul(1, 12) is the monthly rate.
func (r Rate) Mul(n, d int64) (Rate, error) {
	r = r.norm()
	if d == 0 {
		return Rate{}, fmt.Errorf("%w: %s × %d/0", ErrDivisionByZero, r, n)
	}
	if d < 0 {
		n, d = -n, -d
	}
	// Reduce crosswise first to keep the numbers small.
	g1 := int64(gcd(abs64(r.num), uint64(d)))
	if g1 == 0 {
		g1 = 1
	}
	g2 := int64(gcd(abs64(n), uint64(r.den)))
	if g2 == 0 {
		g2 = 1
	}
	num, ok1 := mul64(r.num/g1, n/g2)
	den, ok2 := mul64(r.den/g2, d/g1)
	if !ok1 || !ok2 {
		return Rate{}, fmt.Errorf("%w: %s × %d/%d overflows", ErrInvalidRate, r, n, d)
	}
	return NewRate(num, den)
}

// Add returns r+s exactly.
func (r Rate) Add(s Rate) (Rate, error) {
	r, s = r.norm(), s.norm()
	a, ok1 := mul64(r.num, s.den)
	b, ok2 := mul64(s.num, r.den)
	d, ok3 := mul64(r.den, s.den)
	if !ok1 || !ok2 || !ok3 || (a > 0 && b > 1<<63-1-a) || (a < 0 && b < -1<<63-a) {
		return Rate{}, fmt.Errorf("%w: %s + %s overflows", ErrInvalidRate, r, s)
	}
	return NewRate(a+b, d)
}

// PerPeriod returns the periodic rate for periodsPerYear equal periods
// (12 for monthly): the nominal annual rate divided by the count.
func (r Rate) PerPeriod(periodsPerYear int) (Rate, error) {
	if periodsPerYear <= 0 {
		return Rate{}, fmt.Errorf("%w: %d periods a year", ErrInvalidRate, periodsPerYear)
	}
	return r.Mul(1, int64(periodsPerYear))
}

// Decimal returns the rate as a decimal rounded half-up to places decimals
// (exact when the fraction terminates within them).
func (r Rate) Decimal(places int32) decimal.Decimal {
	r = r.norm()
	return decimal.New(r.num, 0).DivRound(decimal.New(r.den, 0), places)
}

// String returns the rate as a decimal fraction ("0.049") when it terminates
// within MaxRateDecimals (12) decimals, else as "num/den".
func (r Rate) String() string {
	r = r.norm()
	d := r.Decimal(18)
	if back, err := RateFromDecimal(d); err == nil && back == r {
		return d.String()
	}
	return fmt.Sprintf("%d/%d", r.num, r.den)
}

// Percent returns the rate as a percentage text with up to places decimals
// and trailing zeros removed ("12%", "4.9%").
func (r Rate) Percent(places int32) string {
	return r.Decimal(places+2).Shift(2).String() + "%"
}

// MarshalText encodes the rate as String does.
func (r Rate) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText accepts "0.12", "12%" or "num/den".
func (r *Rate) UnmarshalText(b []byte) error {
	s := string(b)
	if n, d, ok := strings.Cut(s, "/"); ok {
		// Exactly two base-10 integers: no hex, underscores, trailing text
		// or third part.
		num, err1 := strconv.ParseInt(n, 10, 64)
		den, err2 := strconv.ParseInt(d, 10, 64)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("%w: %q is not num/den", ErrInvalidRate, s)
		}
		v, err := NewRate(num, den)
		if err != nil {
			return err
		}
		*r = v
		return nil
	}
	v, err := ParseRate(s)
	if err != nil {
		return err
	}
	*r = v
	return nil
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func mul64(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(abs64(a), abs64(b))
	if hi != 0 || lo > 1<<63-1 {
		return 0, false
	}
	if (a < 0) != (b < 0) {
		return -int64(lo), true
	}
	return int64(lo), true
}
