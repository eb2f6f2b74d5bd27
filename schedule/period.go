package schedule

import (
	"github.com/rickb777/date"
)

// frequencyShape is the data behind each frequency: how far one period
// steps and how many periods make a year for the periodic rate.
type frequencyShape struct {
	months, days   int // step: whole months (anchored and clamped) or days
	semiMonthly    bool
	periodsPerYear int // 0 for Days: its rate is always by actual days
}

var shapes = [...]frequencyShape{
	Weekly:      {days: 7, periodsPerYear: 52},
	BiWeekly:    {days: 14, periodsPerYear: 26},
	SemiMonthly: {semiMonthly: true, periodsPerYear: 24},
	Monthly:     {months: 1, periodsPerYear: 12},
	Quarterly:   {months: 3, periodsPerYear: 4},
	SemiAnnual:  {months: 6, periodsPerYear: 2},
	Annual:      {months: 12, periodsPerYear: 1},
	Days:        {},
}

// PeriodsPerYear returns the number of periods a year used for the periodic
// rate (12 for Monthly, 52 for Weekly), or 0 for Days, whose interest is
// always counted by days.
func (f Frequency) PeriodsPerYear() int {
	if !f.Valid() {
		return 0
	}
	return shapes[f.effective()].periodsPerYear
}

// anchored reports whether due dates keep to a day of month.
func (s frequencyShape) anchored() bool { return s.months > 0 || s.semiMonthly }

// stepper yields the regular due dates counted from a base date.
type stepper struct {
	shape  frequencyShape
	base   date.Date
	c      civil
	anchor int // day of month kept by monthly steps
	// semi-monthly: the two days of each month and whether base is the later one
	low, high int
	baseHigh  bool
}

// newStepper steps from base; anchorDay 0 means base's own day.
func newStepper(f Frequency, base date.Date, termDays, anchorDay int) stepper {
	sh := shapes[f.effective()]
	if f.effective() == Days {
		sh.days = termDays
	}
	s := stepper{shape: sh, base: base, c: civilOf(base), anchor: anchorDay}
	if s.anchor == 0 {
		s.anchor = s.c.d
	}
	if sh.semiMonthly {
		// Two due days fifteen days apart, e.g. the 10th and 25th, or the
		// 16th and the 31st (clamped to month end).
		if s.anchor <= 15 {
			s.low, s.high = s.anchor, s.anchor+15
		} else {
			s.low, s.high = s.anchor-15, s.anchor
		}
		s.baseHigh = s.c.d != min(s.low, daysIn(s.c.y, s.c.m))
	}
	return s
}

// at returns the date k regular periods after base.
func (s *stepper) at(k int) date.Date {
	switch {
	case s.shape.months > 0:
		return addMonths(s.c, k*s.shape.months, s.anchor)
	case s.shape.semiMonthly:
		p := k // half-months from the low day of base's month
		if s.baseHigh {
			p++
		}
		months := p >> 1 // floor, also for the negative k of APR's stub
		day := s.low
		if p-2*months == 1 {
			day = s.high
		}
		return addMonths(civil{s.c.y, s.c.m, 1}, months, day)
	}
	return s.base.Add(date.PeriodOfDays(k * s.shape.days))
}

// onAnchor reports whether d is a date the anchor day produces (the day
// itself, or the month's last day when the month is shorter).
func onAnchor(d date.Date, f Frequency, anchorDay int) bool {
	c := civilOf(d)
	fits := func(day int) bool { return c.d == min(day, daysIn(c.y, c.m)) }
	if !shapes[f.effective()].semiMonthly {
		return fits(anchorDay)
	}
	if anchorDay <= 15 {
		return fits(anchorDay) || fits(anchorDay+15)
	}
	return fits(anchorDay) || fits(anchorDay-15)
}

// dueDates are the loan's regular due dates (before business-day
// adjustment): due k is FirstDue stepped k−1 periods when a first due date
// is given, else Start stepped k periods.
type dueDates struct {
	first  date.Date // zero when regular
	steps  stepper
	broken bool // the first period is not a regular one
}

func (t *Terms) dueDates() dueDates {
	fromStart := newStepper(t.Frequency, t.Start, t.TermDays, t.AnchorDay)
	if t.FirstDue.IsZero() {
		return dueDates{steps: fromStart}
	}
	// The first period is regular when it is exactly one step long — and,
	// with an explicit anchor day, when the start itself is on that day
	// (a restructuring on the 10th of a loan due on the 5th is broken).
	broken := t.FirstDue != fromStart.at(1) ||
		t.AnchorDay != 0 && fromStart.shape.anchored() && !onAnchor(t.Start, t.Frequency, t.AnchorDay)
	return dueDates{
		first:  t.FirstDue,
		steps:  newStepper(t.Frequency, t.FirstDue, t.TermDays, t.AnchorDay),
		broken: broken,
	}
}

// at returns the unadjusted due date of installment k (1-based).
func (d *dueDates) at(k int) date.Date {
	if d.first.IsZero() {
		return d.steps.at(k)
	}
	return d.steps.at(k - 1)
}
