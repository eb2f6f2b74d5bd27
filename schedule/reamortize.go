package schedule

import (
	"fmt"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// Keep says what a re-amortisation holds fixed.
type Keep uint8

// What Reamortize keeps.
const (
	// KeepTerm keeps the remaining number of installments; the installment
	// falls (or rises) with the new principal.
	KeepTerm Keep = iota + 1
	// KeepInstallment keeps the installment (the level payment of an
	// equal-installment loan, the principal part of an equal-principal or
	// flat loan) and shortens the term: the fewest remaining periods whose
	// installment does not exceed the current one.
	KeepInstallment
)

var keepNames = enum.New[Keep](ErrInvalidName, "keep", "", "keep-term", "keep-installment")

// String returns "keep-term" or "keep-installment".
func (k Keep) String() string { return keepNames.String(k) }

// ParseKeep parses "keep-term" or "keep-installment".
func ParseKeep(s string) (Keep, error) { return keepNames.Parse(s) }

// MarshalText encodes the choice's name.
func (k Keep) MarshalText() ([]byte, error) { return keepNames.MarshalText(k) }

// UnmarshalText decodes a choice's name; on an error k is unchanged.
func (k *Keep) UnmarshalText(b []byte) error { return keepNames.UnmarshalText(b, k) }

// Reamortize returns the plan for the rest of the loan when, on date from,
// its outstanding principal becomes outstanding (after a prepayment, or a
// restructuring). It is the building block for both.
//
// The installments whose regular (unadjusted) due date is on or before from
// stay as they were and are not part of the result; the result's
// installments are numbered from 1 and its Terms regenerate it: Start =
// from, Principal = outstanding, the remaining grace, the same anchor day.
// When from is not a due date, the first new period runs from from to the
// next due date and its interest is counted by days (a broken period).
// The original terms must be valid and multi-period (not bullet, not days).
// With InterestGrace and CapitalizeGrace false, from may not fall on or after
// the first due date and before installment InterestGrace+1 is due: the interest
// deferred to that installment is not part of the new principal and would be
// lost.
//
// The new plan has no down payment (outstanding is what is left to repay)
// and charges a broken first period's interest in its first installment
// (BrokenFirstInstallment). A loan disbursed in tranches is re-planned by
// Plan instead, and refused here.
//
// Bad arguments are a *fault.Fields wrapping ErrInvalidTerms that names
// each by its parameter ("from", "outstanding", "keep"), and the terms'
// fields as Terms spells them in JSON ("method").
func (s *Schedule) Reamortize(from date.Date, outstanding money.Amount, keep Keep) (*Schedule, error) {
	t := s.Terms
	if err := t.Validate(); err != nil {
		return nil, err
	}
	p := fault.Fields{Kind: ErrInvalidTerms}
	if t.Frequency.effective() == Days || t.Method == Bullet {
		p.Add("method", "a single-payment loan has nothing to re-amortise")
	}
	if len(t.Tranches) > 0 {
		p.Add("tranches", "a loan disbursed in tranches is re-planned with Plan")
	}
	switch {
	case outstanding.Currency() != t.Principal.Currency():
		p.Add("outstanding", fmt.Sprintf("outstanding %s is not in %s", outstanding, t.Principal.Currency()))
	case !outstanding.IsPositive() || outstanding.Minor() > money.MaxMinor:
		p.Add("outstanding", "outstanding principal must be positive, got "+outstanding.String())
	}
	if keep != KeepTerm && keep != KeepInstallment {
		p.Add("keep", "unknown choice "+keep.String())
	}
	dues := t.dueDates()
	done := 0 // installments due on or before from
	for done < t.Periods && !dues.at(done+1).After(from) {
		done++
	}
	if from.Before(t.Start) || done >= t.Periods {
		p.Add("from", fmt.Sprintf("%s must fall on or after the start %s and before the last due date", from, t.Start))
	} else if noPay, _ := t.graceSpan(); noPay > 0 && !t.CapitalizeGrace && done >= 1 && done <= noPay {
		// The interest of the grace periods already past is deferred to
		// installment InterestGrace+1, which the new plan replaces.
		p.Add("from", fmt.Sprintf("%s falls inside the %d interest-grace periods whose interest is deferred to installment %d: the deferred grace interest would be lost",
			from, t.InterestGrace, t.InterestGrace+1))
	}
	if err := p.Err(); err != nil {
		return nil, err
	}

	nt := t
	nt.Principal, nt.Start, nt.FirstDue = outstanding, from, date.Date{}
	nt.DownPayment, nt.BrokenPeriod = DownPayment{}, BrokenFirstInstallment
	nt.Fees = RecurringFees(t.Fees)
	noPay, interestOnly := t.graceSpan()
	nt.InterestGrace = max(0, noPay-done)
	left := max(0, noPay+interestOnly-done) // periods still without principal
	nt.PrincipalGrace = left - nt.InterestGrace
	if t.GraceLayout == GraceOverlapping {
		nt.PrincipalGrace = left
	}
	if shapes[t.Frequency.effective()].anchored() && !t.fixedDays() {
		nt.AnchorDay = t.AnchorDay
		if nt.AnchorDay == 0 { // the day the original dates keep to
			nt.AnchorDay = civilOf(t.Start).d
			if !t.FirstDue.IsZero() {
				nt.AnchorDay = civilOf(t.FirstDue).d
			}
		}
	}
	onBoundary := from == t.Start && t.FirstDue.IsZero() || done > 0 && from == dues.at(done)
	if !onBoundary {
		nt.FirstDue = dues.at(done + 1)
	}
	nt.Periods = t.Periods - done
	if keep == KeepInstallment {
		n, err := s.shortenedTerm(&nt)
		if err != nil {
			return nil, err
		}
		nt.Periods = n
	}
	return Generate(nt)
}

// shortenedTerm returns the fewest periods (at most nt.Periods) in which the
// new principal is repaid without the installment exceeding the original one.
func (s *Schedule) shortenedTerm(nt *Terms) (int, error) {
	kept, err := s.KeptInstallment()
	if err != nil {
		return 0, err
	}
	if !kept.IsPositive() { // a part that rounds to nothing keeps the term
		return nt.Periods, nil
	}
	return nt.KeepInstallmentPeriods(kept)
}

// KeptInstallment returns what a keep-installment re-amortisation of the
// schedule holds fixed: the level installment of an equal-installment loan,
// the principal part of an equal-principal or flat loan — computed on the
// balance after the grace periods over the amortising periods, so a broken
// first period or the last installment's residual does not change it.
// Other methods have none (a *fault.Fields naming "keep").
func (s *Schedule) KeptInstallment() (money.Amount, error) {
	t := &s.Terms
	if err := t.Validate(); err != nil {
		return money.Amount{}, err
	}
	if len(t.Tranches) > 0 {
		return money.Amount{}, invalid("tranches", "a loan disbursed in tranches keeps no single installment")
	}
	g, err := newGenerator(t)
	if err != nil {
		return money.Amount{}, err
	}
	noPay, interestOnly := t.graceSpan()
	grace := noPay + interestOnly
	balance := g.amortised
	if grace > 0 {
		lead := 0
		for lead < len(s.Installments) && s.Installments[lead].AtDisbursement() {
			lead++
		}
		if lead+grace > len(s.Installments) {
			return money.Amount{}, invalid("installments", fmt.Sprintf("%d rows do not cover the %d grace periods of the terms", len(s.Installments), grace))
		}
		balance = s.Installments[lead+grace-1].Balance.Minor()
	}
	pay, part, err := g.amortisation(balance, t.Periods-grace)
	if err != nil {
		return money.Amount{}, err
	}
	switch t.Method {
	case EqualInstallment:
		return g.amount(pay), nil
	case EqualPrincipal, Flat:
		return g.amount(part), nil
	}
	return money.Amount{}, invalid("keep", "keep-installment applies to equal-installment, equal-principal and flat loans")
}

// KeepInstallmentPeriods returns the number of periods a keep-installment
// re-amortisation gives terms t: the fewest, at most t.Periods, in which
// t.Principal is repaid while the installment does not exceed installment —
// the level installment for an equal-installment loan (the shortest term
// whose level payment fits), the principal part for an equal-principal or
// flat loan (⌈principal / part⌉ periods of the same part, the last taking
// the rest). Pass what KeptInstallment returns for the schedule being
// re-amortised.
//
// An equal-principal loan keeps its principal part, not its payment: its
// interest falls with the balance, so keeping the payment would raise the
// part and shorten the term further than the borrower agreed. 12,000 at
// 12 % over 12 months repays 1,000.00 a month; with 9,010.00 left after the
// second installment, ⌈9,010 / 1,000⌉ = 10 periods remain (keeping the
// payment of 1,100.00 would allow 9 periods of 1,001.11). Ten is the count
// of Apache Fineract's REDUCE_NUMBER_OF_INSTALLMENTS, which keeps the fixed
// principal amount (only REDUCE_EMI_AMOUNT resets it,
// AbstractCumulativeLoanScheduleGenerator.adjustInstallmentOrPrincipalAmount:
// nine of 1,000.00 and 10.00), and of Mambu's "recalculate the schedule,
// keep the same principal amount"
// (docs.mambu.com/docs/prepayment-recalculation-methods/). Reamortize then
// spreads the principal equally over those periods (901.00 each), so no
// installment's principal exceeds the agreed part.
//
// t must be valid and without grace periods; installment must be a
// positive amount in t's currency. Errors are a *fault.Fields wrapping
// ErrInvalidTerms naming "installment", "keep" or the terms' fields.
func (t Terms) KeepInstallmentPeriods(installment money.Amount) (int, error) {
	if err := t.Validate(); err != nil {
		return 0, err
	}
	if noPay, interestOnly := t.graceSpan(); noPay+interestOnly > 0 {
		return 0, invalid("keep", "keep-installment applies after the grace periods")
	}
	if installment.Currency() != t.Principal.Currency() || !installment.IsPositive() {
		return 0, invalid("installment", fmt.Sprintf("must be a positive amount in %s, got %s", t.Principal.Currency(), installment))
	}
	g, err := newGenerator(&t)
	if err != nil {
		return 0, err
	}
	switch t.Method {
	case EqualPrincipal, Flat:
		part := installment.Minor()
		n := (g.amortised + part - 1) / part
		return int(min(n, int64(t.Periods))), nil
	case EqualInstallment:
		// The installment falls as the term grows: binary search for the
		// shortest term whose installment fits.
		lo, hi := 1, t.Periods
		for lo < hi {
			mid := (lo + hi) / 2
			inst, err := levelInstallment(g.amount(g.amortised), g.periodic, mid, &t)
			if err != nil {
				return 0, tooLarge(err)
			}
			if inst.Minor() <= installment.Minor() {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		return lo, nil
	}
	return 0, invalid("keep", "keep-installment applies to equal-installment, equal-principal and flat loans")
}
