package money

import (
	"fmt"
	"math/bits"

	"github.com/shopspring/decimal"

	"github.com/lendcore/lendcore/enum"
)

// RoundingMode says which way a value between two representable amounts goes.
// The zero value is HalfUp, the convention of Chinese banks' calculators.
type RoundingMode uint8

// Rounding modes. "Up" and "Down" are about magnitude (away from or toward
// zero); Ceiling and Floor are about sign (toward +∞ or −∞).
const (
	HalfUp   RoundingMode = iota // half away from zero: 0.005 → 0.01, −0.005 → −0.01
	HalfEven                     // banker's rounding: 0.005 → 0.00, 0.015 → 0.02
	Down                         // truncate toward zero
	Up                           // away from zero: any remainder adds one unit
	Ceiling                      // toward +∞
	Floor                        // toward −∞
)

// modeNames gives the modes their text in JSON and on the command line.
var modeNames = enum.New[RoundingMode](ErrInvalidRounding, "rounding",
	"half-up", "half-even", "down", "up", "ceiling", "floor")

// String returns the mode's name as used in JSON and on the command line.
func (m RoundingMode) String() string { return modeNames.String(m) }

// Valid reports whether m is one of the defined modes.
func (m RoundingMode) Valid() bool { return modeNames.Valid(m) }

// ParseRoundingMode parses a name such as "half-up" or "half-even". An
// unknown name is a *fault.Fields (wrapping ErrInvalidRounding) that lists
// the names allowed.
func ParseRoundingMode(s string) (RoundingMode, error) { return modeNames.Parse(s) }

// MarshalText encodes the mode's name.
func (m RoundingMode) MarshalText() ([]byte, error) { return modeNames.MarshalText(m) }

// UnmarshalText decodes a mode's name; on an error m is unchanged.
func (m *RoundingMode) UnmarshalText(b []byte) error { return modeNames.UnmarshalText(b, m) }

// Rounding is a rounding point: a mode and the number of decimals kept.
// Rounding{Mode: HalfUp, Scale: 2} rounds 1.005 to 1.01; Scale 0 rounds to
// whole units.
type Rounding struct {
	Mode  RoundingMode `json:"mode"`
	Scale int32        `json:"scale"`
}

// MinorUnit returns the rounding to c's minor unit with mode m.
func MinorUnit(c Currency, m RoundingMode) Rounding {
	return Rounding{Mode: m, Scale: int32(c.scale())}
}

// Decimal rounds d. Unlike shopspring's methods it supports every mode with
// the same meaning as for Amount. It has no error result: a mode that is not
// Valid truncates, like Down (as Amount.Round does); RoundDecimal, MulRate,
// MulFrac and RoundToMultiple report such a mode as ErrInvalidRounding.
func (r Rounding) Decimal(d decimal.Decimal) decimal.Decimal {
	switch r.Mode {
	case HalfUp:
		return d.Round(r.Scale) // shopspring's Round is half away from zero
	case HalfEven:
		return d.RoundBank(r.Scale)
	case Down:
		return d.Truncate(r.Scale)
	case Up:
		return d.RoundUp(r.Scale)
	case Ceiling:
		return d.RoundCeil(r.Scale)
	case Floor:
		return d.RoundFloor(r.Scale)
	default:
		return d.Truncate(r.Scale)
	}
}

// checkMode returns ErrInvalidRounding for a mode that is not Valid.
func checkMode(m RoundingMode) error {
	if !m.Valid() {
		return fmt.Errorf("%w: unknown mode %d", ErrInvalidRounding, uint8(m))
	}
	return nil
}

// divRound returns round(n/d) under mode m for n = hi·2⁶⁴+lo ≥ 0 carrying the
// sign neg, and d > 0. ok is false when the quotient does not fit in 63 bits.
func divRound(hi, lo, d uint64, neg bool, m RoundingMode) (q uint64, ok bool) {
	if hi >= d {
		return 0, false
	}
	q, rem := bits.Div64(hi, lo, d)
	if rem != 0 {
		up := false
		switch m {
		case HalfUp:
			up = rem >= d-rem
		case HalfEven:
			up = rem > d-rem || (rem == d-rem && q&1 == 1)
		case Up:
			up = true
		case Ceiling:
			up = !neg
		case Floor:
			up = neg
		}
		if up {
			q++
		}
	}
	if q > 1<<63-1 {
		return 0, false
	}
	return q, true
}

// mulDivRound returns round(a·n/d) under mode m, for any signs of a and n and d > 0.
func mulDivRound(a, n int64, d uint64, m RoundingMode) (int64, bool) {
	neg := (a < 0) != (n < 0)
	hi, lo := bits.Mul64(abs64(a), abs64(n))
	q, ok := divRound(hi, lo, d, neg, m)
	if !ok {
		return 0, false
	}
	if neg {
		return -int64(q), true
	}
	return int64(q), true
}

func abs64(v int64) uint64 {
	if v < 0 {
		return uint64(-v)
	}
	return uint64(v)
}

var pow10 = [...]int64{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
	1000000000, 10000000000, 100000000000, 1000000000000, 10000000000000,
	100000000000000, 1000000000000000, 10000000000000000, 100000000000000000, 1000000000000000000}
