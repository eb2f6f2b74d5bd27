package classify

import (
	"encoding/json"
	"errors"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
)

// Signal is a kind of early-warning signal (预警信号) about a borrower.
type Signal uint8

// Early-warning signal kinds.
const (
	FinancialDeterioration Signal = iota // the borrower's financial statements worsened
	PurposeDeviation                     // loan funds used for another purpose
	CashFlowBehindPlan                   // operating cash flow behind the plan the loan relied on
	CollateralShortfall                  // collateral coverage below the required level
	GuarantorDeterioration               // the guarantor's standing worsened
	Litigation                           // litigation or enforcement against the borrower
	MissedInspection                     // a post-loan inspection was not done on time
	AdverseBureauRefresh                 // adverse change at a credit-bureau refresh
	BrokenPromise                        // a promise to pay was broken
	BankruptcySignal                     // notice of the borrower's bankruptcy was received
	FraudSignal                          // fraud by the borrower was discovered
	SignalCount                          // number of signal kinds
)

var signalNames = enum.New[Signal](ErrInvalidInput, "signal", "financial-deterioration", "purpose-deviation",
	"cash-flow-behind-plan", "collateral-shortfall", "guarantor-deterioration", "litigation", "missed-inspection",
	"adverse-bureau-refresh", "broken-promise", "bankruptcy", "fraud")

// String returns the signal's name ("purpose-deviation").
func (s Signal) String() string { return signalNames.String(s) }

// Valid reports whether s is a defined signal kind.
func (s Signal) Valid() bool { return s < SignalCount }

// MarshalText encodes the signal name.
func (s Signal) MarshalText() ([]byte, error) { return signalNames.MarshalText(s) }

// UnmarshalText decodes a signal name.
func (s *Signal) UnmarshalText(b []byte) error { return signalNames.UnmarshalText(b, s) }

// Signals holds the current severity of each signal kind for one loan; the
// zero value has no signal. It is a fixed array, so facts carrying it stay
// allocation-free.
type Signals [SignalCount]Severity

// With returns a copy of s with signal k raised to at least sev (signals
// only escalate here; clear one by assigning SeverityNone directly).
func (s Signals) With(k Signal, sev Severity) Signals {
	if k < SignalCount && sev > s[k] {
		s[k] = sev
	}
	return s
}

// Merge returns the worst severity of s and o per signal.
func (s Signals) Merge(o Signals) Signals {
	for k, v := range o {
		if v > s[k] {
			s[k] = v
		}
	}
	return s
}

// MarshalJSON encodes the present signals as an object
// {"litigation":"high"}.
func (s Signals) MarshalJSON() ([]byte, error) {
	m := make(map[string]Severity)
	for k, v := range s {
		if v != SeverityNone {
			m[Signal(k).String()] = v
		}
	}
	return json.Marshal(m)
}

// UnmarshalJSON decodes the object form written by MarshalJSON.
func (s *Signals) UnmarshalJSON(b []byte) error {
	var m map[Signal]Severity
	if err := json.Unmarshal(b, &m); err != nil {
		// Name the field whatever went wrong: an unknown signal or
		// severity, or not an object.
		return fault.Invalid(ErrInvalidInput, "signals", problemOf(err))
	}
	var v Signals
	for k, sev := range m {
		v[k] = sev
	}
	*s = v
	return nil
}

// DueEvent says what happened to an installment falling due on the as-of
// day; the Engine reports it at the close of business.
type DueEvent uint8

// Due events.
const (
	NoDue     DueEvent = iota // "none": no installment fell due today
	DuePaid                   // "paid": an installment fell due today and was paid in full on time
	DueMissed                 // "missed": an installment fell due today and was not paid in full
	dueCount
)

var dueNames = enum.New[DueEvent](ErrInvalidInput, "due", "none", "paid", "missed")

// String returns "none", "paid" or "missed".
func (d DueEvent) String() string { return dueNames.String(d) }

// MarshalText encodes the due event's name.
func (d DueEvent) MarshalText() ([]byte, error) { return dueNames.MarshalText(d) }

