package collateral

import (
	"fmt"
	"time"

	"github.com/lendcore/lendcore/fault"
	"github.com/rickb777/date"
)

// Period is a span of calendar months plus days, such as "every 3 months"
// or "valid for 7 days". Months are added with the day clamped to the end
// of the target month (31 Jan + 1 month = 28/29 Feb), never normalised into
// the month after.
type Period struct {
	Months int `json:"months,omitempty"`
	Days   int `json:"days,omitempty"`
}

// maxPeriodMonths bounds a period (100 years) so date arithmetic cannot
// overflow on hostile input.
const maxPeriodMonths = 1200

// IsZero reports whether the period is empty.
func (p Period) IsZero() bool { return p.Months == 0 && p.Days == 0 }

// String returns "3m", "7d" or "1m15d".
func (p Period) String() string {
	switch {
	case p.Days == 0:
		return fmt.Sprintf("%dm", p.Months)
	case p.Months == 0:
		return fmt.Sprintf("%dd", p.Days)
	}
	return fmt.Sprintf("%dm%dd", p.Months, p.Days)
}

// check records a problem with p under field when it is negative, empty or
// longer than a century.
func (p Period) check(v *fault.Fields, field string) {
	switch {
	case p.Months < 0 || p.Days < 0:
		v.Addf(field, "period %s must not be negative", p)
	case p.IsZero():
		v.Add(field, "period must not be empty")
	case p.Months > maxPeriodMonths || p.Days > maxPeriodMonths*31:
		v.Addf(field, "period %s is longer than 100 years", p)
	}
}

// After returns d plus the period: the months first (day clamped to the
// month's end), then the days.
func (p Period) After(d date.Date) date.Date {
	return addMonths(d, p.Months).Add(date.PeriodOfDays(p.Days))
}

// addMonths adds n calendar months to d, clamping the day to the last day of
// the target month.
func addMonths(d date.Date, n int) date.Date {
	if n == 0 {
		return d
	}
	y, m, day := d.Date()
	total := y*12 + int(m) - 1 + n
	ty, tm := total/12, total%12+1
	if total < 0 && total%12 != 0 { // floor division for dates before year 0
		ty--
		tm = total - ty*12 + 1
	}
	first := date.New(ty, time.Month(tm), 1)
	if last := first.LastDayOfMonth(); day > last {
		day = last
	}
	return first.Add(date.PeriodOfDays(day - 1))
}
