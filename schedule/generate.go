package schedule

import (
	"fmt"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// Generate returns the repayment schedule for t. Invalid terms give a
// *fault.Fields wrapping ErrInvalidTerms that lists every bad field; so
// do terms whose amounts would leave the range of money.Amount, and a
// calendar under which due dates collapse. Generate is pure: the same terms
// give the same schedule. Terms with Tranches give the plan when every
// tranche is paid out as planned (Plan with t.Tranches).
func Generate(t Terms) (*Schedule, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if len(t.Tranches) > 0 {
		return t.plan(t.Tranches, "tranches")
	}
	s, err := generate(&t)
	if err != nil || t.MaxAnnualRate.IsZero() {
		return s, err
	}
	// The cap bounds the all-in rate, fees included, not only the nominal
	// rate Validate checks (PBoC Announcement [2021] No. 3: the annualised
	// rate counts every cost of the loan).
	limit := t.MaxAnnualRate.Decimal(APRPlaces)
	if above, apr, err := s.AllInAbove(limit); err == nil && above {
		return nil, invalid("max_annual_rate", fmt.Sprintf("the all-in annual rate (APR, IRR method) %s%% is above the cap of %s",
			apr.Shift(2).StringFixed(CapPlaces-2), t.MaxAnnualRate.Percent(6)))
	}
	return s, nil
}

// generate builds the schedule of valid terms disbursed at once.
func generate(t *Terms) (*Schedule, error) {
	g, err := newGenerator(t)
	if err != nil {
		return nil, err
	}
	var rows []Installment
	if g.single() {
		rows, err = g.singlePayment()
	} else {
		rows, err = g.installments()
	}
	if err != nil {
		return nil, err
	}
	if rows, err = t.addFees(rows); err != nil {
		return nil, err
	}
	return &Schedule{Terms: *t, Installments: rows}, nil
}

// generator holds what every period of one schedule shares.
type generator struct {
	t         *Terms
	cur       money.Currency
	dc        DayCount
	periodic  money.Rate // annual / periods per year
	dues      dueDates
	amortised int64 // Principal less the down payment
	down      int64 // the down payment
	// level is set when a broken first period charges only a regular
	// period's interest (regular) in its installment, its extra going
	// elsewhere (BrokenSpread, BrokenUpfront).
	level          bool
	regular, extra int64
}

// newGenerator prepares what every period of t shares. It returns the
// generator by value: kept on the caller's stack, it and the terms it
// points to cost no allocation (BenchmarkGenerate: 2 allocations a
// schedule, not 4).
func newGenerator(t *Terms) (generator, error) {
	g := generator{t: t, cur: t.Principal.Currency(), dc: t.DayCount.effective(), dues: t.dueDates(),
		amortised: t.Principal.Minor()}
	if ppy := t.Frequency.PeriodsPerYear(); ppy > 0 {
		r, err := t.AnnualRate.PerPeriod(ppy)
		if err != nil {
			return g, invalid("annual_rate", err.Error())
		}
		g.periodic = r
	} else if t.Frequency.effective() == EveryNDays {
		r, err := t.AnnualRate.Mul(int64(t.PeriodDays), g.dc.yearDays())
		if err != nil {
			return g, invalid("annual_rate", err.Error())
		}
		g.periodic = r
	}
	if !t.DownPayment.IsZero() {
		down, err := t.downPaymentOn(t.Principal, true, "down_payment")
		if err != nil {
			return g, err
		}
		g.down, g.amortised = down.Minor(), g.amortised-down.Minor()
	}
	return g, nil
}

// yearDays is the year a days frequency divides the annual rate by, as
// Fineract's daysInYearType does: 360 for 30/360 and ACT/360, 365 for the
// others (ACT/ACT's "actual" year counts as 365 there too).
func (dc DayCount) yearDays() int64 {
	switch dc.effective() {
	case Thirty360, Actual360:
		return 360
	}
	return 365
}

// downPaymentOn returns the down payment due when amount is disbursed (the
// first disbursement, or a later tranche), rounded as DownPayment says;
// field names the down payment in errors.
func (t *Terms) downPaymentOn(amount money.Amount, first bool, field string) (money.Amount, error) {
	dp := t.DownPayment
	zero := money.Zero(amount.Currency())
	switch {
	case !dp.Share.IsZero():
		// Rounded to the minor unit, then to the multiple, as Fineract
		// does (Money.roundToMultiplesOf of the scaled share).
		d, err := amount.MulRate(dp.Share, t.Rounding)
		if m := t.InstallmentMultiple; err == nil && m.IsPositive() {
			d, err = d.RoundToMultiple(m, t.InstallmentRounding)
		}
		if err != nil {
			return zero, tooLarge(err)
		}
		if d.Cmp(amount) >= 0 {
			return zero, invalid(field+".share", fmt.Sprintf("rounds to %s, leaving nothing of %s to repay", d, amount))
		}
		return d, nil
	case first:
		return dp.Amount, nil
	}
	return zero, nil
}

func (g *generator) single() bool { return g.t.Frequency.effective() == Days || g.t.Method == Bullet }

// tooLarge reports an amount that left money.Amount's range.
func tooLarge(err error) error {
	return invalid("principal", "the schedule's amounts exceed the range of money.Amount ("+err.Error()+")")
}

// dueDate returns installment k's adjusted due date and the date its
// interest runs to (the adjusted one only if InterestFollowsAdjusted).
func (g *generator) dueDate(k int, prev date.Date) (due, accrualEnd date.Date, err error) {
	unadjusted := g.dues.at(k)
	due, err = adjust(unadjusted, g.t.BusinessDay, g.t.Calendar)
	if err != nil {
		return due, due, err
	}
	if !due.After(prev) {
		return due, due, invalid("calendar", fmt.Sprintf("installment %d falls due on %s, not after %s", k, due, prev))
	}
	if g.t.InterestFollowsAdjusted {
		return due, due, nil
	}
	return due, unadjusted, nil
}

// interest returns period k's interest on base minor units: by days for a
// broken first period or on the Actual basis, else at the periodic rate.
func (g *generator) interest(base int64, k int, from, to date.Date) (int64, error) {
	var (
		a   money.Amount
		err error
	)
	if g.t.Basis == Actual || (k == 1 && g.dues.broken) {
		if k == 1 && g.level {
			return g.regular, nil // the extra goes elsewhere (BrokenPeriod)
		}
		a, err = Accrue(g.amount(base), g.t.AnnualRate, from, to, g.dc, g.t.Rounding)
	} else {
		a, err = g.amount(base).MulRate(g.periodic, g.t.Rounding)
	}
	return a.Minor(), err
}

// amount returns minor units in the loan's currency.
func (g *generator) amount(minor int64) money.Amount { return money.New(minor, g.cur) }

// singlePayment builds the one installment of a bullet loan or a loan of days.
func (g *generator) singlePayment() ([]Installment, error) {
	t := g.t
	n := max(t.Periods, 1)
	due, end, err := g.dueDate(n, t.Start)
	if err != nil {
		return nil, err
	}
	var interest money.Amount
	if t.Basis == Actual || t.Frequency.effective() == Days {
		interest, err = Accrue(t.Principal, t.AnnualRate, t.Start, end, g.dc, t.Rounding)
	} else {
		var r money.Rate
		if r, err = g.periodic.Mul(int64(n), 1); err == nil {
			interest, err = t.Principal.MulRate(r, t.Rounding) // round(P·r·n), rounded once
		}
	}
	if err != nil {
		return nil, tooLarge(err)
	}
	return []Installment{{
		Number: 1, From: t.Start, Due: due,
		Principal: t.Principal, Interest: interest, Payment: t.Principal.Add(interest),
		Balance: g.amount(0), Capitalized: g.amount(0),
	}}, nil
}

// installments builds a multi-period schedule: the periods with no
// payment, the interest-only ones, then the method's amortising periods,
// after a row due at disbursement when there is a down payment or upfront
// interest. The loop runs on int64 minor units of the one currency;
// amounts are formed only for the rows.
func (g *generator) installments() ([]Installment, error) {
	t := g.t
	n := t.Periods
	noPay, interestOnly := t.graceSpan()
	grace := noPay + interestOnly
	m := n - grace // amortising periods
	if t.BrokenPeriod != BrokenFirstInstallment && g.dues.broken {
		if err := g.brokenExtra(); err != nil {
			return nil, err
		}
	}
	upfront := int64(0)
	if t.BrokenPeriod == BrokenUpfront {
		upfront = g.extra
	}
	lead := 0
	if g.down > 0 || upfront > 0 {
		lead = 1
	}
	rows := make([]Installment, lead+n)
	bal, deferred := g.amortised, int64(0)
	var pay, part, flatBase int64
	prev, from := t.Start, t.Start
	for k := 1; k <= n; k++ {
		due, to, err := g.dueDate(k, prev)
		if err != nil {
			return nil, err
		}
		j := k - grace // amortising index, 1..m
		if j == 1 {
			if pay, part, err = g.amortisation(bal, m); err != nil {
				return nil, err
			}
			flatBase = bal
		}
		base := bal
		if t.Method == Flat && j >= 1 {
			base = flatBase
		}
		interest, err := g.interest(base, k, from, to)
		if err != nil {
			return nil, tooLarge(err)
		}
		var principal, capitalized int64
		switch {
		case k <= noPay:
			if t.CapitalizeGrace {
				capitalized = interest
				if bal += interest; bal > money.MaxMinor {
					return nil, tooLarge(money.ErrOutOfRange)
				}
			} else {
				deferred += interest
			}
			interest = 0
		case j < 1: // principal grace: interest only
		case j == m:
			principal = bal
		default:
			if principal, err = g.principal(bal, interest, pay, part, k); err != nil {
				return nil, err
			}
			if t.Method == Flat && t.InstallmentMultiple.IsPositive() {
				principal = g.flatMultiple(principal, interest+deferred, bal)
			}
		}
		if k > noPay {
			interest, deferred = interest+deferred, 0
		}
		bal -= principal
		row := &rows[lead+k-1]
		row.Number, row.From, row.Due = lead+k, from, due
		row.Principal, row.Interest, row.Payment = g.amount(principal), g.amount(interest), g.amount(principal+interest)
		row.Balance, row.Capitalized = g.amount(bal), g.amount(capitalized)
		prev, from = due, to
	}
	if lead > 0 {
		rows[0] = Installment{Number: 1, From: t.Start, Due: t.Start,
			Principal: g.amount(g.down), Interest: g.amount(upfront), Payment: g.amount(g.down + upfront),
			Balance: g.amount(g.amortised), Capitalized: g.amount(0)}
	}
	if t.BrokenPeriod == BrokenSpread && g.extra != 0 {
		if err := g.spread(rows[lead+grace:]); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// graceSpan returns the periods with no payment and the interest-only
// periods after them, whichever GraceLayout the terms use.
func (t *Terms) graceSpan() (noPay, interestOnly int) {
	if t.GraceLayout == GraceOverlapping {
		return t.InterestGrace, max(0, t.PrincipalGrace-t.InterestGrace)
	}
	return t.InterestGrace, t.PrincipalGrace
}

// brokenExtra sets the interest a broken first period charges beyond a
// regular one, for the conventions that keep it out of the first
// installment: the period's interest by days less a regular period's.
func (g *generator) brokenExtra() error {
	t := g.t
	_, to, err := g.dueDate(1, t.Start)
	if err != nil {
		return err
	}
	actual, err := Accrue(g.amount(g.amortised), t.AnnualRate, t.Start, to, g.dc, t.Rounding)
	if err != nil {
		return tooLarge(err)
	}
	regular, err := g.amount(g.amortised).MulRate(g.periodic, t.Rounding)
	if err != nil {
		return tooLarge(err)
	}
	g.level, g.regular, g.extra = true, regular.Minor(), actual.Minor()-regular.Minor()
	if t.BrokenPeriod == BrokenUpfront && g.extra < 0 {
		return invalid("broken_period", fmt.Sprintf("upfront: the first period's interest by its days, %s, is below a regular period's %s, so there is nothing to charge upfront",
			actual, regular))
	}
	return nil
}

// spread adds the broken period's extra interest to the amortising rows,
// split by the largest-remainder method over equal weights: each row takes
// the truncated share and the first rows one minor unit more (less for a
// negative extra).
func (g *generator) spread(rows []Installment) error {
	n := int64(len(rows))
	share, rest := g.extra/n, g.extra%n
	unit := int64(1)
	if rest < 0 {
		unit, rest = -1, -rest
	}
	for i := range rows {
		add := share
		if int64(i) < rest {
			add += unit
		}
		r := &rows[i]
		r.Interest, r.Payment = g.amount(r.Interest.Minor()+add), g.amount(r.Payment.Minor()+add)
		if r.Interest.IsNegative() {
			return invalid("broken_period", fmt.Sprintf("spread: the short first period's negative extra interest %s leaves installment %d with negative interest",
				g.amount(g.extra), r.Number))
		}
	}
	return nil
}

// flatMultiple returns the principal of a flat installment whose principal
// part and interest are each rounded to the installment multiple, as
// Fineract computes it: rounded part + rounded interest − interest, kept
// between zero and the balance. The part was rounded once by amortisation.
func (g *generator) flatMultiple(part, interest, bal int64) int64 {
	step := g.amount(g.t.InstallmentMultiple.Minor())
	rounded, err := g.amount(interest).RoundToMultiple(step, g.t.InstallmentRounding)
	if err != nil { // the mode and the multiple were validated
		return max(0, min(part, bal))
	}
	return max(0, min(part+rounded.Minor()-interest, bal))
}

// amortisation returns the level installment (equal installment) or the
// principal part (equal principal, flat) for repaying balance in m periods.
func (g *generator) amortisation(balance int64, m int) (pay, part int64, err error) {
	var a money.Amount
	switch g.t.Method {
	case EqualInstallment:
		a, err = levelInstallment(g.amount(balance), g.periodic, m, g.t)
		if err == nil && !a.IsPositive() {
			err = invalid("installment_multiple", fmt.Sprintf("the installment rounds to %s", a))
		}
		pay = a.Minor()
	case EqualPrincipal, Flat:
		a, err = g.amount(balance).MulFrac(1, int64(m), g.t.Rounding)
		if step := g.t.InstallmentMultiple; err == nil && step.IsPositive() { // flat only
			a, err = a.RoundToMultiple(step, g.t.InstallmentRounding)
		}
		part = a.Minor()
	}
	if err != nil {
		if _, ok := err.(*fault.Fields); !ok {
			err = tooLarge(err)
		}
	}
	return pay, part, err
}

// principal returns the principal part of amortising period k (not the
// last), kept between zero and the balance.
func (g *generator) principal(bal, interest, pay, part int64, k int) (int64, error) {
	switch g.t.Method {
	case InterestOnly:
		return 0, nil
	case EqualInstallment:
		if k == 1 && g.dues.broken {
			// A broken first period keeps the regular principal part; only
			// its interest follows the actual days, so the first payment
			// differs from the level installment.
			regular, err := g.amount(bal).MulRate(g.periodic, g.t.Rounding)
			if err != nil {
				return 0, tooLarge(err)
			}
			interest = regular.Minor()
		}
		part = pay - interest
	}
	return max(0, min(part, bal)), nil
}
