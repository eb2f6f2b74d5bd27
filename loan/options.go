package loan

import (
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// The servicing conventions on which lenders' systems differ. Each is an
// option whose zero value is lendcore's own convention, so a policy stored
// before the option existed (and DefaultPolicy) keeps its behaviour and its
// JSON: a zero option is left out of the encoding.

// DayOne says which day counts as the first day past due.
type DayOne uint8

// Day-one conventions.
const (
	// AfterDue counts the day after the due date as day 1: an installment
	// unpaid on its due date is 0 days past due that day, 10 days past due
	// ten days later. Apache Fineract (overdue days = business date − due
	// date, LoanDelinquencyDomainServiceImpl) and Mambu count this way, and
	// so does the 2023 risk classification measures' "逾期天数".
	AfterDue DayOne = iota
	// DueDate counts the due date itself as day 1: an installment unpaid on
	// its due date is 1 day past due that day. Frappe Lending counts days
	// past due this way (days_past_due = date_diff(posting_date,
	// demand_date) + 1, update_days_past_due_in_loans in
	// lending/loan_management/doctype/loan/loan.py).
	DueDate
)

var dayOneNames = enum.New[DayOne](ErrInvalidInput, "day_one", "after-due", "due-date")

// String returns the convention's name.
func (d DayOne) String() string { return dayOneNames.String(d) }

// MarshalText encodes the convention's name.
func (d DayOne) MarshalText() ([]byte, error) { return dayOneNames.MarshalText(d) }

// UnmarshalText decodes a convention's name; on an error d is unchanged.
func (d *DayOne) UnmarshalText(b []byte) error { return dayOneNames.UnmarshalText(b, d) }

// ArrearsPolicy says how days past due are counted: which day is day 1 and
// how many days of grace the ageing allows. Delinquency pauses (Pause and
// Resume entries) take their days out of the count as well.
type ArrearsPolicy struct {
	// DayOne: the day after the due date (zero value) or the due date
	// itself.
	DayOne DayOne `json:"day_one,omitempty"`
	// AgeingGraceDays are taken off the days past due of an overdue loan
	// (never below zero): Fineract's "grace on arrears ageing" (delinquent
	// days = overdue days − graceOnArrearsAgeing −
	// paused days, LoanDelinquencyDomainServiceImpl) and Mambu's arrears
	// tolerance period ("days in arrears … excludes the arrears tolerance
	// period", Mambu Arrears Settings). Zero: none.
	AgeingGraceDays int `json:"ageing_grace_days,omitempty"`
}

func (p *ArrearsPolicy) validate(prefix string, v *fault.Fields) {
	if !dayOneNames.Valid(p.DayOne) {
		v.Add(prefix+"day_one", "must be after-due or due-date")
	}
	if p.AgeingGraceDays < 0 || p.AgeingGraceDays > 366 {
		v.Add(prefix+"ageing_grace_days", "must be between 0 and 366")
	}
}

// AccrualRounding says when the interest accrued within a period is
// rounded to the currency's minor unit.
type AccrualRounding uint8

// Accrual rounding conventions.
const (
	// PerPeriod accrues the period's interest pro rata by days and rounds
	// the result once: interest × elapsed days / period days, as Fineract
	// does (LoanAccrualsProcessingServiceImpl.getInterestAccruedTillDate:
	// accruable income / days in the period × days to accrue, then scaled
	// to the currency's decimals).
	PerPeriod AccrualRounding = iota
	// Daily rounds one day's interest (the period's interest / its days)
	// first and accrues that amount each day, the period's last day taking
	// what is left so the period still earns its scheduled interest: Frappe
	// Lending run with a daily interest accrual, whose every Loan Interest
	// Accrual entry is rounded to the currency precision
	// (make_loan_interest_accrual_entry).
	Daily
)

var accrualRoundingNames = enum.New[AccrualRounding](ErrInvalidInput, "rounding", "per-period", "daily")

// String returns the convention's name.
func (r AccrualRounding) String() string { return accrualRoundingNames.String(r) }

// MarshalText encodes the convention's name.
func (r AccrualRounding) MarshalText() ([]byte, error) { return accrualRoundingNames.MarshalText(r) }

// UnmarshalText decodes a convention's name; on an error r is unchanged.
func (r *AccrualRounding) UnmarshalText(b []byte) error {
	return accrualRoundingNames.UnmarshalText(b, r)
}

// AccrualFrequency is how often the postings book the interest a loan
// has earned but that has not yet fallen due.
type AccrualFrequency uint8

// Accrual frequencies. Booking interest as it is earned rather than as it
// falls due is what loan systems' accrual jobs do: Mambu's loan product
// accounting rules post interest accrued daily or at the end of each
// month, Dr interest receivable, Cr interest income, and on the due date
// book the whole interest due (Mambu Ideas APP-I-1305, LNS-I-41); Apache
// Fineract's periodic accrual job posts it as a step of the close.
const (
	// AccrueAtDueDate books a period's interest when it falls due and nothing
	// before (the zero value: the postings as they were before the policy
	// had a frequency).
	AccrueAtDueDate AccrualFrequency = iota
	// AccrueDaily also books, every day, the running period's interest accrued to
	// the day (Position.AccruedInterest): the day's close posts the
	// difference from the day before.
	AccrueDaily
	// AccrueMonthEnd books the running period's interest accrued to each month
	// end, dated the month's last day; between month ends the ledger
	// holds the last month end's figure.
	AccrueMonthEnd
)

var accrualFrequencyNames = enum.New[AccrualFrequency](ErrInvalidInput, "frequency", "due-date", "daily", "month-end")

// String returns the frequency's name.
func (q AccrualFrequency) String() string { return accrualFrequencyNames.String(q) }

// MarshalText encodes the frequency's name.
func (q AccrualFrequency) MarshalText() ([]byte, error) { return accrualFrequencyNames.MarshalText(q) }

// UnmarshalText decodes a frequency's name; on an error q is unchanged.
func (q *AccrualFrequency) UnmarshalText(b []byte) error {
	return accrualFrequencyNames.UnmarshalText(b, q)
}

// ParseAccrualFrequency parses "due-date", "daily" or "month-end".
func ParseAccrualFrequency(s string) (AccrualFrequency, error) { return accrualFrequencyNames.Parse(s) }

// cut returns the day up to which interest not yet due is booked in a
// ledger as of asOf, and false when it is booked only as it falls due.
func (q AccrualFrequency) cut(asOf date.Date) (date.Date, bool) {
	switch q {
	case AccrueDaily:
		return asOf, true
	case AccrueMonthEnd:
		if asOf.Add(1).Month() != asOf.Month() {
			return asOf, true
		}
		return asOf.Add(-date.PeriodOfDays(asOf.Day())), true // the previous month's last day
	}
	return date.Date{}, false
}

// Books reports whether a ledger of the loan kept by this frequency
// changes in the days after after up to upTo with nothing but the passage
// of time between its installments' due dates: on every day when daily,
// on a month end when at month end, never when at due dates. A close
// that skips loans on which nothing happens must not skip them then.
func (q AccrualFrequency) Books(after, upTo date.Date) bool {
	if !upTo.After(after) {
		return false
	}
	switch q {
	case AccrueDaily:
		return true
	case AccrueMonthEnd:
		cut, _ := q.cut(upTo)
		return cut.After(after)
	}
	return false
}

// AccrualPolicy says how interest accrued but not yet due is rounded: the
// figure positions report, payoffs charge, and acceleration and write-off
// bring due; and how often the postings book it.
type AccrualPolicy struct {
	Rounding AccrualRounding `json:"rounding,omitempty"`
	// Frequency is how often the postings book interest accrued but not
	// yet due: at each due date (zero value), daily or at month end.
	// Whichever it is, the postings a close emits for a loan add up, on
	// every closed day, to the loan's ledger as of that day.
	Frequency AccrualFrequency `json:"frequency,omitempty"`
	// NonaccrualDPD, when positive, puts the loan in nonaccrual status in
	// its postings from the day its days past due reach it: the interest
	// and penalty recognised and unpaid are reversed out of income into
	// ChartOfAccounts.InterestSuspense (a contra account to the
	// receivables, which the borrower still owes), interest and penalty
	// recognised later go there too, and what the borrower pays of them is
	// income when paid (cash basis). Brought current (no principal or
	// interest past due), the loan accrues again and what is suspended
	// returns to income; written off, the suspended part reduces the
	// write-off charge. 90 is the U.S. rule (FFIEC Call Report
	// instructions, Glossary, "Nonaccrual Status": principal or interest
	// in default for 90 days or more) and Chinese banks' practice for
	// interest receivable unpaid over 90 days (表外核算). Zero: the loan
	// always accrues. Only the postings change; positions do not.
	NonaccrualDPD int `json:"nonaccrual_dpd,omitempty"`
}

// NonaccrualAt90 is the 90-days-past-due nonaccrual threshold of
// AccrualPolicy.NonaccrualDPD.
const NonaccrualAt90 = 90

func (p *AccrualPolicy) validate(prefix string, v *fault.Fields) {
	if !accrualRoundingNames.Valid(p.Rounding) {
		v.Add(prefix+"rounding", "must be per-period or daily")
	}
	if !accrualFrequencyNames.Valid(p.Frequency) {
		v.Add(prefix+"frequency", "must be due-date, daily or month-end")
	}
	if p.NonaccrualDPD < 0 || p.NonaccrualDPD > 36500 {
		v.Add(prefix+"nonaccrual_dpd", "must be between 0 and 36500")
	}
}

// ExcessMode is what becomes of money a repayment brings beyond what is
// due.
type ExcessMode uint8

// Excess conventions.
const (
	// HoldAsCredit keeps the excess as credit balance, which settles the
	// next installments as they fall due (or is refunded): a repayment
	// never touches amounts not yet due. A policy's zero value means it
	// too; an entry's zero value means "as the policy says".
	HoldAsCredit ExcessMode = iota + 1
	// NextInstallments pays the installments not yet due at once, the next
	// one first (by the performing waterfall's component order): Fineract's
	// advanced payment allocation with the NEXT_INSTALLMENT future
	// installment allocation rule. What is left after the last installment
	// is credit.
	NextInstallments
	// ReduceTerm applies the excess to principal as a partial prepayment
	// that keeps the installment and shortens the term (Fineract's
	// "reduce number of installments", Mambu's "reduce number of
	// installments" prepayment recalculation).
	ReduceTerm
	// ReduceInstallment applies the excess to principal as a partial
	// prepayment that keeps the term and lowers the installment
	// (Fineract's "reduce EMI amount", Mambu's "reduce amount per
	// installment").
	ReduceInstallment
)

var excessNames = enum.New[ExcessMode](ErrInvalidInput, "excess",
	"", "hold-as-credit", "next-installments", "reduce-term", "reduce-installment")

// String returns the mode's name.
func (m ExcessMode) String() string { return excessNames.String(m) }

// MarshalText encodes the mode's name.
func (m ExcessMode) MarshalText() ([]byte, error) { return excessNames.MarshalText(m) }

// UnmarshalText decodes a mode's name; on an error m is unchanged.
func (m *ExcessMode) UnmarshalText(b []byte) error { return excessNames.UnmarshalText(b, m) }

// PaymentPolicy says what becomes of money beyond what is due and when a
// small residual is forgiven.
type PaymentPolicy struct {
	// Excess is what a repayment's excess does, unless the repayment
	// says otherwise (Entry.Excess). With ReduceTerm or ReduceInstallment
	// the excess is a partial prepayment under the prepayment policy
	// (interest accrued to the day, fee); an excess that cannot cover the
	// interest accrued in the running period is held as credit.
	Excess ExcessMode `json:"excess,omitempty"`
	// CloseBelow is the auto-closure tolerance: when a payment leaves a
	// payoff amount above zero and below CloseBelow, the residual is
	// waived (principal against the write-off account, the rest against
	// income) and the loan closes. Frappe Lending's "Auto Write Off
	// Amount" of a loan product ("Loan Write Off will be automatically
	// created on loan closure request if pending amount is below this
	// limit"). Zero: never.
	CloseBelow money.Amount `json:"close_below,omitzero"`
}

func (p *PaymentPolicy) validate(prefix string, v *fault.Fields) {
	if p.Excess != 0 && !excessNames.Valid(p.Excess) {
		v.Add(prefix+"excess", "must be hold-as-credit, next-installments, reduce-term or reduce-installment")
	}
	switch {
	case p.CloseBelow.IsNegative():
		v.Add(prefix+"close_below", "must not be negative")
	case p.CloseBelow.Minor() > maxPrincipal:
		v.Add(prefix+"close_below", "above the supported maximum")
	}
}

// RecoveryExcess is what happens to a recovery above the written-off claim.
type RecoveryExcess uint8

// Recovery-excess conventions.
const (
	// RefuseExcess refuses a recovery above the claim, as Fineract does
	// ("The transaction amount cannot greater than the remaining written off
	// amount", Loan.handleRepaymentOrRecoveryOrWaiverTransaction).
	RefuseExcess RecoveryExcess = iota
	// ExcessAsIncome accepts it: the claim is settled and the excess is
	// recovery income too (Position.ExcessRecovered), for a lender whose
	// collection agent remits more than the claim (costs or interest
	// awarded after the write-off). Lender practice; no peer or regulatory
	// source found.
	ExcessAsIncome
)

var recoveryExcessNames = enum.New[RecoveryExcess](ErrInvalidInput, "recovery_excess", "refuse", "income")

// String returns the convention's name.
func (r RecoveryExcess) String() string { return recoveryExcessNames.String(r) }

// MarshalText encodes the convention's name.
func (r RecoveryExcess) MarshalText() ([]byte, error) { return recoveryExcessNames.MarshalText(r) }

// UnmarshalText decodes a convention's name; on an error r is unchanged.
func (r *RecoveryExcess) UnmarshalText(b []byte) error {
	return recoveryExcessNames.UnmarshalText(b, r)
}

// WriteOffPolicy says what a write-off takes off the books and what
// recoveries may bring back.
type WriteOffPolicy struct {
	// Interest is the running period's interest in the claim: accrued to
	// the write-off date (zero value, or "accrued") or to the end of the
	// current period ("full-period": the running installment's scheduled
	// interest: a Fineract write-off, Loan.closeAsWrittenOff, writes off a
	// loan without interest recalculation with its installments' scheduled
	// interest, the running one's in full).
	Interest PayoffInterest `json:"interest,omitempty"`
	// RecoveryExcess: a recovery above the claim is refused (zero value)
	// or accepted with the excess booked as income.
	RecoveryExcess RecoveryExcess `json:"recovery_excess,omitempty"`
}

func (p *WriteOffPolicy) validate(prefix string, v *fault.Fields) {
	if p.Interest != 0 && p.Interest != AccruedInterest && p.Interest != FullPeriodInterest {
		v.Add(prefix+"interest", "must be accrued or full-period")
	}
	if !recoveryExcessNames.Valid(p.RecoveryExcess) {
		v.Add(prefix+"recovery_excess", "must be refuse or income")
	}
}

// interest returns the claim's interest convention.
func (p *WriteOffPolicy) interest() PayoffInterest {
	if p.Interest == 0 {
		return AccruedInterest
	}
	return p.Interest
}

// SalePolicy says which loans may be sold to an external owner (Sale).
type SalePolicy struct {
	// AllowWrittenOff lets a written-off loan be sold (its claim then
	// recovered for the owner); by default only a loan on the books
	// (active or accelerated) may be, as Fineract refuses a sale of a loan
	// that is not active ("LOAN_NOT_ACTIVE").
	AllowWrittenOff bool `json:"allow_written_off,omitempty"`
}
