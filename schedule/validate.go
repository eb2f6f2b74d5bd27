package schedule

import (
	"fmt"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
)

// Limits on the size of a schedule. They keep every schedule's arithmetic
// inside int64 and its memory bounded whatever the input.
const (
	MaxPeriods  = 3000  // about 57 years of weekly installments
	MaxTermDays = 36600 // a hundred years, for single-period loans
)

// Validate reports every problem with the terms in one *ValidationError
// (wrapping ErrInvalidTerms), or nil. Generate calls it first.
func (t Terms) Validate() error {
	var p problems
	t.validateAmounts(&p)
	t.validateShape(&p)
	t.validateDates(&p)
	return p.err()
}

func (t *Terms) validateAmounts(p *problems) {
	switch {
	case t.Principal.Currency().IsZero():
		p.add("Principal", "needs a currency")
	case !t.Principal.IsPositive():
		p.add("Principal", "must be positive, got "+t.Principal.String())
	case t.Principal.Minor() > money.MaxMinor:
		p.add("Principal", "is too large")
	}
	if t.AnnualRate.IsNegative() {
		p.add("AnnualRate", "must not be negative, got "+t.AnnualRate.String())
	}
	switch {
	case t.MaxAnnualRate.IsNegative():
		p.add("MaxAnnualRate", "must not be negative, got "+t.MaxAnnualRate.String())
	case !t.MaxAnnualRate.IsZero() && t.AnnualRate.Cmp(t.MaxAnnualRate) > 0:
		p.add("AnnualRate", fmt.Sprintf("%s is above the cap of %s", t.AnnualRate.Percent(6), t.MaxAnnualRate.Percent(6)))
	}
	if !t.Rounding.Valid() {
		p.add("Rounding", "unknown rounding mode "+t.Rounding.String())
	}
	if !t.InstallmentRounding.Valid() {
		p.add("InstallmentRounding", "unknown rounding mode "+t.InstallmentRounding.String())
	}
	m := t.InstallmentMultiple
	switch {
	case m.IsZero():
	case m.IsNegative():
		p.add("InstallmentMultiple", "must not be negative, got "+m.String())
	case m.Currency() != t.Principal.Currency():
		p.add("InstallmentMultiple", fmt.Sprintf("is in %s, the principal in %s", m.Currency(), t.Principal.Currency()))
	case t.Method != EqualInstallment:
		p.add("InstallmentMultiple", "applies only to equal-installment schedules")
	}
}

func (t *Terms) validateShape(p *problems) {
	if !t.Method.Valid() {
		p.add("Method", "unknown method "+t.Method.String())
	}
	if !t.Frequency.Valid() {
		p.add("Frequency", "unknown frequency "+t.Frequency.String())
	}
	for _, e := range []struct {
		ok    bool
		field string
		name  fmt.Stringer
	}{
		{t.DayCount.Valid(), "DayCount", t.DayCount},
		{t.Basis.Valid(), "Basis", t.Basis},
		{t.BusinessDay.Valid(), "BusinessDay", t.BusinessDay},
		{t.Totals.Valid(), "Totals", t.Totals},
	} {
		if !e.ok {
			p.add(e.field, "unknown value "+e.name.String())
		}
	}
	days := t.Frequency.effective() == Days
	if days {
		if t.Periods != 0 && t.Periods != 1 {
			p.add("Periods", fmt.Sprintf("must be 1 (or 0) for a loan of days, got %d", t.Periods))
		}
		if t.TermDays < 1 || t.TermDays > MaxTermDays {
			p.add("TermDays", fmt.Sprintf("must be 1 to %d for a loan of days, got %d", MaxTermDays, t.TermDays))
		}
	} else {
		if t.Periods < 1 || t.Periods > MaxPeriods {
			p.add("Periods", fmt.Sprintf("must be 1 to %d, got %d", MaxPeriods, t.Periods))
		}
		if t.TermDays != 0 {
			p.add("TermDays", "applies only to frequency days")
		}
	}
	single := days || t.Method == Bullet
	if t.PrincipalGrace < 0 {
		p.add("PrincipalGrace", "must not be negative")
	}
	if t.InterestGrace < 0 {
		p.add("InterestGrace", "must not be negative")
	}
	if grace := t.PrincipalGrace + t.InterestGrace; grace > 0 {
		field := "PrincipalGrace"
		if t.PrincipalGrace <= 0 {
			field = "InterestGrace"
		}
		switch {
		case single:
			p.add(field, "does not apply to a single-payment loan")
		case t.PrincipalGrace >= 0 && t.InterestGrace >= 0 && grace >= t.Periods:
			p.add(field, fmt.Sprintf("grace of %d periods must be shorter than the term of %d", grace, t.Periods))
		}
	}
	if t.Totals != RowSum && t.Method != EqualInstallment {
		p.add("Totals", "applies only to equal-installment schedules")
	}
	if t.Totals != RowSum && t.InterestGrace > 0 && !t.CapitalizeGrace {
		p.add("Totals", "cannot be combined with deferred grace interest")
	}
}

