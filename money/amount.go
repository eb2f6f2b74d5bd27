package money

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// MaxMinor bounds the magnitude of an Amount in minor units (10¹⁵: ten
// trillion yuan). Parsing and arithmetic that construct amounts from outside
// input reject larger values, so sums over millions of loans cannot overflow
// int64.
const MaxMinor = 1_000_000_000_000_000

// Amount is an exact sum of money: an integer count of the currency's minor
// units (fen for CNY, cents for USD, yen for JPY). It is a small comparable
// value: == compares amount and currency, and arithmetic never allocates.
//
// The zero Amount has no currency; it acts as zero of any currency in Add
// and Sub, so a zero-valued field can accumulate. Convert to and from
// decimal.Decimal at the edge with Decimal and FromDecimal.
type Amount struct {
	minor int64
	cur   Currency
}

// New returns minor units of c: New(12345, CNY) is 123.45 yuan.
func New(minor int64, c Currency) Amount { return Amount{minor, c} }

// Zero returns the zero amount of c.
func Zero(c Currency) Amount { return Amount{0, c} }

// Minor returns the amount in minor units.
func (a Amount) Minor() int64 { return a.minor }

// Currency returns the amount's currency (the zero Currency for the zero Amount).
func (a Amount) Currency() Currency { return a.cur }

// IsZero reports whether the amount is zero.
func (a Amount) IsZero() bool { return a.minor == 0 }

// IsPositive reports whether the amount is greater than zero.
func (a Amount) IsPositive() bool { return a.minor > 0 }

// IsNegative reports whether the amount is less than zero.
func (a Amount) IsNegative() bool { return a.minor < 0 }

// Sign returns -1, 0 or +1.
func (a Amount) Sign() int {
	switch {
	case a.minor < 0:
		return -1
	case a.minor > 0:
		return 1
	}
	return 0
}

// with returns the currency of a result combining a and b. The common case
// is kept small enough to inline, so Add and Sub cost an integer addition.
func (a Amount) with(b Amount) Currency {
	if a.cur == b.cur {
		return a.cur
	}
	return a.unlike(b)
}

// unlike is with's rare path: one side is the currency-less zero, or the
// currencies differ.
func (a Amount) unlike(b Amount) Currency {
	switch {
	case a.cur.IsZero() && a.minor == 0:
		return b.cur
	case b.cur.IsZero() && b.minor == 0:
		return a.cur
	}
	// Currencies are validated where amounts enter the library (parsing,
	// loan terms, policies); reaching this line is a bug in the caller.
	panic(fmt.Sprintf("money: %s and %s mixed in one operation", a.cur, b.cur))
}

// SameCurrency reports whether a and b can be combined: equal currencies, or
// one side is the currency-less zero Amount.
func (a Amount) SameCurrency(b Amount) bool {
	return a.cur == b.cur || (a.cur.IsZero() && a.minor == 0) || (b.cur.IsZero() && b.minor == 0)
}

// Add returns a+b. Mixing two different currencies is a programming error and
// panics; check with SameCurrency where the currencies come from input.
func (a Amount) Add(b Amount) Amount {
	if a.cur != b.cur {
		a.cur = a.unlike(b)
	}
	a.minor += b.minor
	return a
}

// Sub returns a−b, with the same currency rule as Add.
func (a Amount) Sub(b Amount) Amount {
	if a.cur != b.cur {
		a.cur = a.unlike(b)
	}
	a.minor -= b.minor
	return a
}

// Neg returns −a.
func (a Amount) Neg() Amount { return Amount{-a.minor, a.cur} }

// Abs returns |a|.
func (a Amount) Abs() Amount {
	if a.minor < 0 {
		return a.Neg()
	}
	return a
}

// MulInt returns a·n. It does not check the range: a product beyond
// ±MaxMinor is returned as is, and one beyond int64 wraps around silently.
// Use MulFrac(n, 1, m) where n or a comes from input.
func (a Amount) MulInt(n int64) Amount { return Amount{a.minor * n, a.cur} }

