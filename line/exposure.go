package line

import (
	"fmt"
	"slices"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// Conversion is one row of the credit-conversion table: the share of a
// line's undrawn commitment expected to be drawn by default (the CCF),
// for lines that are committed or not and whose validity is at most
// UpToMonths long (zero: any length). Exposure takes the first row that
// matches.
type Conversion struct {
	// Committed: the row is for committed lines (Terms.Committed), or for
	// lines the lender may cancel unconditionally at any time.
	Committed bool `json:"committed"`
	// UpToMonths bounds the line's original maturity (From to Until), in
	// months; zero matches any.
	UpToMonths int        `json:"up_to_months,omitempty"`
	Rate       money.Rate `json:"rate"`
	// Source cites where the factor comes from.
	Source string `json:"source"`
}

// sourceBaselIIOffBalance cites the credit-conversion factors of the
// Basel II standardised approach (BCBS, "International Convergence of
// Capital Measurement and Capital Standards: A Revised Framework", June
// 2006, §83): commitments of an original maturity up to one year 20 %,
// over one year 50 %, and 0 % for those unconditionally cancellable at
// any time by the bank without prior notice. The 2017 revision (Basel
// Framework CRE20) and the NFRA's 2023 capital rules (《商业银行资本管理办法》)
// raise the cancellable factor above zero; a host under them sets their
// factors in its policy.
const sourceBaselIIOffBalance = "BCBS Basel II (June 2006) §83"

// DefaultConversions returns the Basel II standardised factors
// (sourceBaselIIOffBalance): a line the lender may cancel at any time —
// every line by default, as the lender may freeze it (贷款通则 Art. 71) —
// converts nothing; a committed line of up to 12 months 20 %, a longer
// one 50 %.
func DefaultConversions() []Conversion {
	return []Conversion{
		{Committed: false, Rate: money.MustRate("0"), Source: sourceBaselIIOffBalance},
		{Committed: true, UpToMonths: 12, Rate: money.MustRate("20%"), Source: sourceBaselIIOffBalance},
		{Committed: true, Rate: money.MustRate("50%"), Source: sourceBaselIIOffBalance},
	}
}

func validateConversions(cs []Conversion, v *fault.Fields) {
	one := money.MustRate("1")
	for i, c := range cs {
		name := fmt.Sprintf("conversion[%d]", i)
		if c.Rate.IsNegative() || c.Rate.Cmp(one) > 0 {
			v.Add(name+".rate", "must be between 0 and 1")
		}
		if c.UpToMonths < 0 || c.UpToMonths > 1200 {
			v.Add(name+".up_to_months", "must be between 0 and 1200")
		}
		if c.Source == "" {
			v.Add(name+".source", "is missing")
		}
	}
	for _, committed := range []bool{false, true} {
		if !slices.ContainsFunc(cs, func(c Conversion) bool { return c.Committed == committed && c.UpToMonths == 0 }) {
			v.Add("conversion", fmt.Sprintf("has no row for %s lines of any length (up_to_months 0)", commitment(committed)))
		}
	}
}

func commitment(committed bool) string {
	if committed {
		return "committed"
	}
	return "cancellable"
}

// Exposure is a line's exposure at default on a review's day: what its
// loans owe (Drawn, provisioned with the loans) and the undrawn
// commitment converted by the CCF.
type Exposure struct {
	Drawn money.Amount `json:"drawn"`
	// Undrawn is the limit in force less what is used, never below zero,
	// on a line that may still be drawn (active, frozen or suspended: a
	// stop may be lifted); zero on an expired or closed line.
	Undrawn money.Amount `json:"undrawn"`
	CCF     money.Rate   `json:"ccf"`
	// Converted is Undrawn × CCF, rounded half up to the minor unit: the
	// off-balance part of the exposure, which the line's own provision
	// covers.
	Converted money.Amount `json:"converted"`
	// EAD is Drawn + Converted (classify.EAD).
	EAD    money.Amount `json:"ead"`
	Source string       `json:"source"`
}

// Exposure returns the line's exposure at default for review r under p's
// conversion table: Drawn is r.Outstanding, the undrawn commitment is
// converted by the first row matching the line's commitment and the
// length of its validity. Errors: *fault.Fields naming every bad field of
// p.
func (l *Line) Exposure(r Review, p Policy) (Exposure, error) {
	v := fault.Fields{Kind: ErrInvalidInput}
	p.validate(&v)
	if err := v.Err(); err != nil {
		return Exposure{}, err
	}
	undrawn := money.Zero(l.Currency())
	if l.status == Active || l.status == Frozen || l.status == Suspended {
		undrawn = r.Available
	}
	row := p.conversion(l.terms.Committed, l.months())
	ead, err := classify.EAD(r.Outstanding, undrawn, row.Rate)
	if err != nil {
		return Exposure{}, err
	}
	return Exposure{Drawn: r.Outstanding, Undrawn: undrawn, CCF: row.Rate, Converted: ead.Sub(r.Outstanding),
		EAD: ead, Source: row.Source}, nil
}

// conversion returns the first row for a line committed or not of months'
// validity; validate ensured there is one.
func (p *Policy) conversion(committed bool, months int) Conversion {
	for _, c := range p.Conversion {
		if c.Committed == committed && (c.UpToMonths == 0 || months <= c.UpToMonths) {
			return c
		}
	}
	return Conversion{}
}

// months is the line's original maturity in whole months, rounded up: a
// validity of a year and a day is 13 months.
func (l *Line) months() int {
	m := 0
	for (loan.Term{Months: m}).From(l.terms.From).Before(l.terms.Until) {
		m++
	}
	return m
}