func (t *Terms) validateDates(p *problems) {
	startOK := true
	switch {
	case t.Start.IsZero():
		p.add("Start", "is required")
		startOK = false
	case !inYearRange(t.Start):
		p.add("Start", fmt.Sprintf("must be in the years %d to %d", minYear, maxYear))
		startOK = false
	}
	f := t.Frequency.effective()
	shapeOK := t.Frequency.Valid() && (t.Periods >= 0 && t.Periods <= MaxPeriods) && t.TermDays >= 0 && t.TermDays <= MaxTermDays
	if t.AnchorDay != 0 {
		switch {
		case t.AnchorDay < 0 || t.AnchorDay > 31:
			p.add("AnchorDay", fmt.Sprintf("must be 1 to 31, got %d", t.AnchorDay))
			shapeOK = false
		case !t.Frequency.Valid() || !shapes[f].anchored():
			p.add("AnchorDay", "applies only to monthly, quarterly, semi-annual, annual and semi-monthly loans")
			shapeOK = false
		case startOK && t.FirstDue.IsZero() && !onAnchor(t.Start, f, t.AnchorDay):
			p.add("AnchorDay", fmt.Sprintf("start %s is not on day %d", t.Start, t.AnchorDay))
		case !t.FirstDue.IsZero() && inYearRange(t.FirstDue) && !onAnchor(t.FirstDue, f, t.AnchorDay):
			p.add("AnchorDay", fmt.Sprintf("first due date %s is not on day %d", t.FirstDue, t.AnchorDay))
		}
	}
	if !t.FirstDue.IsZero() {
		switch {
		case f == Days || t.Method == Bullet:
			p.add("FirstDue", "does not apply to a single-payment loan")
		case !inYearRange(t.FirstDue):
			p.add("FirstDue", fmt.Sprintf("must be in the years %d to %d", minYear, maxYear))
		case startOK && !t.FirstDue.After(t.Start):
			p.add("FirstDue", fmt.Sprintf("%s must be after the start %s", t.FirstDue, t.Start))
		case startOK && shapeOK && t.FirstDue.After(twoPeriodsAfter(f, t)):
			p.add("FirstDue", fmt.Sprintf("%s is more than two periods after the start %s", t.FirstDue, t.Start))
		}
	}
	if startOK && shapeOK && len(*p) == 0 {
		n := max(t.Periods, 1)
		dues := t.dueDates()
		if last := dues.at(n); !inYearRange(last) || last.Before(t.Start) {
			p.add("Periods", fmt.Sprintf("the last due date falls after the year %d", maxYear))
		}
	}
}

// twoPeriodsAfter is the latest first due date a long first period allows.
func twoPeriodsAfter(f Frequency, t *Terms) date.Date {
	s := newStepper(f, t.Start, t.TermDays, t.AnchorDay)
	return s.at(2)
}
