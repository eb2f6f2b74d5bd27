package money

import (
	"encoding"
	"encoding/json"
	"fmt"
	"slices"
)

// MaxScale is the largest minor-unit scale a Currency may have.
const MaxScale = 6

// Currency is an ISO 4217 code with its minor unit (the number of decimals
// an amount in it may carry). It is a small comparable value: two Currency
// values are equal exactly when code and scale are equal.
//
// The zero Currency is invalid; use a predefined one (CNY, USD, ...),
// CurrencyOf for a known code, or NewCurrency for a code with an explicit
// scale.
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

// Predefined currencies. Their scales follow ISO 4217.
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

// predefined lists the currencies whose scale their code implies.
var predefined = [...]Currency{CNY, USD, EUR, HKD, GBP, JPY, KRW, KWD, BHD}

var known = map[string]Currency{}

func init() {
	for _, c := range predefined {
		known[c.Code()] = c
	}
}

// CurrencyOf returns the predefined currency with the given ISO code.
// An unknown code returns ErrUnknownCurrency: use NewCurrency with an explicit
// scale for it.
func CurrencyOf(code string) (Currency, error) {
	if c, ok := known[code]; ok {
		return c, nil
	}
	if _, err := NewCurrency(code, 0); err != nil {
		return Currency{}, err
	}
	return Currency{}, fmt.Errorf("%w: %q (give its scale explicitly)", ErrUnknownCurrency, code)
}

// NewCurrency returns a currency for a three-letter upper-case code with an
// explicit number of minor-unit decimals (0 to MaxScale). A known code must
// be given its ISO scale.
func NewCurrency(code string, scale int) (Currency, error) {
	if len(code) != 3 {
		return Currency{}, fmt.Errorf("%w: code %q must be three letters", ErrInvalidCurrency, code)
	}
	for i := 0; i < 3; i++ {
		if code[i] < 'A' || code[i] > 'Z' {
			return Currency{}, fmt.Errorf("%w: code %q must be upper-case letters", ErrInvalidCurrency, code)
		}
	}
	if scale < 0 || scale > MaxScale {
		return Currency{}, fmt.Errorf("%w: scale %d of %s outside 0..%d", ErrInvalidCurrency, scale, code, MaxScale)
	}
	c := pack(code, uint8(scale))
	if k, ok := known[code]; ok && k.scale() != c.scale() {
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

// MarshalText encodes the code; the scale is implied for predefined
// currencies and encoded as "XXX/3" otherwise.
func (c Currency) MarshalText() ([]byte, error) {
	if c.IsZero() {
		return nil, fmt.Errorf("%w: zero currency", ErrInvalidCurrency)
	}
	return c.appendText(make([]byte, 0, 5)), nil
}

// appendText appends MarshalText's form of a non-zero currency.
func (c Currency) appendText(b []byte) []byte {
	b = append(b, byte(c.id), byte(c.id>>8), byte(c.id>>16))
	if slices.Contains(predefined[:], c) {
		return b
	}
	return append(b, '/', '0'+c.scale())
}

// UnmarshalText decodes "CNY" or, for a code without a predefined scale, "XXX/3".
func (c *Currency) UnmarshalText(b []byte) error {
	s := string(b)
	if len(s) == 5 && s[3] == '/' && s[4] >= '0' && s[4] <= '9' {
		cur, err := NewCurrency(s[:3], int(s[4]-'0'))
		if err != nil {
			return err
		}
		*c = cur
		return nil
	}
	cur, err := CurrencyOf(s)
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
