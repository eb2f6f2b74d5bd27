package invest

import (
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// Period is the loan's current interest period, as plain facts taken from
// the loan's schedule: interest on the principal held accrues from Start to
// Due at AnnualRate under DayCount. Transfers price the interest accrued to
// the transfer date from it, and statements report it.
type Period struct {
	Start      date.Date         // accrual start (the previous due date, or the value date)
	Due        date.Date         // the period's due date
	AnnualRate money.Rate        // the loan's nominal annual rate
	DayCount   schedule.DayCount // the loan's day count
}

func (p Period) validate(v *ValidationError, field string) {
	if p.Start.IsZero() || p.Due.IsZero() || !p.Start.Before(p.Due) {
		v.Add(field+".start", "period %s..%s must be a non-empty date range", p.Start, p.Due)
	}
	if p.AnnualRate.IsNegative() {
		v.Add(field+".annual_rate", "rate %s must not be negative", p.AnnualRate)
	}
	if p.DayCount < schedule.Thirty360 || p.DayCount > schedule.ActualActualISDA {
		v.Add(field+".day_count", "unknown day count %d", p.DayCount)
	}
}

// Accrued returns the interest on principal from p.Start to on, rounded
// half-up to the minor unit once. The day fraction is exact (see yearFraction).
// on must lie within the period; the caller validates it.
func (p Period) Accrued(principal money.Amount, on date.Date) (money.Amount, error) {
	num, den := yearFraction(p.DayCount, p.Start, on)
	r, err := p.AnnualRate.Mul(num, den)
	if err != nil {
		return money.Amount{}, err
	}
	return principal.MulRate(r, money.HalfUp)
}

// yearFraction returns the fraction of a year from d1 to d2 (d1 ≤ d2) under
// dc as an exact fraction num/den.
//
// The schedule package owns day counts; until it exports an accrual function
// this is the definition invest uses:
//   - Thirty360: 30/360 bond basis (ISDA 2006 4.16(f)): D1 = 31 → 30;
//     D2 = 31 → 30 when D1 is then 30; days = 360·ΔY + 30·ΔM + ΔD, over 360.
//   - Actual360, Actual365Fixed: actual days over 360 or 365.
//   - ActualActualISDA: days falling in leap years over 366 plus the others
//     over 365.
func yearFraction(dc schedule.DayCount, d1, d2 date.Date) (num, den int64) {
	switch dc {
	case schedule.Thirty360:
		y1, m1, dd1 := d1.Date()
		y2, m2, dd2 := d2.Date()
		if dd1 == 31 {
			dd1 = 30
		}
		if dd2 == 31 && dd1 == 30 {
			dd2 = 30
		}
		return int64(360*(y2-y1) + 30*(int(m2)-int(m1)) + (dd2 - dd1)), 360
	case schedule.Actual360:
		return int64(d2.Sub(d1)), 360
	case schedule.ActualActualISDA:
		var leap, plain int64
		for y := d1.Year(); y <= d2.Year(); y++ {
			from := date.New(y, 1, 1).Max(d1)
			to := date.New(y+1, 1, 1).Min(d2)
			if !from.Before(to) {
				continue
			}
			if date.IsLeap(y) {
				leap += int64(to.Sub(from))
			} else {
				plain += int64(to.Sub(from))
			}
		}
		return leap*365 + plain*366, 365 * 366
	default: // Actual365Fixed
		return int64(d2.Sub(d1)), 365
	}
}
