package schedule

import (
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
)

// Totals are the sums over a schedule.
type Totals struct {
	Principal   money.Amount `json:"principal"`    // principal repaid (capitalised interest included)
	Interest    money.Amount `json:"interest"`     // interest payable
	Payment     money.Amount `json:"payment"`      // Principal + Interest + Fee
	Capitalized money.Amount `json:"capitalized"`  // grace interest added to the principal
	Fee         money.Amount `json:"fee,omitzero"` // the terms' fees
}

// Totals returns the schedule's totals under Terms.Totals: the sum of the
// installments (RowSum, the default), or for an equal-installment schedule
// the level payment × the amortising periods, rounded (LevelPayment) or
// exact and rounded once (UnroundedPayment), plus any grace payments.
// Principal is always the sum of the installments' principal.
func (s *Schedule) Totals() Totals {
	zero := money.Zero(s.Terms.Principal.Currency())
	t := Totals{zero, zero, zero, zero, zero}
	for _, in := range s.Installments {
		t.Principal = t.Principal.Add(in.Principal)
		t.Interest = t.Interest.Add(in.Interest)
		t.Payment = t.Payment.Add(in.Payment)
		t.Capitalized = t.Capitalized.Add(in.Capitalized)
		t.Fee = t.Fee.Add(in.Fee)
	}
	if level, ok := s.levelTotal(); ok {
		t.Payment = level.Add(t.Fee)
		t.Interest = level.Sub(t.Principal)
	}
	return t
}

// levelTotal is the total payment under the LevelPayment or
// UnroundedPayment convention; ok is false under RowSum or when the
// schedule's shape does not allow it.
func (s *Schedule) levelTotal() (money.Amount, bool) {
	t := &s.Terms
	if t.Totals == RowSum || t.Method != EqualInstallment {
		return money.Amount{}, false
	}
	cur := t.Principal.Currency()
	total, balance := money.Zero(cur), t.Principal
	rows := s.Installments
	for len(rows) > 0 && rows[0].AtDisbursement() { // a down payment
		total, balance = total.Add(rows[0].Payment.Sub(rows[0].Fee)), rows[0].Balance
		rows = rows[1:]
	}
	noPay, interestOnly := t.graceSpan()
	grace := noPay + interestOnly
	m := len(rows) - grace
	if grace < 0 || m < 1 {
		return money.Amount{}, false
	}
	g, err := newGenerator(t)
	if err != nil {
		return money.Amount{}, false
	}
	for _, in := range rows[:grace] {
		total, balance = total.Add(in.Payment.Sub(in.Fee)), in.Balance
	}
	l := annuity(balance, g.periodic, m)
	var amortised money.Amount
	if t.Totals == LevelPayment {
		pay, err := l.installment(t, cur)
		if err != nil {
			return money.Amount{}, false
		}
		amortised, err = pay.MulFrac(int64(m), 1, t.Rounding)
	} else {
		amortised, err = l.times(int64(m), cur, t.Rounding)
	}
	if err != nil {
		return money.Amount{}, false
	}
	return total.Add(amortised), true
}

// Maturity returns the due date of the last installment (the zero date for
// an empty schedule).
func (s *Schedule) Maturity() date.Date {
	if len(s.Installments) == 0 {
		return date.Date{}
	}
	return s.Installments[len(s.Installments)-1].Due
}
