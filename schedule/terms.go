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

// Frequency is the spacing of due dates. The zero Frequency means Monthly.
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

// DayCount is the convention that turns a date interval into a fraction of a
// year. The zero DayCount means Actual360, the basis of Chinese banks' daily
// rate (日利率 = 年利率 / 360).
type DayCount uint8

// Day-count conventions.
const (
	Thirty360        DayCount = iota + 1 // 30/360 (US bond basis, ISDA 2006 §4.16(f))
	Actual360                            // ACT/360
	Actual365Fixed                       // ACT/365F
	ActualActualISDA                     // ACT/ACT (ISDA): days in leap years /366, others /365
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
	NoAdjustment      BusinessDayConvention = iota
	Following                               // the next business day
	ModifiedFollowing                       // the next business day unless it is in the next month, then the previous one
	Preceding                               // the previous business day
)

// TotalsConvention says how Schedule.Totals reports the totals of an
// equal-installment schedule. Lenders' calculators differ here even when
// their installments agree to the cent.
type TotalsConvention uint8

// Totals conventions.
const (
	// RowSum adds up the installments as scheduled (the default).
	RowSum TotalsConvention = iota
	// LevelPayment reports the rounded level payment × the number of
	// amortising periods ("payment × n").
	LevelPayment
	// UnroundedPayment reports the exact, unrounded level payment × n,
	// rounded once.
	UnroundedPayment
)

// Terms are everything that determines a repayment schedule. The zero
// values of the optional fields are the defaults described in the package
// documentation; Validate lists every field that is wrong.
type Terms struct {
	Principal  money.Amount // carries the currency
	AnnualRate money.Rate   // nominal annual rate
	Method     Method
	Frequency  Frequency // zero = Monthly
	Periods    int       // number of regular periods (installments), grace included; 1 (or 0) for Days
	TermDays   int       // for Frequency Days: the loan's length in days
	Start      date.Date // value date of the disbursement; interest runs from it
	FirstDue   date.Date // optional: a broken (short or long) first period; zero value = regular
	DayCount   DayCount  // zero = Actual360
	Basis      InterestBasis
	Rounding   money.RoundingMode // applies to every amount; default HalfUp

	// InstallmentMultiple, when positive, rounds the computed installment of
	// an equal-installment schedule to a multiple of it with InstallmentRounding;
	// principal = installment − interest.
	InstallmentMultiple money.Amount
	InstallmentRounding money.RoundingMode

	PrincipalGrace  int  // interest-only periods before amortising
	InterestGrace   int  // periods with no payment at all (they come before PrincipalGrace)
	CapitalizeGrace bool // interest of InterestGrace periods is capitalised (else deferred to the first payment)

	BusinessDay             BusinessDayConvention
	Calendar                Calendar // nil = weekends only when BusinessDay is set
	InterestFollowsAdjusted bool     // interest accrues to the adjusted due date

	MaxAnnualRate money.Rate // optional validation cap; zero = no cap

	// AnchorDay, when set (1–31), is the day of month the due dates keep to
	// (clamped to shorter months); zero = the day of FirstDue, or of Start.
	// Reamortize sets it so a loan that started on the 31st stays on
	// month ends after a restructuring on the 30th. The anchored date
	// (FirstDue, or Start) must fall on it.
	AnchorDay int

	// Totals selects how Schedule.Totals reports an equal-installment
	// schedule; the installments themselves are the same under every choice.
	Totals TotalsConvention
}

// Calendar says which days are business days.
type Calendar interface {
	IsBusinessDay(d date.Date) bool
}

// Installment is one row of a schedule.
type Installment struct {
	Number    int          `json:"number"` // 1-based
	From      date.Date    `json:"from"`   // start of the accrual period
	Due       date.Date    `json:"due"`    // due date (after business-day adjustment)
	Principal money.Amount `json:"principal"`
	Interest  money.Amount `json:"interest"` // interest payable on Due (deferred grace interest included)
	Payment   money.Amount `json:"payment"`  // Principal + Interest
	Balance   money.Amount `json:"balance"`  // principal outstanding after this installment

	// Capitalized is the interest of a capitalised grace period added to the
	// balance on Due (zero otherwise); it is not payable.
	Capitalized money.Amount `json:"capitalized"`
}

// Schedule is a generated repayment plan.
type Schedule struct {
	Terms        Terms         `json:"terms"`
	Installments []Installment `json:"installments"`
}
