package schedule

import (
	"fmt"
	"math/big"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
)

// effective resolves the zero default.
func (dc DayCount) effective() DayCount {
	if dc == 0 {
		return Actual360
	}
	return dc
}

// YearFraction returns the exact fraction of a year num/den between from and
// to under the day count (negative when to is before from). The zero
// DayCount counts as Actual360; an invalid one gives 0/1.
//
//   - 30/360 (ISDA 2006 §4.16(f), "bond basis"): 360·Δy + 30·Δm + Δd, where a
//     day 31 counts as 30, the end date's only when the start's is 30 or 31;
//     over 360.
//   - ACT/360 and ACT/365F: actual days over 360 or 365.
//   - ACT/ACT (ISDA 2006 §4.16(b)): days falling in leap years over 366 plus
//     the other days over 365.
func (dc DayCount) YearFraction(from, to date.Date) (num, den int64) {
	if to.Before(from) {
		n, d := dc.YearFraction(to, from)
		return -n, d
	}
	days := int64(to.Sub(from))
	switch dc.effective() {
	case Thirty360:
		return thirty360Days(civilOf(from), civilOf(to)), 360
	case Actual360:
		return days, 360
	case Actual365Fixed:
		return days, 365
	case ActualActualISDA:
		var leap, plain int64
		for c := civilOf(from); from.Before(to); c = civilOf(from) {
			next := ymd(c.y+1, 1, 1)
			if to.Before(next) {
				next = to
			}
			if isLeap(c.y) {
				leap += int64(next.Sub(from))
			} else {
				plain += int64(next.Sub(from))
			}
			from = next
		}
		switch {
		case leap == 0:
			return plain, 365
		case plain == 0:
			return leap, 366
		}
		return plain*366 + leap*365, 365 * 366
	}
	return 0, 1
}

// thirty360Days is the 30/360 day count numerator (ISDA 2006 §4.16(f)).
func thirty360Days(a, b civil) int64 {
	d1, d2 := a.d, b.d
	if d1 == 31 {
		d1 = 30
	}
	if d2 == 31 && d1 == 30 {
		d2 = 30
	}
	return int64(360*(b.y-a.y) + 30*(b.m-a.m) + d2 - d1)
}

// Accrue returns the simple interest on amount at the nominal annual rate
// for the days from..to counted by dc, rounded once to the minor unit with
// mode: amount × annual × YearFraction(from, to). It is exact: the product
// is formed in integers and rounded at the end.
func Accrue(amount money.Amount, annual money.Rate, from, to date.Date, dc DayCount, mode money.RoundingMode) (money.Amount, error) {
	if !dc.Valid() {
		return money.Amount{}, fmt.Errorf("%w: day count %d", ErrInvalidName, uint8(dc))
	}
	if !mode.Valid() {
		return money.Amount{}, fmt.Errorf("%w: rounding mode %d", money.ErrInvalidRounding, uint8(mode))
	}
	num, den := dc.YearFraction(from, to)
	if r, err := annual.Mul(num, den); err == nil {
		return amount.MulRate(r, mode)
	}
	// The rate's fraction overflowed int64 (many decimals over a long
	// span): do the same product in big integers.
	n := new(big.Int).Mul(big.NewInt(amount.Minor()), big.NewInt(annual.Num()))
	n.Mul(n, big.NewInt(num))
	d := new(big.Int).Mul(big.NewInt(annual.Den()), big.NewInt(den))
	q, ok := roundQuo(n, d, mode)
	if !ok {
		return money.Amount{}, fmt.Errorf("%w: interest on %s", money.ErrOutOfRange, amount)
	}
	return money.New(q, amount.Currency()), nil
}

// roundQuo returns n/d (d > 0) rounded to an integer with mode m, and false
// when the result exceeds money.MaxMinor in magnitude.
func roundQuo(n, d *big.Int, m money.RoundingMode) (int64, bool) {
	neg := n.Sign() < 0
	abs := n
	if neg {
		abs = new(big.Int).Neg(n)
	}
	q, r := new(big.Int).QuoRem(abs, d, new(big.Int))
	if r.Sign() != 0 {
		twice := r.Lsh(r, 1).Cmp(d) // 2r vs d: below, at or above the half
		up := false
		switch m {
		case money.HalfUp:
			up = twice >= 0
		case money.HalfEven:
			up = twice > 0 || twice == 0 && q.Bit(0) == 1
		case money.Up:
			up = true
		case money.Ceiling:
			up = !neg
		case money.Floor:
			up = neg
		}
		if up {
			q.Add(q, big.NewInt(1))
		}
	}
	if !q.IsInt64() || q.Int64() > money.MaxMinor {
		return 0, false
	}
	if neg {
		return -q.Int64(), true
	}
	return q.Int64(), true
}