// Cmp compares a and b: -1 if a < b, 0 if equal, +1 if a > b.
func (a Amount) Cmp(b Amount) int {
	if a.cur != b.cur {
		a.unlike(b)
	}
	switch {
	case a.minor < b.minor:
		return -1
	case a.minor > b.minor:
		return 1
	}
	return 0
}

// Less reports whether a < b.
func (a Amount) Less(b Amount) bool {
	if a.cur != b.cur {
		a.unlike(b)
	}
	return a.minor < b.minor
}

// Min returns the smaller of a and b.
func Min(a, b Amount) Amount {
	if b.Less(a) {
		return b
	}
	return a
}

// Max returns the larger of a and b.
func Max(a, b Amount) Amount {
	if a.Less(b) {
		return b
	}
	return a
}

// MulRate returns a·r rounded to the minor unit with mode m. The product is
// computed exactly in 128 bits, so the only rounding is the one named. A
// result beyond ±MaxMinor is ErrOutOfRange; an unknown mode is
// ErrInvalidRounding.
func (a Amount) MulRate(r Rate, m RoundingMode) (Amount, error) {
	if err := checkMode(m); err != nil {
		return Amount{}, err
	}
	if r.den <= 0 {
		return Amount{}, fmt.Errorf("%w: zero rate denominator", ErrInvalidRate)
	}
	q, ok := mulDivRound(a.minor, r.num, uint64(r.den), m)
	if !ok || q > MaxMinor || q < -MaxMinor {
		return Amount{}, fmt.Errorf("%w: %s × %s", ErrOutOfRange, a, r)
	}
	return Amount{q, a.cur}, nil
}

// MulFrac returns a·n/d rounded to the minor unit with mode m; d must be
// positive (else ErrDivisionByZero). A result beyond ±MaxMinor is
// ErrOutOfRange; an unknown mode is ErrInvalidRounding.
func (a Amount) MulFrac(n, d int64, m RoundingMode) (Amount, error) {
	if err := checkMode(m); err != nil {
		return Amount{}, err
	}
	if d <= 0 {
		return Amount{}, fmt.Errorf("%w: %s × %d/%d", ErrDivisionByZero, a, n, d)
	}
	q, ok := mulDivRound(a.minor, n, uint64(d), m)
	if !ok || q > MaxMinor || q < -MaxMinor {
		return Amount{}, fmt.Errorf("%w: %s × %d/%d", ErrOutOfRange, a, n, d)
	}
	return Amount{q, a.cur}, nil
}

// Round rounds a to r.Scale decimals (a no-op when r keeps at least the
// currency's decimals), e.g. to whole yuan with Scale 0. It has no error
// result: a mode that is not Valid truncates, like Down.
func (a Amount) Round(r Rounding) Amount {
	places := int32(a.cur.scale()) - r.Scale
	if places <= 0 {
		return a
	}
	if int(places) >= len(pow10) {
		return Amount{0, a.cur}
	}
	step := pow10[places]
	q, _ := divRound(0, abs64(a.minor), uint64(step), a.minor < 0, r.Mode)
	v := int64(q) * step
	if a.minor < 0 {
		v = -v
	}
	return Amount{v, a.cur}
}

// RoundToMultiple rounds a to a multiple of step (a positive amount in the
// same currency) with mode m: RoundToMultiple(New(100,CNY)) gives whole yuan.
// An unknown mode is ErrInvalidRounding.
func (a Amount) RoundToMultiple(step Amount, m RoundingMode) (Amount, error) {
	if err := checkMode(m); err != nil {
		return Amount{}, err
	}
	if !step.IsPositive() {
		return Amount{}, fmt.Errorf("%w: rounding step %s must be positive", ErrInvalidRounding, step)
	}
	if !a.SameCurrency(step) {
		return Amount{}, fmt.Errorf("%w: %s and step %s", ErrCurrencyMismatch, a, step)
	}
	q, _ := divRound(0, abs64(a.minor), uint64(step.minor), a.minor < 0, m)
	v := int64(q) * step.minor
	if a.minor < 0 {
		v = -v
	}
	return Amount{v, a.with(step)}, nil
}

// Decimal returns the amount as a decimal in major units (123.45).
func (a Amount) Decimal() decimal.Decimal { return decimal.New(a.minor, -int32(a.cur.scale())) }