// UnmarshalText decodes "none", "paid" or "missed".
func (d *DueEvent) UnmarshalText(b []byte) error { return dueNames.UnmarshalText(b, d) }

// Facts are the plain facts about one loan on one day that classification
// needs. The Engine derives them from the loan's position; nothing here
// refers to a loan type, so the package is usable on its own.
type Facts struct {
	// DPD is the number of days the oldest unpaid amount is past due
	// (0 = current; 1 on the day after a missed due date).
	DPD int
	// Balance is the book balance (exposure) of the claim.
	Balance money.Amount
	// ECL is the expected credit loss booked on the claim; ECL ÷ Balance is
	// the ratio the "ecl-ratio" condition reads.
	ECL money.Amount
	// CreditImpaired is the accounting credit-impaired flag.
	CreditImpaired bool
	// SignificantIncrease is the IFRS 9 significant-increase-in-credit-risk
	// flag set by the host's SICR test.
	SignificantIncrease bool
	// Restructured marks a restructured asset under observation; Step sets
	// it from the Track, a caller classifying without a Track sets it itself.
	Restructured bool
	// FinancialDifficulty says the debtor's financial difficulty is not yet
	// resolved (read at the end of a restructuring observation period).
	FinancialDifficulty bool
	// OpenEnd marks a revolving (open-end) credit such as a card.
	OpenEnd bool
	// NonRetail marks a claim on a non-retail (corporate) debtor.
	NonRetail bool
	// TechnicalDelay marks an overdue caused by a technical or operational
	// problem; within the policy's TechnicalGraceDays it is not overdue.
	TechnicalDelay bool
	// BankruptcyNotice is the day notice of the borrower's bankruptcy was
	// received; the zero Date means none.
	BankruptcyNotice date.Date
	// FraudFound is the day fraud was discovered; the zero Date means none.
	FraudFound date.Date
	// ExternalOverdue90 and ExternalDebt are the debtor's debts more than 90
	// days past due and total debts across all banks (from the credit
	// bureau); their ratio is the "external-overdue-share" condition.
	ExternalOverdue90 money.Amount
	ExternalDebt      money.Amount
	// Signals are the early-warning signals currently raised.
	Signals Signals
	// Due is what happened to an installment falling due today (used by Step).
	Due DueEvent
	// Debtor identifies the debtor for contagion and concentration.
	Debtor string
}

// validate checks the facts without allocating unless something is wrong.
func (f *Facts) validate() error {
	if f.DPD >= 0 && !f.Balance.IsNegative() && !f.ECL.IsNegative() && f.ECL.SameCurrency(f.Balance) &&
		!f.ExternalOverdue90.IsNegative() && !f.ExternalDebt.IsNegative() &&
		f.ExternalOverdue90.SameCurrency(f.ExternalDebt) && f.Due < dueCount && f.signalsValid() {
		return nil
	}
	e := inputErrors()
	if f.DPD < 0 {
		e.Add("dpd", "must not be negative")
	}
	if f.Balance.IsNegative() {
		e.Add("balance", "must not be negative")
	}
	if f.ECL.IsNegative() {
		e.Add("ecl", "must not be negative")
	}
	if !f.ECL.SameCurrency(f.Balance) {
		e.Add("ecl", "currency differs from the balance")
	}
	if f.ExternalOverdue90.IsNegative() || f.ExternalDebt.IsNegative() {
		e.Add("external_debt", "must not be negative")
	}
	if !f.ExternalOverdue90.SameCurrency(f.ExternalDebt) {
		e.Add("external_overdue_90", "currency differs from external_debt")
	}
	if f.Due >= dueCount {
		e.Add("due", "unknown due event")
	}
	if !f.signalsValid() {
		e.Add("signals", "unknown severity")
	}
	return e
}

func (f *Facts) signalsValid() bool {
	for _, s := range f.Signals {
		if s >= severityCount {
			return false
		}
	}
	return true
}

// problemOf is what an error says about its field: the problem of the
// first bad field of a *fault.Fields, or its message.
func problemOf(err error) string {
	var f *fault.Fields
	if errors.As(err, &f) && f.Len() > 0 {
		return f.List[0].Problem
	}
	return err.Error()
}
