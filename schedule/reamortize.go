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
	} else if t.InterestGrace > 0 && !t.CapitalizeGrace && done >= 1 && done <= t.InterestGrace {
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
	nt.InterestGrace = max(0, t.InterestGrace-done)
	nt.PrincipalGrace = max(0, t.InterestGrace+t.PrincipalGrace-done) - nt.InterestGrace
	if shapes[t.Frequency.effective()].anchored() {
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
	t := &s.Terms
	if nt.InterestGrace+nt.PrincipalGrace > 0 {
		return 0, invalid("keep", "keep-installment applies after the grace periods")
	}
	g, err := newGenerator(t)
	if err != nil {
		return 0, err
	}
	grace := t.InterestGrace + t.PrincipalGrace
	balance := t.Principal
	if grace > 0 {
		if grace > len(s.Installments) {
			return 0, invalid("installments", fmt.Sprintf("%d rows do not cover the %d grace periods of the terms", len(s.Installments), grace))
		}
		balance = s.Installments[grace-1].Balance
	}
	pay, part, err := g.amortisation(balance.Minor(), t.Periods-grace)
	if err != nil {
		return 0, err
	}
	switch t.Method {
	case EqualPrincipal, Flat:
		// ⌈outstanding / part⌉ periods of the same principal part.
		if part <= 0 {
			return nt.Periods, nil
		}
		n := (nt.Principal.Minor() + part - 1) / part
		return int(min(n, int64(nt.Periods))), nil
	case EqualInstallment:
		// The installment falls as the term grows: binary search for the
		// shortest term whose installment fits.
		lo, hi := 1, nt.Periods
		for lo < hi {
			mid := (lo + hi) / 2
			inst, err := levelInstallment(nt.Principal, g.periodic, mid, nt)
			if err != nil {
				return 0, tooLarge(err)
			}
			if inst.Minor() <= pay {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		return lo, nil
	}
	return 0, invalid("keep", "keep-installment applies to equal-installment, equal-principal and flat loans")
}
