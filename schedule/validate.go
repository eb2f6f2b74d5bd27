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
	// MaxTranches bounds Terms.Tranches and the tranches given to Plan:
	// each tranche re-amortises the rest of the schedule.
	MaxTranches = 360
)

// Validate reports every problem with the terms in one *fault.Fields
// (wrapping ErrInvalidTerms), each field named as Terms spells it in JSON
// ("principal", "interest_grace"), or nil. Generate calls it first.
func (t Terms) Validate() error {
	var p fault.Fields // on the stack unless something is wrong
	t.validateAmounts(&p)
	t.validateShape(&p)
	t.validateOptions(&p)
	t.validateDates(&p)
	t.validateFees(&p)
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
	case t.Method != EqualInstallment && t.Method != Flat:
		p.Add("installment_multiple", "applies only to equal-installment and flat schedules, not "+t.Method.String())
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
	if t.Frequency.effective() == EveryNDays {
		if t.PeriodDays < 1 || t.PeriodDays > MaxTermDays {
			p.Add("period_days", fmt.Sprintf("must be 1 to %d for frequency every-n-days, got %d", MaxTermDays, t.PeriodDays))
		}
	} else if t.PeriodDays != 0 {
		p.Add("period_days", "applies only to frequency every-n-days")
	}
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
	if !t.GraceLayout.Valid() {
		p.Add("grace_layout", "unknown layout "+t.GraceLayout.String())
	}
	overlapping := t.GraceLayout == GraceOverlapping
	if overlapping && t.InterestGrace > t.PrincipalGrace {
		p.Add("interest_grace", fmt.Sprintf("%d periods must not exceed principal_grace (%d) when grace_layout is overlapping",
			t.InterestGrace, t.PrincipalGrace))
	}
	grace := t.PrincipalGrace + t.InterestGrace
	if overlapping {
		grace = max(t.PrincipalGrace, t.InterestGrace)
	}
	if grace > 0 {
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
	if t.Totals != RowSum && t.BrokenPeriod != BrokenFirstInstallment {
		p.Add("totals", "cannot be combined with broken_period "+t.BrokenPeriod.String())
	}
	if t.Totals != RowSum && len(t.Tranches) > 0 {
		p.Add("totals", "cannot be combined with tranches")
	}
}

// validateOptions checks the broken-period convention, the fixed
// semi-monthly days, the down payment and the tranches' amounts.
func (t *Terms) validateOptions(p *fault.Fields) {
	single := t.Frequency.effective() == Days || t.Method == Bullet
	switch {
	case !t.BrokenPeriod.Valid():
		p.Add("broken_period", "unknown convention "+t.BrokenPeriod.String())
	case t.BrokenPeriod == BrokenFirstInstallment:
	case single:
		p.Add("broken_period", "does not apply to a single-payment loan")
	case t.Basis != Periodic:
		p.Add("broken_period", t.BrokenPeriod.String()+" needs the periodic basis: on the actual basis every period's interest follows its days")
	}
	if d := t.SemiMonthlyDays; d != [2]int{} {
		switch {
		case t.Frequency.effective() != SemiMonthly:
			p.Add("semi_monthly_days", "applies only to frequency semi-monthly")
		case d[0] < 1 || d[0] > 27 || d[1] <= d[0] || d[1] > 31:
			p.Add("semi_monthly_days", fmt.Sprintf("%v must be two days of the month, the first 1 to 27 and the second after it up to 31 (the month's end)", d))
		case t.AnchorDay != 0:
			p.Add("anchor_day", "cannot be combined with semi_monthly_days, which fix the due days")
		}
	}
	cur := t.Principal.Currency()
	dp := t.DownPayment
	switch {
	case dp.IsZero():
	case single:
		p.Add("down_payment", "does not apply to a single-payment loan")
	case !dp.Share.IsZero() && !dp.Amount.IsZero():
		p.Add("down_payment", "give a share or an amount, not both")
	case !dp.Share.IsZero():
		if dp.Share.IsNegative() || dp.Share.Cmp(money.MustRate("1")) >= 0 {
			p.Add("down_payment.share", "must be above 0 and below 1 (100%), got "+dp.Share.String())
		}
	default:
		first := t.Principal
		if len(t.Tranches) > 0 {
			first = t.Tranches[0].Amount
		}
		switch {
		case dp.Amount.Currency() != cur:
			p.Add("down_payment.amount", fmt.Sprintf("is in %s, the principal in %s", dp.Amount.Currency(), cur))
		case !dp.Amount.IsPositive():
			p.Add("down_payment.amount", "must be positive, got "+dp.Amount.String())
		case first.Currency() == cur && dp.Amount.Cmp(first) >= 0:
			p.Add("down_payment.amount", fmt.Sprintf("%s must be below the first disbursement %s", dp.Amount, first))
		}
	}
	if len(t.Tranches) == 0 {
		return
	}
	if single {
		p.Add("tranches", "do not apply to a single-payment loan")
		return
	}
	if len(t.Tranches) > MaxTranches {
		p.Add("tranches", fmt.Sprintf("%d tranches are more than %d", len(t.Tranches), MaxTranches))
		return
	}
	sum, ok := int64(0), true
	for i, tr := range t.Tranches {
		if !checkTrancheAmount(p, fmt.Sprintf("tranches[%d].amount", i), tr.Amount, cur) {
			ok = false
			continue
		}
		sum += tr.Amount.Minor()
	}
	if ok && t.Principal.IsPositive() && sum != t.Principal.Minor() {
		p.Add("tranches", fmt.Sprintf("add up to %s, not the principal %s", money.New(sum, cur), t.Principal))
	}
}

// checkTrancheAmount reports a tranche amount that is not a positive
// amount of the loan's currency.
func checkTrancheAmount(p *fault.Fields, field string, a money.Amount, cur money.Currency) bool {
	switch {
	case a.Currency() != cur:
		p.Add(field, fmt.Sprintf("is in %s, the principal in %s", a.Currency(), cur))
	case !a.IsPositive() || a.Minor() > money.MaxMinor:
		p.Add(field, "must be positive, got "+a.String())
	default:
		return true
	}
	return false
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
	shapeOK := t.Frequency.Valid() && (t.Periods >= 0 && t.Periods <= MaxPeriods) && t.TermDays >= 0 && t.TermDays <= MaxTermDays &&
		(f != EveryNDays || t.PeriodDays >= 1 && t.PeriodDays <= MaxTermDays)
	fixed := t.SemiMonthlyDays != [2]int{}
	if fixed && (f != SemiMonthly || t.SemiMonthlyDays[0] < 1 || t.SemiMonthlyDays[0] > 27 ||
		t.SemiMonthlyDays[1] <= t.SemiMonthlyDays[0] || t.SemiMonthlyDays[1] > 31) {
		shapeOK = false // reported by validateOptions
	}
	if t.AnchorDay != 0 {
		switch {
		case t.AnchorDay < 0 || t.AnchorDay > 31:
			p.Add("anchor_day", fmt.Sprintf("must be 1 to 31, got %d", t.AnchorDay))
			shapeOK = false
		case !t.Frequency.Valid() || !shapes[f].anchored():
			p.Add("anchor_day", "applies only to monthly, quarterly, semi-annual, annual and semi-monthly loans")
			shapeOK = false
		case t.SemiMonthlyDays != [2]int{}:
			shapeOK = false // reported by validateOptions
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
		case fixed && shapeOK && !t.onFixedDay(t.FirstDue):
			p.Add("first_due", fmt.Sprintf("%s is not on one of the semi_monthly_days %v", t.FirstDue, t.SemiMonthlyDays))
		case startOK && shapeOK && t.FirstDue.After(t.twoPeriodsAfter()):
			p.Add("first_due", fmt.Sprintf("%s is more than two periods after the start %s", t.FirstDue, t.Start))
		}
	}
	// The due dates are computed only from fields found good.
	gridOK := startOK && shapeOK
	for _, f := range p.List {
		switch f.Name {
		case "periods", "term_days", "frequency", "period_days", "semi_monthly_days", "anchor_day", "first_due":
			gridOK = false
		}
	}
	if gridOK {
		n := max(t.Periods, 1)
		dues := t.dueDates()
		last := dues.at(n)
		if !inYearRange(last) || last.Before(t.Start) {
			p.Add("periods", fmt.Sprintf("the last due date falls after the year %d", maxYear))
			return
		}
		if t.BrokenPeriod == BrokenUpfront && dues.broken && dues.first.Before(t.oneRegularPeriod()) {
			p.Add("broken_period", fmt.Sprintf("upfront needs a long first period: the first due date %s comes before a regular period from the start %s would end", dues.first, t.Start))
		}
		t.validateTrancheDates(p, "tranches", t.Tranches, last)
	}
}

// validateTrancheDates checks that the tranches are disbursed on the start
// and then at increasing dates before the last due date.
func (t *Terms) validateTrancheDates(p *fault.Fields, prefix string, ts []Tranche, last date.Date) {
	for i, tr := range ts {
		field := fmt.Sprintf("%s[%d].date", prefix, i)
		switch {
		case i == 0 && tr.Date != t.Start:
			p.Add(field, fmt.Sprintf("the first tranche is paid out on the start %s, not %s", t.Start, tr.Date))
		case i > 0 && !tr.Date.After(ts[i-1].Date):
			p.Add(field, fmt.Sprintf("%s must be after the previous tranche's %s", tr.Date, ts[i-1].Date))
		case !tr.Date.Before(last):
			p.Add(field, fmt.Sprintf("%s is not before the last due date %s", tr.Date, last))
		}
	}
}

// twoPeriodsAfter is the latest first due date a long first period allows.
func (t *Terms) twoPeriodsAfter() date.Date {
	if t.fixedDays() {
		return t.nextFixedDay(t.nextFixedDay(t.Start))
	}
	s := t.stepper(t.Start)
	return s.at(2)
}

// oneRegularPeriod is the due date of a regular first period: one step
// after the start, or the second fixed semi-monthly day after an off-day
// start.
func (t *Terms) oneRegularPeriod() date.Date {
	if t.fixedDays() {
		if t.onFixedDay(t.Start) {
			return t.nextFixedDay(t.Start)
		}
		return t.nextFixedDay(t.nextFixedDay(t.Start))
	}
	s := t.stepper(t.Start)
	return s.at(1)
}
