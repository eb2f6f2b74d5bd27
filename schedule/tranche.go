package schedule

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// Disbursements returns the disbursements the terms plan: the Tranches, or
// the whole Principal on Start. It is a copy.
func (t Terms) Disbursements() []Tranche {
	if len(t.Tranches) == 0 {
		return []Tranche{{Date: t.Start, Amount: t.Principal}}
	}
	return append([]Tranche(nil), t.Tranches...)
}

// Undisbursed returns the part of the principal (the approved amount) that
// the disbursed tranches have not paid out yet: Principal less their sum.
// Plan refuses disbursements above the principal; Undisbursed does not
// check them, and is negative for such.
func (t Terms) Undisbursed(disbursed []Tranche) money.Amount {
	left := t.Principal
	for _, tr := range disbursed {
		if tr.Amount.SameCurrency(left) {
			left = left.Sub(tr.Amount)
		}
	}
	return left
}

// Plan returns the repayment plan of a loan once the tranches disbursed so
// far have been paid out — the schedule is recomputed at each tranche,
// which is what a servicer posting the disbursements needs. The first
// tranche is disbursed on Start; the others at increasing dates before the
// last due date; together they may not exceed Principal (the rest stays
// undisbursed and is not scheduled). They need not be the planned Tranches:
// actual disbursements often differ from the plan in date and amount.
//
// The first tranche is scheduled as a loan of its amount. Each later one,
// on date d, keeps the installments due on or before d; the interest on
// the balance from the period's start to d, by days, moves into the next
// installment, the tranche's down payment (DownPayment.Share of it) falls
// due on d (AtDisbursement), and the balance plus the tranche less its down
// payment is re-amortised over the remaining installments (Reamortize,
// KeepTerm), keeping the due dates and the maturity. Interest accrued
// during a period of interest grace is charged in the first installment
// with a payment, not capitalised; a tranche after the first due date and
// within deferred (not capitalised) interest grace is refused, as
// Reamortize refuses it, because the interest deferred so far would be
// lost. This is how Apache
// Fineract recomputes a multi-disbursement loan's schedule (its e2e feature
// LoanDownPayment.feature, "Double disbursement different day": 1,000
// then 400 on 10 January at 0 %, 25 % down, gives 250 down, 100 down and
// three installments of 350).
//
// The result's Terms are t; its installments, numbered from 1, repay the
// amount disbursed (Totals().Principal), not the undisbursed rest. Bad
// tranches are a *fault.Fields wrapping ErrInvalidTerms naming each as
// "disbursed[i].date" or "disbursed[i].amount"; bad terms name their
// fields as Validate does.
func (t Terms) Plan(disbursed []Tranche) (*Schedule, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return t.plan(disbursed, "disbursed")
}

// plan is Plan on valid terms; prefix names the tranches in errors.
func (t Terms) plan(disbursed []Tranche, prefix string) (*Schedule, error) {
	if err := t.checkDisbursed(disbursed, prefix); err != nil {
		return nil, err
	}
	base := t
	base.Tranches, base.Principal = nil, disbursed[0].Amount
	s, err := generate(&base)
	if err != nil {
		return nil, err
	}
	base.DownPayment.Amount = money.Amount{} // the later tranches take only a share
	rows := s.Installments
	for i, tr := range disbursed[1:] {
		if rows, err = base.disburse(s, rows, tr, fmt.Sprintf("%s[%d]", prefix, i+1)); err != nil {
			return nil, err
		}
	}
	for i := range rows {
		rows[i].Number = i + 1
	}
	return &Schedule{Terms: t, Installments: rows}, nil
}

// checkDisbursed reports bad disbursed tranches.
func (t *Terms) checkDisbursed(ts []Tranche, prefix string) error {
	p := fault.Fields{Kind: ErrInvalidTerms}
	if len(ts) == 0 {
		p.Add(prefix, "needs the first tranche, disbursed on the start "+t.Start.String())
		return p.Err()
	}
	if len(ts) > MaxTranches {
		p.Add(prefix, fmt.Sprintf("%d tranches are more than %d", len(ts), MaxTranches))
		return p.Err()
	}
	cur := t.Principal.Currency()
	sum, ok := int64(0), true
	for i, tr := range ts {
		if !checkTrancheAmount(&p, fmt.Sprintf("%s[%d].amount", prefix, i), tr.Amount, cur) {
			ok = false
			continue
		}
		sum += tr.Amount.Minor()
	}
	if ok && sum > t.Principal.Minor() {
		p.Add(prefix, fmt.Sprintf("disburse %s, more than the principal %s", money.New(sum, cur), t.Principal))
	}
	dues := t.dueDates()
	t.validateTrancheDates(&p, prefix, ts, dues.at(t.Periods))
	if ok && !t.DownPayment.Amount.IsZero() && t.DownPayment.Amount.Cmp(ts[0].Amount) >= 0 {
		p.Add(prefix+"[0].amount", fmt.Sprintf("%s is not above the down payment %s", ts[0].Amount, t.DownPayment.Amount))
	}
	return p.Err()
}