// FromDecimal converts d to an amount of c exactly: a value with more
// decimals than c allows returns ErrTooManyDecimals.
func FromDecimal(d decimal.Decimal, c Currency) (Amount, error) {
	if c.IsZero() {
		return Amount{}, fmt.Errorf("%w: zero currency", ErrInvalidCurrency)
	}
	r := d.Round(int32(c.scale()))
	if !r.Equal(d) {
		return Amount{}, fmt.Errorf("%w: %s has more than %d decimals for %s", ErrTooManyDecimals, d, c.scale(), c)
	}
	return fromRounded(r, c)
}

// RoundDecimal converts d to an amount of c, rounding to the minor unit with
// m; an unknown mode is ErrInvalidRounding.
func RoundDecimal(d decimal.Decimal, c Currency, m RoundingMode) (Amount, error) {
	if err := checkMode(m); err != nil {
		return Amount{}, err
	}
	if c.IsZero() {
		return Amount{}, fmt.Errorf("%w: zero currency", ErrInvalidCurrency)
	}
	return fromRounded(MinorUnit(c, m).Decimal(d), c)
}

var maxDec = decimal.New(MaxMinor, 0)

func fromRounded(d decimal.Decimal, c Currency) (Amount, error) {
	m := d.Shift(int32(c.scale()))
	if m.Abs().GreaterThan(maxDec) {
		return Amount{}, fmt.Errorf("%w: %s exceeds %d minor units", ErrOutOfRange, d, int64(MaxMinor))
	}
	return Amount{m.IntPart(), c}, nil
}

// Parse reads a decimal amount of c such as "1234.56", "-0.5" or "1,234.56".
// Commas are accepted only as thousands separators in the integer part
// (1–3 digits before the first, exactly 3 after each): "12,3" and "1,,2"
// are ErrInvalidAmount. It rejects exponents, more
// decimals than c allows, and magnitudes above MaxMinor.
func Parse(s string, c Currency) (Amount, error) {
	if c.IsZero() {
		return Amount{}, fmt.Errorf("%w: zero currency", ErrInvalidCurrency)
	}
	orig := s
	s = strings.TrimSpace(s)
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return Amount{}, fmt.Errorf("%w: %q is empty", ErrInvalidAmount, orig)
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" && frac == "" || hasDot && frac == "" {
		return Amount{}, fmt.Errorf("%w: %q is not a number", ErrInvalidAmount, orig)
	}
	if strings.Contains(intPart, ",") {
		if !thousandsGrouped(intPart) {
			return Amount{}, fmt.Errorf("%w: %q has misplaced thousands separators", ErrInvalidAmount, orig)
		}
		intPart = strings.ReplaceAll(intPart, ",", "")
	}
	var v int64
	digits := 0
	for i := 0; i < len(intPart); i++ {
		ch := intPart[i]
		if ch < '0' || ch > '9' {
			return Amount{}, fmt.Errorf("%w: %q is not a number", ErrInvalidAmount, orig)
		}
		digits++
		if digits > 18 {
			return Amount{}, fmt.Errorf("%w: %q", ErrOutOfRange, orig)
		}
		v = v*10 + int64(ch-'0')
	}
	for i := 0; i < len(frac); i++ {
		if frac[i] < '0' || frac[i] > '9' {
			return Amount{}, fmt.Errorf("%w: %q is not a number", ErrInvalidAmount, orig)
		}
	}
	if len(frac) > int(c.scale()) {
		// Trailing zeros beyond the scale are harmless ("1.500" CNY).
		extra := frac[c.scale():]
		if strings.Trim(extra, "0") != "" {
			return Amount{}, fmt.Errorf("%w: %q has more than %d decimals for %s", ErrTooManyDecimals, orig, c.scale(), c)
		}
		frac = frac[:c.scale()]
	}
	for i := 0; i < int(c.scale()); i++ {
		d := int64(0)
		if i < len(frac) {
			d = int64(frac[i] - '0')
		}
		if v > (MaxMinor-d)/10 {
			return Amount{}, fmt.Errorf("%w: %q exceeds %d minor units", ErrOutOfRange, orig, int64(MaxMinor))
		}
		v = v*10 + d
	}
	if v > MaxMinor {
		return Amount{}, fmt.Errorf("%w: %q exceeds %d minor units", ErrOutOfRange, orig, int64(MaxMinor))
	}
	if neg {
		v = -v
	}
	return Amount{v, c}, nil
}

