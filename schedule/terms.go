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
// (7-, 14- or 30-day consumer loans). EveryNDays falls due every
// Terms.PeriodDays days, Apache Fineract's "repaid every N days"; its
// periodic rate is annual × N / the day count's year (360 for 30/360 and
// ACT/360, 365 for ACT/365F and ACT/ACT), as Fineract's
// LoanApplicationTerms.periodicInterestRate computes it for a days
// frequency. SemiMonthly falls due twice a month: fifteen days apart from
// the anchor day, or on the two fixed days Terms.SemiMonthlyDays names.
const (
	Weekly Frequency = iota + 1
	BiWeekly
	SemiMonthly
	Monthly
	Quarterly
	SemiAnnual
	Annual
	Days
	EveryNDays
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

// GraceLayout says how InterestGrace and PrincipalGrace are counted.
type GraceLayout uint8

// Grace layouts.
const (
	// GraceSequential (the default) puts the InterestGrace periods first
	// and the PrincipalGrace interest-only periods after them: interest
	// grace 2 and principal grace 3 leave 5 periods without principal.
	GraceSequential GraceLayout = iota
	// GraceOverlapping counts both from the first period, as Apache
	// Fineract's "grace on principal payment" and "grace on interest
	// payment" do (LoanApplicationTerms
	// .updatePeriodNumberApplicableForPrincipalOrInterestGrace): the first
	// InterestGrace periods have no payment and the first PrincipalGrace
	// periods no principal, so interest grace 2 and principal grace 3
	// leave 3 periods without principal, the third paying interest only.
	// InterestGrace may not exceed PrincipalGrace.
	GraceOverlapping
)

// BrokenPeriodInterest says where the extra interest of a broken (short
// or long) first period goes when the installment is to stay level. The
// extra is the first period's interest counted by its actual days less a
// regular period's interest on the same principal (negative for a short
// period). Lenders collect it in one of three ways (Poonawalla Fincorp,
// "What is Broken Period Interest and How is it Calculated?", 2024:
// upfront, with the first payment, or over the loan's payments).
type BrokenPeriodInterest uint8

// Broken-period conventions.
const (
	// BrokenFirstInstallment (the default) charges the first period's
	// interest by its days in the first installment, whose principal part
	// stays the regular one, so only the first payment differs from the
	// others: the extra is "added to the first payment".
	BrokenFirstInstallment BrokenPeriodInterest = iota
	// BrokenSpread charges a regular period's interest in the first
	// installment and spreads the extra over the amortising installments
	// (largest remainder, the earlier installments taking the odd minor
	// units), keeping them level.
	BrokenSpread
	// BrokenUpfront charges a regular period's interest in the first
	// installment and the extra at disbursement, in an installment due on
	// Start that a lender deducts from the amount paid out (Frappe
	// Lending's "Broken Period Interest charged" with its recovery
	// account). It needs a long first period, whose extra is not negative.
	BrokenUpfront
)

// DownPayment is the part of each disbursement the borrower repays at
// once, as Apache Fineract's down payment does
// ("disbursedAmountPercentageForDownPayment"): the schedule shows it as an
// installment due on the disbursement date (AtDisbursement), and the rest
// amortises. Give a share or an amount, not both; the zero DownPayment is
// none.
type DownPayment struct {
	// Share of every disbursement (every tranche), e.g. 25 %: rounded to
	// the minor unit with Terms.Rounding, or to a multiple of
	// Terms.InstallmentMultiple with Terms.InstallmentRounding when one is
	// set, as Fineract rounds it.
	Share money.Rate `json:"share,omitzero"`
	// Amount due at the first disbursement; it must be below it.
	Amount money.Amount `json:"amount,omitzero"`
}

// IsZero reports whether there is no down payment.
func (d DownPayment) IsZero() bool { return d.Share.IsZero() && d.Amount.IsZero() }

// Tranche is one disbursement of a loan paid out in parts: its value date
// and amount. See Terms.Tranches and Terms.Plan.
type Tranche struct {
	Date   date.Date
	Amount money.Amount
}

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

	// InstallmentMultiple, when positive, rounds the installment to a
	// multiple of it (1, 10, 100 yuan) with InstallmentRounding, the last
	// installment taking the residual. An equal-installment schedule rounds
	// its level payment once, principal = installment − interest. A flat
	// schedule rounds its principal part and its interest each to the
	// multiple and takes principal = rounded part + rounded interest −
	// interest, as Apache Fineract does (LoanApplicationTerms
	// .calculateTotalPrincipalPerPeriodWithoutGrace: 416.67 → 417 and
	// 12.50 → 13 make an installment of 430). Other methods refuse it.
	InstallmentMultiple money.Amount
	InstallmentRounding money.RoundingMode

	PrincipalGrace  int  // periods without principal (interest only, or nothing in InterestGrace)
	InterestGrace   int  // periods with no payment at all; GraceLayout says how the two count
	CapitalizeGrace bool // interest of InterestGrace periods is capitalised (else deferred to the first payment)
	// GraceLayout: the zero GraceSequential puts InterestGrace before
	// PrincipalGrace; GraceOverlapping counts both from the first period.
	GraceLayout GraceLayout

	// BrokenPeriod says where a broken first period's extra interest goes;
	// the zero BrokenFirstInstallment keeps it in the first installment.
	// The other two need the periodic basis.
	BrokenPeriod BrokenPeriodInterest

	// PeriodDays is the length of each period for Frequency EveryNDays
	// (1 to MaxTermDays); it must be zero otherwise.
	PeriodDays int

	// SemiMonthlyDays, for Frequency SemiMonthly, are two fixed days of
	// the month the installments fall due on, the first 1–27 and the
	// second after it, 31 meaning the month's last day: {1, 16}, or {15,
	// 31} for the 15th and the month end (as Fineract's SEMI_MONTHLY
	// frequency takes them, SemiMonthlyScheduleDates). The first due date
	// is the first such day after Start unless FirstDue says otherwise, a
	// broken period when Start is not one of them. The zero value keeps
	// the anchored form: two days fifteen apart from the anchor day.
	SemiMonthlyDays [2]int

	// DownPayment repaid at each disbursement; the zero value is none.
	DownPayment DownPayment

	// Tranches, when given, disburse Principal in parts: the first on
	// Start, the others at increasing dates before the last due date, the
	// amounts adding up to Principal (the approved amount). Generate gives
	// the plan when every tranche is paid out as planned; Plan, the plan
	// given the tranches disbursed so far. Each later tranche re-amortises
	// the outstanding principal over the remaining installments, keeping
	// the maturity. At most MaxTranches. Empty: one disbursement on Start.
	Tranches []Tranche

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

	// Fees are the charges besides interest (see Fee): each installment
	// shows its fees in Installment.Fee, and APR counts them. Empty: none.
	Fees []Fee
}

