package invest

import (
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// Period is the loan's current interest period, as plain facts taken from
// the loan's schedule: interest on the principal held accrues from Start to
// Due at AnnualRate under DayCount. Transfers price the interest accrued to
// the transfer date from it, and statements report it.
type Period struct {
	Start      date.Date         `json:"start"`       // accrual start (the previous due date, or the value date)
	Due        date.Date         `json:"due"`         // the period's due date
	AnnualRate money.Rate        `json:"annual_rate"` // the loan's nominal annual rate
	DayCount   schedule.DayCount `json:"day_count"`   // the loan's day count
}

func (p Period) validate(v *fault.Fields, field string) {
	if p.Start.IsZero() || p.Due.IsZero() || !p.Start.Before(p.Due) {
		v.Addf(field+".start", "period %s..%s must be a non-empty date range", p.Start, p.Due)
	}
	if p.AnnualRate.IsNegative() {
		v.Addf(field+".annual_rate", "rate %s must not be negative", p.AnnualRate)
	}
	if !p.DayCount.Valid() {
		v.Addf(field+".day_count", "unknown day count %d", p.DayCount)
	}
}

// Accrued returns the interest on principal from p.Start to on, rounded
// half-up to the minor unit once: schedule.Accrue with the period's rate and
// day count (the zero DayCount is ACT/360), so the day fraction is
// schedule's DayCount.YearFraction and the product is exact. on must lie
// within the period; the caller validates it.
func (p Period) Accrued(principal money.Amount, on date.Date) (money.Amount, error) {
	return schedule.Accrue(principal, p.AnnualRate, p.Start, on, p.DayCount, money.HalfUp)
}