// thousandsGrouped reports whether s (the integer part, containing a comma)
// is digit groups separated by commas: 1–3 digits, then groups of exactly 3.
// The digits themselves are checked by Parse.
func thousandsGrouped(s string) bool {
	first, rest, _ := strings.Cut(s, ",")
	if len(first) < 1 || len(first) > 3 {
		return false
	}
	for {
		group, more, ok := strings.Cut(rest, ",")
		if len(group) != 3 {
			return false
		}
		if !ok {
			return true
		}
		rest = more
	}
}

// MustParse is Parse for constants in tests and examples; it panics on error.
func MustParse(s string, c Currency) Amount {
	a, err := Parse(s, c)
	if err != nil {
		panic(err)
	}
	return a
}

// Number returns the amount as plain decimal text with the currency's
// decimals ("1234.50", "-0.05", "100" for JPY).
func (a Amount) Number() string {
	var buf [32]byte
	return string(a.appendNumber(buf[:0]))
}

func (a Amount) appendNumber(b []byte) []byte {
	u := abs64(a.minor)
	if a.minor < 0 {
		b = append(b, '-')
	}
	sc := int(a.cur.scale())
	if sc == 0 {
		return strconv.AppendUint(b, u, 10)
	}
	p := uint64(pow10[sc])
	b = strconv.AppendUint(b, u/p, 10)
	b = append(b, '.')
	f := strconv.AppendUint(nil, u%p, 10)
	for i := len(f); i < sc; i++ {
		b = append(b, '0')
	}
	return append(b, f...)
}

// String returns "CNY 1234.50"; the zero Amount prints as "0".
func (a Amount) String() string {
	if a.cur.IsZero() {
		return a.Number()
	}
	return a.cur.Code() + " " + a.Number()
}

// MarshalText encodes the amount as "CNY 1234.50", so JSON holds it as a
// string that no reader turns into a float (a currency outside the ISO 4217
// table is written with its scale: "XTS/4 1.2345"). The zero Amount encodes
// as "0".
func (a Amount) MarshalText() ([]byte, error) {
	return a.appendText(make([]byte, 0, 24)), nil
}

// AppendJSON appends the amount's JSON form (the quoted MarshalText form)
// to b, for encoders that build documents without reflection.
func (a Amount) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, '"')
	b = a.appendText(b)
	return append(b, '"'), nil
}

func (a Amount) appendText(b []byte) []byte {
	if !a.cur.IsZero() {
		b = append(a.cur.appendText(b), ' ')
	}
	return a.appendNumber(b)
}

// UnmarshalJSON decodes "CNY 1234.50" (or "0" for the zero Amount).
func (a *Amount) UnmarshalJSON(b []byte) error {
	s, err := strconv.Unquote(string(bytes.TrimSpace(b)))
	if err != nil {
		return fmt.Errorf("%w: %s is not a JSON string", ErrInvalidAmount, b)
	}
	v, err := ParseWithCode(s)
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// ParseWithCode reads "CNY 1234.50" (the String form); a bare number is only
// accepted when it is zero, which gives the zero Amount.
func ParseWithCode(s string) (Amount, error) {
	code, num, ok := strings.Cut(strings.TrimSpace(s), " ")
	if !ok {
		if z, err := Parse(s, CNY); err == nil && z.IsZero() {
			return Amount{}, nil
		}
		return Amount{}, fmt.Errorf("%w: %q needs a currency code, as in \"CNY 10.00\"", ErrInvalidAmount, s)
	}
	var c Currency
	if err := c.UnmarshalText([]byte(code)); err != nil {
		return Amount{}, err
	}
	return Parse(num, c)
}

// Sum returns the sum of as; the result takes the currency of the first
// non-zero-currency part.
func Sum(as ...Amount) Amount {
	var t Amount
	for _, a := range as {
		t = t.Add(a)
	}
	return t
}
