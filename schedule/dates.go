package schedule

import (
	"fmt"
	"time"

	"github.com/rickb777/date"
)

// Years outside this range are rejected by ParseDate and Validate, so date
// arithmetic never wraps and every date prints as YYYY-MM-DD.
const (
	minYear = 1900
	maxYear = 9999
)

// ParseDate reads a calendar date written YYYY-MM-DD (four-digit year,
// two-digit month and day). It returns ErrInvalidDate for anything else,
// including impossible dates such as 2026-02-30, and never panics — unlike
// date.ParseISO, which must not see outside input.
func ParseDate(s string) (date.Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return date.Date{}, fmt.Errorf("%w: %q is not YYYY-MM-DD", ErrInvalidDate, s)
	}
	num := func(from, to int) (int, bool) {
		v := 0
		for i := from; i < to; i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			v = v*10 + int(s[i]-'0')
		}
		return v, true
	}
	y, ok1 := num(0, 4)
	m, ok2 := num(5, 7)
	d, ok3 := num(8, 10)
	if !ok1 || !ok2 || !ok3 {
		return date.Date{}, fmt.Errorf("%w: %q is not YYYY-MM-DD", ErrInvalidDate, s)
	}
	if y < minYear || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return date.Date{}, fmt.Errorf("%w: %q is not a date between %d and %d", ErrInvalidDate, s, minYear, maxYear)
	}
	return ymd(y, m, d), nil
}

// civil is a proleptic Gregorian year, month (1–12) and day.
type civil struct{ y, m, d int }

// ymd returns the date y-m-d; month and day must already be in range, the
// year may be any. It computes the day number directly (H. Hinnant's
// days_from_civil), which is far cheaper than going through time.Time for
// every due date.
func ymd(y, m, d int) date.Date {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12 // March = 0
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return date.Date{}.Add(date.PeriodOfDays(era*146097 + doe - 719468))
}

// civilOf splits d into year, month and day (Hinnant's civil_from_days).
func civilOf(d date.Date) civil {
	z := int(d.DaysSinceEpoch()) + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return civil{y, m, day}
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

var monthDays = [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

func daysIn(y, m int) int {
	if m == 2 && isLeap(y) {
		return 29
	}
	return monthDays[m]
}

// floorDiv returns ⌊a/b⌋ for b > 0, also for negative a (Go's / truncates).
func floorDiv(a, b int) int {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}

// addMonths returns the date months after c, on day anchor clamped to the
// last day of that month: Jan 31 + 1 → Feb 28/29, + 2 → Mar 31. Anchoring
// on the original day (not on the previous due date) keeps due dates from
// drifting.
func addMonths(c civil, months, anchor int) date.Date {
	t := c.y*12 + c.m - 1 + months
	y := floorDiv(t, 12)
	m := t - y*12 + 1
	return ymd(y, m, min(anchor, daysIn(y, m)))
}

// AddMonths returns d moved n calendar months (back when n is negative) to
// the same day of the month, clamped to that month's last day:
// 2024-01-31 + 1 month is 2024-02-29 and 2024-02-29 + 12 months is
// 2025-02-28, where date.AddDate would roll over into the next month
// (January 31 + 1 month = March 2). It is the month arithmetic of due dates,
// exported for the packages that count months from a date: classification
// and inspection periods, limitation and guarantee periods, revaluation
// cadences. Any date works, not only the years schedules accept.
func AddMonths(d date.Date, n int) date.Date {
	c := civilOf(d)
	return addMonths(c, n, c.d)
}

// inYearRange reports whether d lies within the years lendcore accepts.
func inYearRange(d date.Date) bool {
	y := civilOf(d).y
	return y >= minYear && y <= maxYear
}

// maxAdjustDays bounds the search for a business day, so a calendar that
// declares no business days at all gives an error instead of a hang.
const maxAdjustDays = 366

// adjust moves d to a business day by convention c.
func adjust(d date.Date, c BusinessDayConvention, cal Calendar) (date.Date, error) {
	if c == NoAdjustment {
		return d, nil
	}
	if cal == nil {
		cal = weekendsOnly
	}
	step := func(d date.Date, dir date.PeriodOfDays) (date.Date, error) {
		for range maxAdjustDays {
			if cal.IsBusinessDay(d) {
				return d, nil
			}
			d = d.Add(dir)
		}
		return d, invalid("calendar", fmt.Sprintf("no business day within %d days of %s", maxAdjustDays, d))
	}
	switch c {
	case Following:
		return step(d, 1)
	case Preceding:
		return step(d, -1)
	case ModifiedFollowing:
		f, err := step(d, 1)
		if err != nil || civilOf(f).m == civilOf(d).m {
			return f, err
		}
		return step(d, -1)
	}
	return d, invalid("business_day", "unknown convention "+c.String())
}

// isWeekend reports Saturday and Sunday.
func isWeekend(d date.Date) bool {
	w := d.Weekday()
	return w == time.Saturday || w == time.Sunday
}
