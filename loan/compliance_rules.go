package loan

import (
	"fmt"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// RateBasis is the rate a RateCap is compared with.
type RateBasis uint8

// Rate bases.
const (
	// AllInRate (the zero value) is the all-in annual rate of the terms:
	// the APR of their schedule, interest and every fee, by the IRR method
	// (PBoC Announcement [2021] No. 3).
	AllInRate RateBasis = iota
	// NominalPlusPenalty is the annual rate an overdue amount bears: the
	// contract's nominal rate plus the penalty's markup on it (a
	// contract-markup penalty), or the penalty's own annual rate (an
	// annual or daily one), after the penalty policy's CapAnnualRate. The
	// SPC private-lending provisions 2020 cap the agreed overdue rate at
	// four times the LPR (art. 28) and overdue interest, liquidated
	// damages and other fees claimed together at the same (art. 29): the
	// rule this basis checks. The penalty policy is CompliancePolicy.Penalty.
	NominalPlusPenalty
)

var rateBasisNames = enum.New[RateBasis](ErrInvalidInput, "basis", "all-in", "nominal-plus-penalty")

// String returns the basis's name.
func (b RateBasis) String() string { return rateBasisNames.String(b) }

// MarshalText encodes the basis's name.
func (b RateBasis) MarshalText() ([]byte, error) { return rateBasisNames.MarshalText(b) }

// UnmarshalText decodes a basis's name; on an error b is unchanged.
func (b *RateBasis) UnmarshalText(t []byte) error { return rateBasisNames.UnmarshalText(t, b) }

// RateCap is a ceiling on an annual rate: either a fixed rate, or a
// multiple of the one-year Loan Prime Rate (LPR) quoted when the contract
// is formed; Basis says which rate of the terms it bounds. The zero
// RateCap means no cap.
type RateCap struct {
	// Basis is the rate compared with the cap: the all-in rate (zero
	// value) or nominal plus penalty.
	Basis RateBasis `json:"basis,omitempty"`
	// Fixed is a fixed ceiling; used when LPRMultiple is zero.
	Fixed money.Rate `json:"fixed,omitzero"`
	// LPRMultiple and LPR give the ceiling LPRMultiple × LPR. The LPR is the
	// one-year quote at contract formation; the host looks it up (NIFC
	// publishes it monthly since 2019-08-20), the library never does.
	LPRMultiple int64      `json:"lpr_multiple,omitempty"`
	LPR         money.Rate `json:"lpr,omitzero"`
}

// RateCap24 is a 24 % cap: the ceiling up to which agreed interest was
// enforceable under the SPC private-lending provisions of 2015, art. 26
// (preset "legacy_2015"; evidence secondary — re-check before relying
// on it).
func RateCap24() RateCap { return RateCap{Fixed: money.MustRate("24%")} }

// RateCap36 is a 36 % cap: above it agreed interest was void and
// refundable under the same 2015 provisions, art. 26 (evidence secondary —
// re-check before relying on it).
func RateCap36() RateCap { return RateCap{Fixed: money.MustRate("36%")} }

// RateCapLPR is the cap of the SPC private-lending provisions as revised
// 2020-12-29, art. 25: four times the one-year LPR at contract formation
// (evidence verified). Licensed lenders are outside its scope (art. 1
// and the SPC reply effective 2021-01-01). lpr1y is the quote in force on
// the contract date, e.g. 3.85 % gives a 15.4 % cap.
func RateCapLPR(lpr1y money.Rate) RateCap { return RateCap{LPRMultiple: 4, LPR: lpr1y} }

// IsZero reports whether the cap is unset (no cap).
func (c RateCap) IsZero() bool { return c.Fixed.IsZero() && c.LPRMultiple == 0 && c.LPR.IsZero() }

// Limit returns the cap as a rate, and false when there is no cap.
func (c RateCap) Limit() (money.Rate, bool, error) {
	if c.LPRMultiple != 0 {
		r, err := c.LPR.Mul(c.LPRMultiple, 1)
		if err != nil {
			return money.Rate{}, false, invalid("rate_cap", err.Error())
		}
		return r, true, nil
	}
	if c.Fixed.IsZero() {
		return money.Rate{}, false, nil
	}
	return c.Fixed, true, nil
}

func (c RateCap) validate(field string, v *fault.Fields) {
	if !rateBasisNames.Valid(c.Basis) {
		v.Add(field+".basis", "must be all-in or nominal-plus-penalty")
	}
	switch {
	case c.LPRMultiple < 0:
		v.Add(field+".lpr_multiple", "must not be negative")
	case c.LPRMultiple > 0 && !c.Fixed.IsZero():
		v.Add(field, "gives both a fixed cap and an LPR multiple; choose one")
	case c.LPRMultiple > 0 && (c.LPR.IsZero() || c.LPR.IsNegative()):
		v.Add(field+".lpr", "must be positive when lpr_multiple is set")
	case c.LPRMultiple == 0 && !c.LPR.IsZero():
		v.Add(field+".lpr_multiple", "is needed when lpr is set")
	case c.Fixed.IsNegative():
		v.Add(field+".fixed", "must not be negative")
	}
}

// BorrowingLimit bounds what one kind of borrower may owe after the loan. A
// zero amount means no limit of that sort.
type BorrowingLimit struct {
	Kind BorrowerKind `json:"kind"`
	// PerPlatform bounds the outstanding principal with this lender.
	PerPlatform money.Amount `json:"per_platform"`
	// AcrossPlatforms bounds the outstanding principal everywhere.
	AcrossPlatforms money.Amount `json:"across_platforms"`
}

// P2PLimits are the borrowing limits of the interim P2P measures (CBRC/MIIT/
// MPS/CAC Order 2016 No. 1, art. 17; evidence secondary, so
// configurable): a natural person at most 200,000 on one platform and
// 1,000,000 across platforms; a legal person or other organisation
// 1,000,000 and 5,000,000. The amounts are yuan; c is the
// currency they are expressed in (CNY).
func P2PLimits(c money.Currency) []BorrowingLimit {
	yuan := func(s string) money.Amount {
		a, _ := money.Parse(s, c) // cannot fail for a valid currency
		return a
	}
	return []BorrowingLimit{
		{Kind: Individual, PerPlatform: yuan("200000"), AcrossPlatforms: yuan("1000000")},
		{Kind: LegalEntity, PerPlatform: yuan("1000000"), AcrossPlatforms: yuan("5000000")},
	}
}

// Term is a length of time counted in calendar months and days, as loan
// terms are stated ("36 months"). Adding months clamps to the month's last
// day: one month after January 31 is February 28 (or 29).
type Term struct {
	Months int `json:"months,omitempty"`
	Days   int `json:"days,omitempty"`
}

// IsZero reports whether the term is empty.
func (t Term) IsZero() bool { return t.Months == 0 && t.Days == 0 }

// From returns the date t after d.
func (t Term) From(d date.Date) date.Date {
	return schedule.AddMonths(d, t.Months).Add(date.PeriodOfDays(t.Days))
}

// String returns "36 months", "30 days" or "1 months 15 days".
func (t Term) String() string {
	switch {
	case t.Days == 0:
		return fmt.Sprintf("%d months", t.Months)
	case t.Months == 0:
		return fmt.Sprintf("%d days", t.Days)
	}
	return fmt.Sprintf("%d months %d days", t.Months, t.Days)
}

func (t Term) validate(field string, v *fault.Fields) {
	if t.Months < 0 || t.Months > 1200 {
		v.Add(field+".months", "must be between 0 and 1200")
	}
	if t.Days < 0 || t.Days > 36600 {
		v.Add(field+".days", "must be between 0 and 36600")
	}
}

// periodStep is the spacing of due dates per frequency, for the maturity
// used by term limits. Semi-monthly is handled apart (half a month = 15 days).
var periodStep = map[schedule.Frequency]Term{
	schedule.Weekly:     {Days: 7},
	schedule.BiWeekly:   {Days: 14},
	schedule.Monthly:    {Months: 1},
	schedule.Quarterly:  {Months: 3},
	schedule.SemiAnnual: {Months: 6},
	schedule.Annual:     {Months: 12},
}

// contractMaturity is the last contractual due date before business-day
// adjustment: Periods periods after Start or, with a broken first period,
// Periods−1 periods after FirstDue; a loan of days matures TermDays after
// Start. Months are counted from the anchor date with clamping (a loan
// started January 31 has due dates on the 31st or the month's last day). A
// semi-monthly period counts as half a month, an odd half as 15 days.
func contractMaturity(t *schedule.Terms) date.Date {
	if t.Frequency == schedule.Days {
		return t.Start.Add(date.PeriodOfDays(t.TermDays))
	}
	freq := t.Frequency
	if freq == 0 {
		freq = schedule.Monthly // schedule's default
	}
	anchor, n := t.Start, t.Periods
	if !t.FirstDue.IsZero() {
		anchor, n = t.FirstDue, t.Periods-1
	}
	if freq == schedule.SemiMonthly {
		return Term{Months: n / 2, Days: 15 * (n % 2)}.From(anchor)
	}
	step := periodStep[freq]
	return Term{Months: step.Months * n, Days: step.Days * n}.From(anchor)
}
