package money

import (
	"encoding"
	"encoding/json"
	"fmt"
)

// MaxScale is the largest minor-unit scale a Currency may have.
const MaxScale = 6

// Currency is an ISO 4217 code with its minor unit (the number of decimals
// an amount in it may carry). It is a small comparable value: two Currency
// values are equal exactly when code and scale are equal.
//
// The zero Currency is invalid; use a predefined one (CNY, USD, ...),
// CurrencyOf for any ISO 4217 currency ("INR") or the "CODE/scale" form
// ("XAU/6"), or NewCurrency for a code with an explicit scale.
type Currency struct {
	// id packs the code's three letters (bits 0–23, first letter lowest)
	// and the scale (bits 24–31). One integer rather than a byte array
	// keeps an Amount in two registers: the compiler spills any struct
	// holding an array through memory on every copy.
	id uint32
}

// pack returns the currency with code and scale; code must be three bytes.
func pack(code string, scale uint8) Currency {
	return Currency{uint32(code[0]) | uint32(code[1])<<8 | uint32(code[2])<<16 | uint32(scale)<<24}
}

// scale returns the minor-unit decimals.
func (c Currency) scale() uint8 { return uint8(c.id >> 24) }

// Predefined currencies, for convenience: every currency of ISO 4217 list
// one is known to CurrencyOf with its minor unit (see iso4217.go), not only
// these.
var (
	CNY = pack("CNY", 2)
	USD = pack("USD", 2)
	EUR = pack("EUR", 2)
	HKD = pack("HKD", 2)
	GBP = pack("GBP", 2)
	JPY = pack("JPY", 0)
	KRW = pack("KRW", 0)
	KWD = pack("KWD", 3)
	BHD = pack("BHD", 3)
)

// known holds the ISO 4217 currencies by their packed code (the id without
// the scale), so a lookup builds no string.
var known = func() map[uint32]Currency {
	m := make(map[uint32]Currency, len(iso4217))
	for _, e := range iso4217 {
		c := pack(e.code, e.minor)
		m[c.id&codeMask] = c
	}
	return m
}()

// codeMask selects the three letters of an id.
const codeMask = 1<<24 - 1

// CurrencyOf returns the currency s names: an ISO 4217 code with a minor
// unit ("CNY", "INR", "JPY", "CLF"), with the scale ISO gives it, or the
// "CODE/scale" form ("XAU/6", "BGN/2") for a code outside that table — a
// fund or metal without a minor unit, a withdrawn or private code. The
// second form is what MarshalText writes for such a currency; a known code
// may be written that way only with its ISO scale ("JPY/0", not "JPY/2").
// An unknown bare code returns ErrUnknownCurrency; anything else
// malformed, ErrInvalidCurrency.
func CurrencyOf(s string) (Currency, error) {
	if len(s) == 5 && s[3] == '/' && s[4] >= '0' && s[4] <= '9' {
		return NewCurrency(s[:3], int(s[4]-'0'))
	}
	if err := checkCode(s); err != nil {
		return Currency{}, err
	}
	if c, ok := known[pack(s, 0).id&codeMask]; ok {
		return c, nil
	}
	return Currency{}, fmt.Errorf("%w: %q is not in the ISO 4217 table (give its scale explicitly, as in %q)", ErrUnknownCurrency, s, s+"/2")
}

// checkCode reports a code that is not three upper-case ASCII letters.
func checkCode(code string) error {
	if len(code) != 3 {
		return fmt.Errorf("%w: code %q must be three letters", ErrInvalidCurrency, code)
	}
	for i := 0; i < 3; i++ {
		if code[i] < 'A' || code[i] > 'Z' {
			return fmt.Errorf("%w: code %q must be upper-case letters", ErrInvalidCurrency, code)
		}
	}
	return nil
}

// NewCurrency returns a currency for a three-letter upper-case code with an
// explicit number of minor-unit decimals (0 to MaxScale). A code of the ISO
// 4217 table must be given its ISO scale, so one code never names two
// currencies.
func NewCurrency(code string, scale int) (Currency, error) {
	if err := checkCode(code); err != nil {
		return Currency{}, err
	}
	if scale < 0 || scale > MaxScale {
		return Currency{}, fmt.Errorf("%w: scale %d of %s outside 0..%d", ErrInvalidCurrency, scale, code, MaxScale)
	}
	c := pack(code, uint8(scale))
	if k, ok := known[c.id&codeMask]; ok && k.scale() != c.scale() {
		return Currency{}, fmt.Errorf("%w: %s has %d decimals, not %d", ErrInvalidCurrency, code, k.scale(), scale)
	}
	return c, nil
}

// Code returns the ISO code, or "" for the zero Currency.
func (c Currency) Code() string {
	if c.IsZero() {
		return ""
	}
	return string([]byte{byte(c.id), byte(c.id >> 8), byte(c.id >> 16)})
}

// Scale returns the number of decimals of the minor unit (2 for CNY, 0 for JPY).
func (c Currency) Scale() int { return int(c.scale()) }

// IsZero reports whether c is the invalid zero Currency.
func (c Currency) IsZero() bool { return c.id&0xff == 0 }

// String returns the code.
func (c Currency) String() string { return c.Code() }

// MarshalText encodes the code; the scale is implied for the currencies of
// the ISO 4217 table and encoded as "XAU/6" otherwise.
func (c Currency) MarshalText() ([]byte, error) {
	if c.IsZero() {
		return nil, fmt.Errorf("%w: zero currency", ErrInvalidCurrency)
	}
	return c.appendText(make([]byte, 0, 5)), nil
}

// appendText appends MarshalText's form of a non-zero currency.
func (c Currency) appendText(b []byte) []byte {
	b = append(b, byte(c.id), byte(c.id>>8), byte(c.id>>16))
	if _, ok := known[c.id&codeMask]; ok {
		return b
	}
	return append(b, '/', '0'+c.scale())
}

// UnmarshalText decodes what CurrencyOf reads: "CNY", or "XAU/6" for a
// code outside the ISO 4217 table.
func (c *Currency) UnmarshalText(b []byte) error {
	cur, err := CurrencyOf(string(b))
	if err != nil {
		return err
	}
	*c = cur
	return nil
}

var (
	_ encoding.TextMarshaler = Amount{}
	_ json.Unmarshaler       = (*Amount)(nil)
)