// Calendar says which days are business days.
type Calendar interface {
	IsBusinessDay(d date.Date) bool
}

// Installment is one row of a schedule. A row due on the day its period
// starts (AtDisbursement) is paid at a disbursement: a down payment, or
// broken-period interest charged upfront.
type Installment struct {
	Number    int          `json:"number"` // 1-based
	From      date.Date    `json:"from"`   // start of the accrual period
	Due       date.Date    `json:"due"`    // due date (after business-day adjustment)
	Principal money.Amount `json:"principal"`
	Interest  money.Amount `json:"interest"` // interest payable on Due (deferred grace interest included)
	Payment   money.Amount `json:"payment"`  // Principal + Interest + Fee
	Balance   money.Amount `json:"balance"`  // principal outstanding after this installment

	// Capitalized is the interest of a capitalised grace period added to the
	// balance on Due (zero otherwise); it is not payable.
	Capitalized money.Amount `json:"capitalized"`

	// Fee is what the terms' fees charge with this installment; Payment
	// includes it.
	Fee money.Amount `json:"fee,omitzero"`
}

// AtDisbursement reports whether the installment falls due on a
// disbursement's value date: the down payment, and under BrokenUpfront the
// broken period's extra interest. Every other installment ends an accrual
// period of at least a day.
func (in Installment) AtDisbursement() bool { return in.From == in.Due }

// Schedule is a generated repayment plan.
type Schedule struct {
	Terms        Terms         `json:"terms"`
	Installments []Installment `json:"installments"`
}
