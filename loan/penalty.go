package loan

import (
	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// PenaltyBase is the overdue amount penalty interest (罚息) accrues on.
type PenaltyBase uint8

// Penalty bases.
const (
	// OverduePrincipal: penalty on overdue principal only; overdue interest
	// is charged only when Compound is on.
	OverduePrincipal PenaltyBase = iota + 1
	// OverdueInstallment: penalty on overdue principal and interest alike
	// (the consumer-lending convention "逾期本息 × 日罚息率").
	OverdueInstallment
)

var penaltyBaseNames = enum.New[PenaltyBase](ErrInvalidInput, "base",
	"", "overdue-principal", "overdue-installment")

// String returns the base's name.
func (b PenaltyBase) String() string { return penaltyBaseNames.String(b) }

// MarshalText encodes the base's name.
func (b PenaltyBase) MarshalText() ([]byte, error) { return penaltyBaseNames.MarshalText(b) }

// UnmarshalText decodes a base's name; on an error b is unchanged.
func (b *PenaltyBase) UnmarshalText(t []byte) error { return penaltyBaseNames.UnmarshalText(t, b) }

// PenaltyRateKind says how PenaltyPolicy.Rate is read.
type PenaltyRateKind uint8

// Penalty rate kinds.
const (
	// ContractMarkup: the penalty rate is the contract rate × (1 + Rate);
	// Rate 0.5 is "contract rate + 50 %".
	ContractMarkup PenaltyRateKind = iota + 1
	// AnnualRate: Rate is a nominal annual rate, turned daily over YearDays.
	AnnualRate
	// DailyRate: Rate is a daily rate (日利率, e.g. 0.0005 = 万分之五).
	DailyRate
)

var penaltyRateKindNames = enum.New[PenaltyRateKind](ErrInvalidInput, "rate_kind",
	"", "contract-markup", "annual", "daily")

// String returns the kind's name.
func (k PenaltyRateKind) String() string { return penaltyRateKindNames.String(k) }

// MarshalText encodes the kind's name.
func (k PenaltyRateKind) MarshalText() ([]byte, error) { return penaltyRateKindNames.MarshalText(k) }

// UnmarshalText decodes a kind's name; on an error k is unchanged.
func (k *PenaltyRateKind) UnmarshalText(b []byte) error {
	return penaltyRateKindNames.UnmarshalText(b, k)
}

// PenaltyPolicy is penalty interest and late fees on overdue installments.
//
// Penalty accrues day by day on each overdue installment's base, from its
// due date, for the days it stays unpaid: an amount outstanding for N days
// costs base × N × daily rate. An installment paid in full (principal and
// interest) within GraceDays after its due date owes no penalty and no late
// fee; otherwise penalty runs from the due date itself. The loan keeps the
// exact sum Σ base × days per installment and rounds once, so the penalty
// owed is the same however the days are split by payments.
type PenaltyPolicy struct {
	Base     PenaltyBase     `json:"base"`
	RateKind PenaltyRateKind `json:"rate_kind"`
	Rate     money.Rate      `json:"rate"`
	// YearDays turns an annual rate into a daily one (360: the Chinese
	// banks' 日利率 = 年利率 / 360; or 365).
	YearDays int `json:"year_days"`
	// GraceDays after the due date in which full payment costs no penalty.
	GraceDays int `json:"grace_days"`
	// Compound charges the penalty rate on overdue interest too (复利).
	// With Base OverdueInstallment interest is already in the base, so
	// Compound must be off there.
	Compound bool `json:"compound"`
	// LateFee is charged once to each installment not paid in full by the
	// end of its grace days; zero for none.
	LateFee money.Amount `json:"late_fee"`
	// CapShare caps the loan's penalty and late fees together at this share
	// of the original principal; accrual stops there. Zero: no cap.
	CapShare money.Rate `json:"cap_share"`
	// CapAnnualRate caps the penalty's annual rate; zero: no cap. SPC
	// private-lending provisions art. 29 (evidence verified) cap overdue
	// interest, damages and fees together at 4 × LPR — set CapShare and
	// CapAnnualRate so the sum stays within it; the split is the lender's.
	CapAnnualRate money.Rate `json:"cap_annual_rate"`

	// DayOne says which day is the first penalty day: the day after the
	// due date (zero value: an installment paid ten days late owes ten
	// days) or the due date itself (eleven days), the way Frappe Lending
	// counts days past due (see DueDate).
	DayOne DayOne `json:"day_one,omitempty"`
	// LateFeeRate charges the late fee as a share of LateFeeBase instead
	// of the flat LateFee (the two are exclusive). Fineract's overdue
	// charges compute a percentage of the overdue installment's principal
	// outstanding ("% Amount") or of its principal and interest
	// outstanding ("% Loan Amount + Interest"):
	// Loan.calculateOverdueAmountPercentageAppliedTo.
	LateFeeRate money.Rate `json:"late_fee_rate,omitzero"`
	// LateFeeBase is what LateFeeRate is a share of; required with it.
	LateFeeBase LateFeeBase `json:"late_fee_base,omitempty"`
	// LateFeeWaitDays is how many days after the due date the late fee
	// waits: an installment still unpaid at the end of them is charged it
	// once. Zero charges it at the end of GraceDays (as before); otherwise
	// it must be at least GraceDays, since a payment within the grace days
	// owes no late fee. Fineract's "penalty-wait-period" (the charge
	// applies once the business date less the wait is after the due date)
	// and Mambu's penalty tolerance period.
	LateFeeWaitDays int `json:"late_fee_wait_days,omitempty"`
	// LateFeeAs books the late fee as a fee (zero value) or as a penalty
	// (penalty receivable and income, in the penalty's place in the
	// waterfall), as a Fineract overdue charge is a fee or a penalty by
	// its "penalty" flag.
	LateFeeAs ChargeKind `json:"late_fee_as,omitempty"`
}

// LateFeeBase is the amount a percentage late fee is a share of.
type LateFeeBase uint8

// Late fee bases.
const (
	// LateOnPrincipal: the installment's principal still outstanding
	// (Fineract "% Amount").
	LateOnPrincipal LateFeeBase = iota + 1
	// LateOnPrincipalInterest: its principal and interest still
	// outstanding (Fineract "% Loan Amount + Interest").
	LateOnPrincipalInterest
	// LateOnInstallment: the installment as scheduled, principal and
	// interest, however much of it was paid (逾期费 charged on 当期应还
	// 金额; lender practice, no peer source found).
	LateOnInstallment
)

var lateFeeBaseNames = enum.New[LateFeeBase](ErrInvalidInput, "late_fee_base",
	"", "overdue-principal", "overdue-principal-interest", "installment")

// String returns the base's name.
func (b LateFeeBase) String() string { return lateFeeBaseNames.String(b) }

// MarshalText encodes the base's name.
func (b LateFeeBase) MarshalText() ([]byte, error) { return lateFeeBaseNames.MarshalText(b) }

// UnmarshalText decodes a base's name; on an error b is unchanged.
func (b *LateFeeBase) UnmarshalText(t []byte) error { return lateFeeBaseNames.UnmarshalText(t, b) }

// ChargeKind is how a charge is booked: as a fee or as a penalty.
type ChargeKind uint8

// Charge kinds.
const (
	AsFee     ChargeKind = iota // fee receivable and fee income
	AsPenalty                   // penalty receivable and penalty income
)

var chargeKindNames = enum.New[ChargeKind](ErrInvalidInput, "late_fee_as", "fee", "penalty")

// String returns the kind's name.
func (k ChargeKind) String() string { return chargeKindNames.String(k) }

// MarshalText encodes the kind's name.
func (k ChargeKind) MarshalText() ([]byte, error) { return chargeKindNames.MarshalText(k) }

// UnmarshalText decodes a kind's name; on an error k is unchanged.
func (k *ChargeKind) UnmarshalText(b []byte) error { return chargeKindNames.UnmarshalText(b, k) }

// component returns the component a charge of kind k is booked to.
func (k ChargeKind) component() Component {
	if k == AsPenalty {
		return Penalty
	}
	return Fee
}

// DefaultPenaltyPolicy is the bank convention of PBoC 银发〔2003〕251号 §3
// (evidence secondary, so every figure is configurable): overdue
// principal at the contract rate + 50 % (the top of the +30 %..+50 %
// range), unpaid interest compounding at the penalty rate, 360-day year, no
// grace days, no late fee and no cap.
func DefaultPenaltyPolicy() PenaltyPolicy {
	return PenaltyPolicy{
		Base: OverduePrincipal, RateKind: ContractMarkup, Rate: money.MustRate("0.5"),
		YearDays: 360, Compound: true,
	}
}

func (p *PenaltyPolicy) validate(prefix string, v *fault.Fields) {
	if p.Base != OverduePrincipal && p.Base != OverdueInstallment {
		v.Add(prefix+"base", "must be overdue-principal or overdue-installment")
	}
	if p.Base == OverdueInstallment && p.Compound {
		v.Add(prefix+"compound", "interest is already in the overdue-installment base")
	}
	if p.RateKind < ContractMarkup || p.RateKind > DailyRate {
		v.Add(prefix+"rate_kind", "must be contract-markup, annual or daily")
	}
	limit := money.MustRate("10") // 1000 % a year, or a day: nothing sane is above it
	if p.Rate.IsNegative() || p.Rate.Cmp(limit) > 0 {
		v.Add(prefix+"rate", "must be between 0 and 1000%")
	}
	if p.YearDays != 360 && p.YearDays != 365 {
		v.Add(prefix+"year_days", "must be 360 or 365")
	}
	if p.GraceDays < 0 || p.GraceDays > 366 {
		v.Add(prefix+"grace_days", "must be between 0 and 366")
	}
	switch {
	case p.LateFee.IsNegative():
		v.Add(prefix+"late_fee", "must not be negative")
	case p.LateFee.Minor() > maxPrincipal:
		v.Add(prefix+"late_fee", "above the supported maximum")
	}
	if p.CapShare.IsNegative() || p.CapShare.Cmp(limit) > 0 {
		v.Add(prefix+"cap_share", "must be between 0 and 1000%")
	}
	if p.CapAnnualRate.IsNegative() || p.CapAnnualRate.Cmp(limit) > 0 {
		v.Add(prefix+"cap_annual_rate", "must be between 0 and 1000%")
	}
	if !dayOneNames.Valid(p.DayOne) {
		v.Add(prefix+"day_one", "must be after-due or due-date")
	}
	switch {
	case p.LateFeeRate.IsNegative() || p.LateFeeRate.Cmp(one) > 0:
		v.Add(prefix+"late_fee_rate", "must be between 0 and 100%")
	case !p.LateFeeRate.IsZero() && !p.LateFee.IsZero():
		v.Add(prefix+"late_fee_rate", "conflicts with late_fee: a late fee is a flat amount or a share, not both")
	}
	switch {
	case p.LateFeeBase != 0 && !lateFeeBaseNames.Valid(p.LateFeeBase):
		v.Add(prefix+"late_fee_base", "must be overdue-principal, overdue-principal-interest or installment")
	case p.LateFeeBase == 0 && !p.LateFeeRate.IsZero():
		v.Add(prefix+"late_fee_base", "required with late_fee_rate")
	case p.LateFeeBase != 0 && p.LateFeeRate.IsZero():
		v.Add(prefix+"late_fee_base", "only with late_fee_rate")
	}
	switch {
	case p.LateFeeWaitDays < 0 || p.LateFeeWaitDays > 366:
		v.Add(prefix+"late_fee_wait_days", "must be between 0 and 366")
	case p.LateFeeWaitDays > 0 && p.LateFeeWaitDays < p.GraceDays:
		v.Add(prefix+"late_fee_wait_days", "shorter than grace_days: a payment within the grace days owes no late fee")
	}
	if !chargeKindNames.Valid(p.LateFeeAs) {
		v.Add(prefix+"late_fee_as", "must be fee or penalty")
	}
}

// chargesLateFee reports whether the policy charges a late fee at all.
func (p *PenaltyPolicy) chargesLateFee() bool { return !p.LateFee.IsZero() || !p.LateFeeRate.IsZero() }

// lateFeeAfterGrace reports whether the late fee waits longer than the
// grace days, so it has a milestone of its own.
func (p *PenaltyPolicy) lateFeeAfterGrace() bool {
	return p.chargesLateFee() && p.LateFeeWaitDays > p.GraceDays
}

// dailyRate returns the daily penalty rate for a loan at the contract
// annual rate, after the annual-rate cap.
func (p *PenaltyPolicy) dailyRate(contract money.Rate) (money.Rate, error) {
	annual, err := p.annualRate(contract)
	if err != nil {
		return money.Rate{}, err
	}
	return annual.Mul(1, int64(p.YearDays))
}

// describe names the penalty's rate as the policy gives it.
func (p *PenaltyPolicy) describe() string {
	s := p.Rate.Percent(4)
	switch p.RateKind {
	case ContractMarkup:
		s = "the contract rate + " + s
	case DailyRate:
		s += " a day"
	}
	if !p.CapAnnualRate.IsZero() {
		s += ", capped at " + p.CapAnnualRate.Percent(4)
	}
	return s
}

// annualRate returns the annual penalty rate for a loan at the contract
// annual rate, after the annual-rate cap: the rate an overdue amount
// bears (a contract-markup penalty is the contract rate plus the markup).
func (p *PenaltyPolicy) annualRate(contract money.Rate) (money.Rate, error) {
	var annual money.Rate
	var err error
	switch p.RateKind {
	case DailyRate:
		annual, err = p.Rate.Mul(int64(p.YearDays), 1)
	case AnnualRate:
		annual = p.Rate
	default:
		var up money.Rate
		if up, err = one.Add(p.Rate); err == nil {
			annual, err = contract.Mul(up.Num(), up.Den())
		}
	}
	if err != nil {
		return money.Rate{}, err
	}
	if !p.CapAnnualRate.IsZero() && annual.Cmp(p.CapAnnualRate) > 0 {
		annual = p.CapAnnualRate
	}
	return annual, nil
}
