package schedule

import (
	"fmt"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
)

// Generate returns the repayment schedule for t. Invalid terms give a
// *ValidationError wrapping ErrInvalidTerms that lists every bad field; so
// do terms whose amounts would leave the range of money.Amount, and a
// calendar under which due dates collapse. Generate is pure: the same terms
// give the same schedule.
func Generate(t Terms) (*Schedule, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	g, err := newGenerator(&t)
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
	return &Schedule{Terms: t, Installments: rows}, nil
}

// generator holds what every period of one schedule shares.
type generator struct {
	t        *Terms
	zero     money.Amount // zero in the loan's currency
	dc       DayCount
	periodic money.Rate // annual / periods per year
	dues     dueDates
}

func newGenerator(t *Terms) (*generator, error) {
	g := &generator{t: t, zero: money.Zero(t.Principal.Currency()), dc: t.DayCount.effective(), dues: t.dueDates()}
	if ppy := t.Frequency.PeriodsPerYear(); ppy > 0 {
		r, err := t.AnnualRate.PerPeriod(ppy)
		if err != nil {
			return nil, invalid("AnnualRate", err.Error())
		}
		g.periodic = r
	}
	return g, nil
}

func (g *generator) single() bool { return g.t.Frequency.effective() == Days || g.t.Method == Bullet }

// tooLarge reports an amount that left money.Amount's range.
func tooLarge(err error) error {
	return invalid("Principal", "the schedule's amounts exceed the range of money.Amount ("+err.Error()+")")
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
		return due, due, invalid("Calendar", fmt.Sprintf("installment %d falls due on %s, not after %s", k, due, prev))
	}
	if g.t.InterestFollowsAdjusted {
		return due, due, nil
	}
	return due, unadjusted, nil
}

// interest returns period k's interest on base: by days for a broken first
// period or on the Actual basis, else at the periodic rate.
func (g *generator) interest(base money.Amount, k int, from, to date.Date) (money.Amount, error) {
	if g.t.Basis == Actual || (k == 1 && g.dues.broken) {
		return Accrue(base, g.t.AnnualRate, from, to, g.dc, g.t.Rounding)
	}
	return base.MulRate(g.periodic, g.t.Rounding)
}

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
		Balance: g.zero, Capitalized: g.zero,
	}}, nil
}

// installments builds a multi-period schedule: InterestGrace periods with no
// payment, PrincipalGrace interest-only periods, then the method's
// amortising periods. Everything in the loop is int64 arithmetic.
func (g *generator) installments() ([]Installment, error) {
	t := g.t
	n := t.Periods
	grace := t.InterestGrace + t.PrincipalGrace
	m := n - grace // amortising periods
	rows := make([]Installment, n)
	bal, deferred := t.Principal, g.zero
	var pay, part, flatBase money.Amount
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
		principal, capitalized := g.zero, g.zero
		switch {
		case k <= t.InterestGrace:
			if t.CapitalizeGrace {
				capitalized = interest
				if bal = bal.Add(interest); bal.Minor() > money.MaxMinor {
					return nil, tooLarge(money.ErrOutOfRange)
				}
			} else {
				deferred = deferred.Add(interest)
			}
			interest = g.zero
		case j < 1: // principal grace: interest only
		case j == m:
			principal = bal
		default:
			if principal, err = g.principal(bal, interest, pay, part, k); err != nil {
				return nil, err
			}
		}
		if k > t.InterestGrace {
			interest, deferred = interest.Add(deferred), g.zero
		}
		bal = bal.Sub(principal)
		rows[k-1] = Installment{
			Number: k, From: from, Due: due,
			Principal: principal, Interest: interest, Payment: principal.Add(interest),
			Balance: bal, Capitalized: capitalized,
		}
		prev, from = due, to
	}
	return rows, nil
}

// amortisation returns the level installment (equal installment) or the
// principal part (equal principal, flat) for repaying balance in m periods.
func (g *generator) amortisation(balance money.Amount, m int) (pay, part money.Amount, err error) {
	switch g.t.Method {
	case EqualInstallment:
		pay, err = annuity(balance, g.periodic, m).installment(g.t, balance.Currency())
		if err == nil && !pay.IsPositive() {
			err = invalid("InstallmentMultiple", fmt.Sprintf("the installment rounds to %s", pay))
		}
	case EqualPrincipal, Flat:
		part, err = balance.MulFrac(1, int64(m), g.t.Rounding)
	}
	if err != nil {
		if _, ok := err.(*ValidationError); !ok {
			err = tooLarge(err)
		}
	}
	return pay, part, err
}

// principal returns the principal part of amortising period k (not the
// last), kept between zero and the balance.
func (g *generator) principal(bal, interest, pay, part money.Amount, k int) (money.Amount, error) {
	p := part
	if g.t.Method == InterestOnly {
		return g.zero, nil
	}
	if g.t.Method == EqualInstallment {
		if k == 1 && g.dues.broken {
			// A broken first period keeps the regular principal part; only
			// its interest follows the actual days, so the first payment
			// differs from the level installment.
			regular, err := bal.MulRate(g.periodic, g.t.Rounding)
			if err != nil {
				return g.zero, tooLarge(err)
			}
			interest = regular
		}
		p = pay.Sub(interest)
	}
	return money.Max(g.zero, money.Min(p, bal)), nil
}
