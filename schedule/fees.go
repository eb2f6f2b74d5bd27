package schedule

import (
	"fmt"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// FeeKind says when a fee in the terms falls due.
type FeeKind uint8

// Fee kinds. Each is charged on the schedule's installments (Installment.Fee)
// and so counts in the all-in rate (APR), which must include "every fee
// directly related to the loan" (PBoC Announcement [2021] No. 3).
const (
	// FeeUpfront is charged once, at disbursement: deducted from the amount
	// paid out (an installment due on Start, as a down payment is, that the
	// lender takes out of the disbursement), or, when Financed, split over
	// the installments that pay something (largest remainder, the earlier
	// ones taking the odd minor units) and not charged interest.
	FeeUpfront FeeKind = iota + 1
	// FeeInstallment is charged with every installment (a handling fee,
	// 分期手续费).
	FeeInstallment
	// FeeAccount is a periodic account fee charged with every Every-th
	// installment (Every 12 on a monthly loan: a yearly fee).
	FeeAccount
	// FeeInsurance is a credit-insurance premium charged with every
	// installment, usually a share of the outstanding principal.
	FeeInsurance
)

// FeeBase is what a percentage fee is a share of.
type FeeBase uint8

// Fee bases. The zero FeeFlat charges Fee.Amount.
const (
	FeeFlat        FeeBase = iota // Fee.Amount each time
	FeeOnPrincipal                // Rate × the principal lent (Terms.Principal)
	// FeeOnInstallment is Rate × the installment's principal and interest.
	FeeOnInstallment
	// FeeOnOutstanding is Rate × the principal outstanding at the start of
	// the installment's period (Terms.Principal at disbursement).
	FeeOnOutstanding
)

var (
	feeKindNames = enum.New[FeeKind](ErrInvalidName, "kind", "", "upfront", "installment", "account", "insurance")
	feeBaseNames = enum.New[FeeBase](ErrInvalidName, "base", "flat", "principal", "installment", "outstanding")
)

// String returns the kind's name, e.g. "upfront".
func (k FeeKind) String() string { return display(feeKindNames, k) }

// MarshalText encodes the kind's name.
func (k FeeKind) MarshalText() ([]byte, error) { return feeKindNames.MarshalText(k) }

// UnmarshalText decodes a kind's name; on an error k is unchanged.
func (k *FeeKind) UnmarshalText(b []byte) error { return feeKindNames.UnmarshalText(b, k) }

// String returns the base's name, e.g. "outstanding".
func (b FeeBase) String() string { return feeBaseNames.String(b) }

// MarshalText encodes the base's name.
func (b FeeBase) MarshalText() ([]byte, error) { return feeBaseNames.MarshalText(b) }

// UnmarshalText decodes a base's name; on an error b is unchanged.
func (b *FeeBase) UnmarshalText(t []byte) error { return feeBaseNames.UnmarshalText(t, b) }

// ParseFeeKind parses "upfront", "installment", "account" or "insurance".
func ParseFeeKind(s string) (FeeKind, error) { return feeKindNames.Parse(s) }

// ParseFeeBase parses "flat", "principal", "installment" or "outstanding".
func ParseFeeBase(s string) (FeeBase, error) { return feeBaseNames.Parse(s) }

// Fee is one charge in the terms besides interest. A flat fee gives
// Amount; any other base gives Rate, a share of at most 100 % of the base
// per charge, rounded to the minor unit with Rounding (each charge rounded
// once). Every fee falls in the loan's Fee component, whose place in the
// allocation waterfall the loan's policy sets (loan.Waterfall).
type Fee struct {
	// Name labels the fee for disclosure ("service", "insurance").
	Name     string             `json:"name,omitempty"`
	Kind     FeeKind            `json:"kind"`
	Base     FeeBase            `json:"base"`
	Amount   money.Amount       `json:"amount,omitzero"`
	Rate     money.Rate         `json:"rate,omitzero"`
	Rounding money.RoundingMode `json:"rounding"`
	// Every, for FeeAccount, charges the fee with every Every-th
	// installment (zero: every installment).
	Every int `json:"every,omitempty"`
	// Financed, for FeeUpfront, spreads the fee over the installments
	// instead of deducting it from the disbursement.
	Financed bool `json:"financed,omitempty"`
}

// hundredPercent bounds a fee's rate.
var hundredPercent = money.MustRate("1")

// validateFees adds every bad field of t.Fees to p, named as JSON spells
// it ("fees[1].rate").
func (t *Terms) validateFees(p *fault.Fields) {
	cur := t.Principal.Currency()
	for i := range t.Fees {
		f := &t.Fees[i]
		name := fmt.Sprintf("fees[%d].", i)
		if !feeKindNames.Valid(f.Kind) || f.Kind == 0 {
			p.Add(name+"kind", "unknown fee kind "+f.Kind.String())
		}
		if !feeBaseNames.Valid(f.Base) {
			p.Add(name+"base", fmt.Sprintf("unknown fee base %d", f.Base))
		}
		if !f.Rounding.Valid() {
			p.Add(name+"rounding", "unknown rounding mode "+f.Rounding.String())
		}
		switch {
		case f.Amount.IsNegative():
			p.Add(name+"amount", "must not be negative, got "+f.Amount.String())
		case f.Base != FeeFlat && !f.Amount.IsZero():
			p.Add(name+"amount", "is for a flat fee; a fee on "+f.Base.String()+" gives a rate")
		case f.Base == FeeFlat && !f.Amount.IsPositive():
			p.Add(name+"amount", "a flat fee needs a positive amount")
		case f.Base == FeeFlat && f.Amount.Currency() != cur:
			p.Add(name+"amount", fmt.Sprintf("is in %s, the principal in %s", f.Amount.Currency(), cur))
		}
		switch {
		case f.Rate.IsNegative():
			p.Add(name+"rate", "must not be negative, got "+f.Rate.String())
		case f.Rate.Cmp(hundredPercent) > 0:
			p.Add(name+"rate", "must not exceed 100%, got "+f.Rate.Percent(4))
		case f.Base == FeeFlat && !f.Rate.IsZero():
			p.Add(name+"rate", "a flat fee gives an amount, not a rate")
		case f.Base != FeeFlat && feeBaseNames.Valid(f.Base) && f.Rate.IsZero():
			p.Add(name+"rate", "a fee on "+f.Base.String()+" needs a positive rate")
		}
		if f.Kind == FeeUpfront && f.Base == FeeOnInstallment {
			p.Add(name+"base", "an upfront fee has no installment to be a share of")
		}
		switch {
		case f.Every < 0:
			p.Add(name+"every", fmt.Sprintf("must not be negative, got %d", f.Every))
		case f.Every > 0 && f.Kind != FeeAccount:
			p.Add(name+"every", "applies only to an account fee")
		}
		switch {
		case f.Financed && f.Kind != FeeUpfront:
			p.Add(name+"financed", "applies only to an upfront fee")
		case f.Financed && len(t.Tranches) > 0:
			p.Add(name+"financed", "not supported on a loan disbursed in tranches: each tranche's upfront fee is charged when it is paid out")
		}
	}
}

// charge returns one charge of fee f on base minor units (ignored for a
// flat fee).
func (f *Fee) charge(base int64, cur money.Currency) (int64, error) {
	if f.Base == FeeFlat {
		return f.Amount.Minor(), nil
	}
	a, err := money.New(base, cur).MulRate(f.Rate, f.Rounding)
	return a.Minor(), err
}

// addFees charges the terms' fees on the rows of a generated schedule:
// each installment's Fee and Payment grow by its charges, and an upfront
// fee that is not financed goes to a row due at disbursement (added in
// front, the others renumbered, when there is none).
func (t *Terms) addFees(rows []Installment) ([]Installment, error) {
	if len(t.Fees) == 0 {
		return rows, nil
	}
	cur := t.Principal.Currency()
	lead := 0
	if len(rows) > 0 && rows[0].AtDisbursement() {
		lead = 1
	}
	regular := rows[lead:]
	var upfront int64
	for i := range t.Fees {
		f := &t.Fees[i]
		if f.Kind == FeeUpfront {
			c, err := f.charge(t.Principal.Minor(), cur)
			if err != nil {
				return nil, tooLarge(err)
			}
			if f.Financed {
				if err := spreadFee(regular, c, cur); err != nil {
					return nil, err
				}
			} else {
				upfront += c
			}
			continue
		}
		outstanding := t.Principal.Minor()
		if lead == 1 {
			outstanding = rows[0].Balance.Minor()
		}
		for j := range regular {
			r := &regular[j]
			if f.Kind == FeeAccount && f.Every > 1 && (j+1)%f.Every != 0 {
				outstanding = r.Balance.Minor()
				continue
			}
			var base int64
			switch f.Base {
			case FeeOnPrincipal:
				base = t.Principal.Minor()
			case FeeOnInstallment:
				base = r.Principal.Minor() + r.Interest.Minor()
			case FeeOnOutstanding:
				base = outstanding
			}
			c, err := f.charge(base, cur)
			if err != nil {
				return nil, tooLarge(err)
			}
			addFee(r, c, cur)
			outstanding = r.Balance.Minor()
		}
	}
	if upfront == 0 {
		return rows, nil
	}
	if lead == 0 {
		rows = append(rows, Installment{})
		copy(rows[1:], rows)
		for i := range rows[1:] {
			rows[i+1].Number++
		}
		z := money.Zero(cur)
		rows[0] = Installment{Number: 1, From: t.Start, Due: t.Start, Principal: z, Interest: z, Payment: z,
			Balance: t.Principal, Capitalized: z, Fee: z}
	}
	addFee(&rows[0], upfront, cur)
	return rows, nil
}

// trancheFee returns the upfront fees charged on a later tranche of
// amount a, paid out on its own date: each upfront fee again, a flat one
// in full, a percentage one on the tranche (Apache Fineract's tranche
// disbursement charge, m_loan_tranche_disbursement_charge, charged per
// disbursement, as a flat amount or a percentage of the disbursement).
// The first tranche's are charged as a loan of its amount's are.
func (t *Terms) trancheFee(a money.Amount) (int64, error) {
	var fee int64
	for i := range t.Fees {
		if f := &t.Fees[i]; f.Kind == FeeUpfront {
			c, err := f.charge(a.Minor(), a.Currency())
			if err != nil {
				return 0, tooLarge(err)
			}
			fee += c
		}
	}
	return fee, nil
}

// addFee adds a charge to an installment's fee and payment.
func addFee(r *Installment, c int64, cur money.Currency) {
	r.Fee = money.New(r.Fee.Minor()+c, cur)
	r.Payment = money.New(r.Payment.Minor()+c, cur)
}

// spreadFee splits a financed fee over the rows that pay something, by
// the largest-remainder method over equal weights: the truncated share
// each, one minor unit more for the first rows.
func spreadFee(rows []Installment, total int64, cur money.Currency) error {
	var paying []int
	for i := range rows {
		if rows[i].Payment.IsPositive() {
			paying = append(paying, i)
		}
	}
	if len(paying) == 0 {
		return invalid("fees", "a financed upfront fee needs an installment that pays something")
	}
	n := int64(len(paying))
	share, rest := total/n, total%n
	for k, i := range paying {
		c := share
		if int64(k) < rest {
			c++
		}
		addFee(&rows[i], c, cur)
	}
	return nil
}

// RecurringFees returns the fees of fs that are not upfront: what a plan
// re-amortised after disbursement keeps charging (the upfront fees were
// charged once, at disbursement).
func RecurringFees(fs []Fee) []Fee {
	var out []Fee
	for _, f := range fs {
		if f.Kind != FeeUpfront {
			out = append(out, f)
		}
	}
	return out
}
