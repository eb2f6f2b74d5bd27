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
	EveryNDays:  {}, // its periodic rate is annual × days / the year's days
}

// PeriodsPerYear returns the number of periods a year used for the periodic
// rate (12 for Monthly, 52 for Weekly), or 0 for Days and EveryNDays, whose
// rates follow their days (see EveryNDays).
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

// stepper steps from base by t's frequency; an AnchorDay of 0 means base's
// own day.
func (t *Terms) stepper(base date.Date) stepper {
	f := t.Frequency.effective()
	sh := shapes[f]
	switch f {
	case Days:
		sh.days = t.TermDays
	case EveryNDays:
		sh.days = t.PeriodDays
	}
	s := stepper{shape: sh, base: base, c: civilOf(base), anchor: t.AnchorDay}
	if s.anchor == 0 {
		s.anchor = s.c.d
	}
	if sh.semiMonthly {
		// Two due days a month: the fixed ones, or fifteen days apart,
		// e.g. the 10th and 25th, or the 16th and the 31st (clamped to
		// month end).
		switch {
		case t.SemiMonthlyDays[0] != 0:
			s.low, s.high = t.SemiMonthlyDays[0], t.SemiMonthlyDays[1]
		case s.anchor <= 15:
			s.low, s.high = s.anchor, s.anchor+15
		default:
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
	if t.fixedDays() {
		// Fixed semi-monthly days: the first due date is the first of them
		// after the start (or FirstDue); the period is regular only from
		// one of them to the next.
		first := t.FirstDue
		if first.IsZero() {
			first = t.nextFixedDay(t.Start)
		}
		return dueDates{first: first, steps: t.stepper(first),
			broken: !t.onFixedDay(t.Start) || first != t.nextFixedDay(t.Start)}
	}
	fromStart := t.stepper(t.Start)
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
		steps:  t.stepper(t.FirstDue),
		broken: broken,
	}
}

// fixedDays reports semi-monthly due dates on the two SemiMonthlyDays.
func (t *Terms) fixedDays() bool {
	return t.SemiMonthlyDays[0] != 0 && t.Frequency.effective() == SemiMonthly
}

// nextFixedDay returns the first of the SemiMonthlyDays strictly after d
// (the second clamped to the month's end), as Fineract's
// SemiMonthlyScheduleDates.next does.
func (t *Terms) nextFixedDay(d date.Date) date.Date {
	c := civilOf(d)
	lo, hi := t.SemiMonthlyDays[0], min(t.SemiMonthlyDays[1], daysIn(c.y, c.m))
	switch {
	case c.d < lo:
		return ymd(c.y, c.m, lo)
	case c.d < hi:
		return ymd(c.y, c.m, hi)
	}
	return addMonths(civil{c.y, c.m, 1}, 1, lo)
}

// onFixedDay reports whether d is one of the SemiMonthlyDays.
func (t *Terms) onFixedDay(d date.Date) bool {
	c := civilOf(d)
	return c.d == t.SemiMonthlyDays[0] || c.d == min(t.SemiMonthlyDays[1], daysIn(c.y, c.m))
}

// at returns the unadjusted due date of installment k (1-based).
func (d *dueDates) at(k int) date.Date {
	if d.first.IsZero() {
		return d.steps.at(k)
	}
	return d.steps.at(k - 1)
}
