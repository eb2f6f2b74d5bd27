package schedule

import (
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
)

// Method is how principal and interest are spread over the installments.
type Method uint8

// Repayment methods.
const (
	EqualInstallment Method = iota + 1 // 等额本息: equal payments (annuity)
	EqualPrincipal                     // 等额本金: equal principal parts, interest on the balance
	InterestOnly                       // 先息后本: interest every period, all principal at maturity
	Bullet                             // 一次性还本付息: one payment of principal and interest at maturity
	Flat                               // 等本等息: equal principal, interest on the original principal
)

// Frequency is the spacing of due dates.
type Frequency uint8

// Frequencies. Days is a single-period loan of Terms.TermDays days
// (7-, 14- or 30-day consumer loans).
const (
	Weekly Frequency = iota + 1
	BiWeekly
	SemiMonthly
	Monthly
	Quarterly
	SemiAnnual
	Annual
	Days
)

// DayCount is the convention that turns a date interval into a fraction of a year.
type DayCount uint8

// Day-count conventions.
const (
	Thirty360       DayCount = iota + 1 // 30/360 (US bond basis)
	Actual360                           // ACT/360
	Actual365Fixed                      // ACT/365F
	ActualActualISDA                    // ACT/ACT (ISDA): days in leap years /366, others /365
)

// InterestBasis says how a period's interest is computed.
type InterestBasis uint8

// Interest bases.
const (
	// Periodic uses the periodic rate annual/periods-per-year for every
	// regular period (the default for monthly loans).
	Periodic InterestBasis = iota
	// Actual uses the actual days of each period with the DayCount.
	Actual
)

// BusinessDayConvention moves a due date that falls on a non-business day.
type BusinessDayConvention uint8

// Business-day conventions.
const (
	NoAdjustment BusinessDayConvention = iota
	Following
	ModifiedFollowing
	Preceding
)

// Terms are everything that determines a repayment schedule.
type Terms struct {
	Principal  money.Amount // carries the currency
	AnnualRate money.Rate   // nominal annual rate
	Method     Method
	Frequency  Frequency
	Periods    int       // number of regular periods (installments); 1 for Days
	TermDays   int       // for Frequency Days: the loan's length in days
	Start      date.Date // value date of the disbursement; interest runs from it
	FirstDue   date.Date // optional: a broken (short or long) first period; zero value = regular
	DayCount   DayCount
	Basis      InterestBasis
	Rounding   money.RoundingMode // applies to every amount; default HalfUp

	// InstallmentMultiple, when positive, rounds the computed installment of
	// an equal-installment schedule to a multiple of it with InstallmentRounding;
	// principal = installment − interest.
	InstallmentMultiple money.Amount
	InstallmentRounding money.RoundingMode

	PrincipalGrace  int  // interest-only periods before amortising
	InterestGrace   int  // periods with no payment at all
	CapitalizeGrace bool // interest of InterestGrace periods is capitalised (else deferred to the first payment)

	BusinessDay             BusinessDayConvention
	Calendar                Calendar // nil = weekends only when BusinessDay is set
	InterestFollowsAdjusted bool     // interest accrues to the adjusted due date

	MaxAnnualRate money.Rate // optional validation cap; zero = no cap
}

// Calendar says which days are business days.
type Calendar interface {
	IsBusinessDay(d date.Date) bool
}

// Installment is one row of a schedule.
type Installment struct {
	Number    int       // 1-based
	From      date.Date // start of the accrual period
	Due       date.Date // due date (after business-day adjustment)
	Principal money.Amount
	Interest  money.Amount
	Payment   money.Amount // Principal + Interest
	Balance   money.Amount // principal outstanding after this installment
}

// Schedule is a generated repayment plan.
type Schedule struct {
	Terms        Terms
	Installments []Installment
}