// disburse adds tranche tr to the plan rows of the schedule s (the first
// tranche's): see Plan. field names the tranche in errors.
func (t *Terms) disburse(s *Schedule, rows []Installment, tr Tranche, field string) ([]Installment, error) {
	keep := 0 // rows due on or before the tranche
	for keep < len(rows) && !rows[keep].Due.After(tr.Date) {
		keep++
	}
	balance := t.Principal
	if keep > 0 {
		balance = rows[keep-1].Balance
	}
	down, err := t.downPaymentOn(tr.Amount, false, field+".amount: down_payment")
	if err != nil {
		return nil, err
	}
	outstanding := balance.Add(tr.Amount).Sub(down)
	// The period running on the tranche date accrues on the old balance
	// up to it; from it, the new plan accrues on the new balance.
	periodStart := t.Start
	for i := keep - 1; i >= 0; i-- {
		if !rows[i].AtDisbursement() {
			periodStart = rows[i].Due
			break
		}
	}
	var accrued money.Amount
	if periodStart.Before(tr.Date) && balance.IsPositive() {
		accrued, err = Accrue(balance, t.AnnualRate, periodStart, tr.Date, t.DayCount.effective(), t.Rounding)
		if err != nil {
			return nil, tooLarge(err)
		}
	}
	next, err := s.Reamortize(tr.Date, outstanding, KeepTerm)
	if err != nil {
		var bad *fault.Fields
		if errors.As(err, &bad) {
			named := fault.Fields{Kind: ErrInvalidTerms}
			for _, f := range bad.List {
				named.Add(field, f.Name+": "+f.Problem)
			}
			return nil, &named
		}
		return nil, err
	}
	fee, err := t.trancheFee(tr.Amount)
	if err != nil {
		return nil, err
	}
	out := append(rows[:keep:keep], make([]Installment, 0, len(next.Installments)+1)...)
	if down.IsPositive() || fee > 0 {
		// Due on the tranche's date: its down payment and upfront fees,
		// both taken out of what is paid out.
		z := money.Zero(tr.Amount.Currency())
		if !down.IsPositive() {
			down = z
		}
		row := Installment{From: tr.Date, Due: tr.Date, Principal: down, Interest: z,
			Payment: down, Balance: outstanding, Capitalized: z, Fee: z}
		addFee(&row, fee, z.Currency())
		out = append(out, row)
	}
	for i, in := range next.Installments {
		if !accrued.IsZero() && in.Payment.IsPositive() {
			// The first installment with a payment (after any interest
			// grace) takes the interest accrued before the tranche.
			if i == 0 {
				in.From = periodStart
			}
			in.Interest, in.Payment = in.Interest.Add(accrued), in.Payment.Add(accrued)
			accrued = money.Amount{}
		}
		out = append(out, in)
	}
	return out, nil
}

// trancheJSON is the wire form of a Tranche.
type trancheJSON struct {
	Date   string       `json:"date"`
	Amount money.Amount `json:"amount"`
}

// MarshalJSON encodes {"date": "2026-01-15", "amount": "CNY 5000.00"}.
func (tr Tranche) MarshalJSON() ([]byte, error) {
	return json.Marshal(trancheJSON{optionalDate(tr.Date), tr.Amount})
}

// UnmarshalJSON decodes the form MarshalJSON writes; unknown fields and
// malformed dates are errors, and it never panics.
func (tr *Tranche) UnmarshalJSON(b []byte) error {
	var w trancheJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return fmt.Errorf("schedule: tranche: %w", err)
	}
	d, err := ParseDate(w.Date)
	if err != nil {
		return fmt.Errorf("schedule: tranche: date: %w", err)
	}
	*tr = Tranche{Date: d, Amount: w.Amount}
	return nil
}
