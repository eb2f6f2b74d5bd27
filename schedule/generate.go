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
	cur      money.Currency
	dc       DayCount
	periodic money.Rate // annual / periods per year
	dues     dueDates
}

func newGenerator(t *Terms) (*generator, error) {
	g := &generator{t: t, cur: t.Principal.Currency(), dc: t.DayCount.effective(), dues: t.dueDates()}
	if ppy := t.Frequency.PeriodsPerYear(); ppy > 0 {
		r, err := t.AnnualRate.PerPeriod(ppy)
		if err != nil {
			return nil, invalid("annual_rate", err.Error())
		}
		g.periodic = r
	}
	return g, nil
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

// installments builds a multi-period schedule: InterestGrace periods with no
// payment, PrincipalGrace interest-only periods, then the method's
// amortising periods. The loop runs on int64 minor units of the one
// currency; amounts are formed only for the rows.
func (g *generator) installments() ([]Installment, error) {
	t := g.t
	n := t.Periods
	grace := t.InterestGrace + t.PrincipalGrace
	m := n - grace // amortising periods
	rows := make([]Installment, n)
	bal, deferred := t.Principal.Minor(), int64(0)
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
		case k <= t.InterestGrace:
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
		}
		if k > t.InterestGrace {
			interest, deferred = interest+deferred, 0
		}
		bal -= principal
		row := &rows[k-1]
		row.Number, row.From, row.Due = k, from, due
		row.Principal, row.Interest, row.Payment = g.amount(principal), g.amount(interest), g.amount(principal+interest)
		row.Balance, row.Capitalized = g.amount(bal), g.amount(capitalized)
		prev, from = due, to
	}
	return rows, nil
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
