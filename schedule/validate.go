package schedule

import (
	"fmt"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// Limits on the size of a schedule. They keep every schedule's arithmetic
// inside int64 and its memory bounded whatever the input.
const (
	MaxPeriods  = 3000  // about 57 years of weekly installments
	MaxTermDays = 36600 // a hundred years, for single-period loans
)

// Validate reports every problem with the terms in one *fault.Fields
// (wrapping ErrInvalidTerms), each field named as Terms spells it in JSON
// ("principal", "interest_grace"), or nil. Generate calls it first.
func (t Terms) Validate() error {
	var p fault.Fields // on the stack unless something is wrong
	t.validateAmounts(&p)
	t.validateShape(&p)
	t.validateDates(&p)
	if p.Len() == 0 {
		return nil
	}
	return &fault.Fields{Kind: ErrInvalidTerms, List: p.List}
}

func (t *Terms) validateAmounts(p *fault.Fields) {
	switch {
	case t.Principal.Currency().IsZero():
		p.Add("principal", "needs a currency")
	case !t.Principal.IsPositive():
		p.Add("principal", "must be positive, got "+t.Principal.String())
	case t.Principal.Minor() > money.MaxMinor:
		p.Add("principal", "is too large")
	}
	if t.AnnualRate.IsNegative() {
		p.Add("annual_rate", "must not be negative, got "+t.AnnualRate.String())
	}
	switch {
	case t.MaxAnnualRate.IsNegative():
		p.Add("max_annual_rate", "must not be negative, got "+t.MaxAnnualRate.String())
	case !t.MaxAnnualRate.IsZero() && t.AnnualRate.Cmp(t.MaxAnnualRate) > 0:
		p.Add("annual_rate", fmt.Sprintf("%s is above the cap of %s", t.AnnualRate.Percent(6), t.MaxAnnualRate.Percent(6)))
	}
	if !t.Rounding.Valid() {
		p.Add("rounding", "unknown rounding mode "+t.Rounding.String())
	}
	if !t.InstallmentRounding.Valid() {
		p.Add("installment_rounding", "unknown rounding mode "+t.InstallmentRounding.String())
	}
	m := t.InstallmentMultiple
	switch {
	case m.IsZero():
	case m.IsNegative():
		p.Add("installment_multiple", "must not be negative, got "+m.String())
	case m.Currency() != t.Principal.Currency():
		p.Add("installment_multiple", fmt.Sprintf("is in %s, the principal in %s", m.Currency(), t.Principal.Currency()))
	case t.Method != EqualInstallment:
		p.Add("installment_multiple", "applies only to equal-installment schedules")
	}
}

func (t *Terms) validateShape(p *fault.Fields) {
	if !t.Method.Valid() {
		p.Add("method", "unknown method "+t.Method.String())
	}
	if !t.Frequency.Valid() {
		p.Add("frequency", "unknown frequency "+t.Frequency.String())
	}
	for _, e := range []struct {
		ok    bool
		field string
		name  fmt.Stringer
	}{
		{t.DayCount.Valid(), "day_count", t.DayCount},
		{t.Basis.Valid(), "basis", t.Basis},
		{t.BusinessDay.Valid(), "business_day", t.BusinessDay},
		{t.Totals.Valid(), "totals", t.Totals},
	} {
		if !e.ok {
			p.Add(e.field, "unknown value "+e.name.String())
		}
	}
	days := t.Frequency.effective() == Days
	if days {
		if t.Periods != 0 && t.Periods != 1 {
			p.Add("periods", fmt.Sprintf("must be 1 (or 0) for a loan of days, got %d", t.Periods))
		}
		if t.TermDays < 1 || t.TermDays > MaxTermDays {
			p.Add("term_days", fmt.Sprintf("must be 1 to %d for a loan of days, got %d", MaxTermDays, t.TermDays))
		}
	} else {
		if t.Periods < 1 || t.Periods > MaxPeriods {
			p.Add("periods", fmt.Sprintf("must be 1 to %d, got %d", MaxPeriods, t.Periods))
		}
		if t.TermDays != 0 {
			p.Add("term_days", "applies only to frequency days")
		}
	}
	single := days || t.Method == Bullet
	if t.PrincipalGrace < 0 {
		p.Add("principal_grace", "must not be negative")
	}
	if t.InterestGrace < 0 {
		p.Add("interest_grace", "must not be negative")
	}
	if grace := t.PrincipalGrace + t.InterestGrace; grace > 0 {
		field := "principal_grace"
		if t.PrincipalGrace <= 0 {
			field = "interest_grace"
		}
		switch {
		case single:
			p.Add(field, "does not apply to a single-payment loan")
		case t.PrincipalGrace >= 0 && t.InterestGrace >= 0 && grace >= t.Periods:
			p.Add(field, fmt.Sprintf("grace of %d periods must be shorter than the term of %d", grace, t.Periods))
		}
	}
	if t.Totals != RowSum && t.Method != EqualInstallment {
		p.Add("totals", "applies only to equal-installment schedules")
	}
	if t.Totals != RowSum && t.InterestGrace > 0 && !t.CapitalizeGrace {
		p.Add("totals", "cannot be combined with deferred grace interest")
	}
}

func (t *Terms) validateDates(p *fault.Fields) {
	startOK := true
	switch {
	case t.Start.IsZero():
		p.Add("start", "is required")
		startOK = false
	case !inYearRange(t.Start):
		p.Add("start", fmt.Sprintf("must be in the years %d to %d", minYear, maxYear))
		startOK = false
	}
	f := t.Frequency.effective()
	shapeOK := t.Frequency.Valid() && (t.Periods >= 0 && t.Periods <= MaxPeriods) && t.TermDays >= 0 && t.TermDays <= MaxTermDays
	if t.AnchorDay != 0 {
		switch {
		case t.AnchorDay < 0 || t.AnchorDay > 31:
			p.Add("anchor_day", fmt.Sprintf("must be 1 to 31, got %d", t.AnchorDay))
			shapeOK = false
		case !t.Frequency.Valid() || !shapes[f].anchored():
			p.Add("anchor_day", "applies only to monthly, quarterly, semi-annual, annual and semi-monthly loans")
			shapeOK = false
		case startOK && t.FirstDue.IsZero() && !onAnchor(t.Start, f, t.AnchorDay):
			p.Add("anchor_day", fmt.Sprintf("start %s is not on day %d", t.Start, t.AnchorDay))
		case !t.FirstDue.IsZero() && inYearRange(t.FirstDue) && !onAnchor(t.FirstDue, f, t.AnchorDay):
			p.Add("anchor_day", fmt.Sprintf("first due date %s is not on day %d", t.FirstDue, t.AnchorDay))
		}
	}
	if !t.FirstDue.IsZero() {
		switch {
		case f == Days || t.Method == Bullet:
			p.Add("first_due", "does not apply to a single-payment loan")
		case !inYearRange(t.FirstDue):
			p.Add("first_due", fmt.Sprintf("must be in the years %d to %d", minYear, maxYear))
		case startOK && !t.FirstDue.After(t.Start):
			p.Add("first_due", fmt.Sprintf("%s must be after the start %s", t.FirstDue, t.Start))
		case startOK && shapeOK && t.FirstDue.After(twoPeriodsAfter(f, t)):
			p.Add("first_due", fmt.Sprintf("%s is more than two periods after the start %s", t.FirstDue, t.Start))
		}
	}
	if startOK && shapeOK && p.Len() == 0 {
		n := max(t.Periods, 1)
		dues := t.dueDates()
		if last := dues.at(n); !inYearRange(last) || last.Before(t.Start) {
			p.Add("periods", fmt.Sprintf("the last due date falls after the year %d", maxYear))
		}
	}
}

// twoPeriodsAfter is the latest first due date a long first period allows.
func twoPeriodsAfter(f Frequency, t *Terms) date.Date {
	s := newStepper(f, t.Start, t.TermDays, t.AnchorDay)
	return s.at(2)
}
