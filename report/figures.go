package report

import (
	"fmt"
	"strconv"
	"time"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/portfolio"
)

// Figures is a portfolio's month-end figures over a run of month ends, in
// one currency: what the report draws and what the CSV and JSON formats
// export. A Collector builds them as a running Engine reaches each month
// end; a Source reads them back from where the daily close stored them.
type Figures struct {
	// Title names the portfolio or the run in the report's heading.
	Title string `json:"title"`
	// Currency is the currency of every amount.
	Currency money.Currency `json:"currency"`
	// Buckets is the delinquency bucket table the loans were graded with
	// (the Engine's Classification.Buckets).
	Buckets classify.Buckets `json:"buckets"`
	// VintageBucket is the index in Buckets from which a loan counts as
	// gone bad in the vintage curves: 3 (M3, 61+ days past due) with the
	// China buckets, the same cut as lendcore.Portfolio.M3Plus.
	VintageBucket int `json:"vintage_bucket"`
	// Stages are the collection stages, mildest first, that
	// Month.Collection counts.
	Stages []string `json:"stages"`
	// Months are the month ends, oldest first.
	Months []Month `json:"months"`
	// Products break the portfolio down by loan product: each holds the
	// product's figures at every month end of Months. Empty while the
	// lender has one product, whose figures are the portfolio's.
	Products []Product `json:"products,omitempty"`
}

// Month is the portfolio at one month end, and what happened to it since
// the previous one. Counts are loans; amounts are in Figures.Currency.
type Month struct {
	// End is the month's last day, as closed by the daily close.
	End date.Date `json:"end"`
	// Loans and Balance are the loans on the books (active and
	// accelerated) and their outstanding principal.
	Loans   int64        `json:"loans"`
	Balance money.Amount `json:"balance"`
	// Originated and WrittenOff count the loans disbursed and written off
	// in the month.
	Originated int64 `json:"originated"`
	WrittenOff int64 `json:"written_off"`
	// ByBucket tallies the loans on the books by delinquency bucket, in
	// Figures.Buckets order.
	ByBucket []Tally `json:"by_bucket"`
	// ByGrade tallies them by five-category grade, Normal first (see
	// GradeNames); NPL is Substandard, Doubtful and Loss together.
	ByGrade [5]Tally `json:"by_grade"`
	NPL     Tally    `json:"npl"`
	// Provisions are the loan-loss provisions held against them.
	Provisions money.Amount `json:"provisions"`
	// Roll is how loans moved between buckets since the previous month
	// end; nil for the first month end of a portfolio.
	Roll *Roll `json:"roll,omitempty"`
	// Collection counts loans in each collection stage, in Figures.Stages
	// order.
	Collection []int64 `json:"collection"`
	// Recovered is what was recovered on written-off claims in the month.
	Recovered money.Amount `json:"recovered"`
	// Reserve is the risk reserve (zero amounts without one).
	Reserve Reserve `json:"reserve"`
	// Vintages are the origination months up to End with their loans'
	// performance so far, oldest first.
	Vintages []Vintage `json:"vintages,omitempty"`
}

// Tally is a number of loans and their outstanding principal.
type Tally struct {
	Loans   int64        `json:"loans"`   // how many loans
	Balance money.Amount `json:"balance"` // their outstanding principal
}

// Roll is a roll-rate matrix between two month ends: row i is the bucket a
// loan was in at the previous month end, column j the bucket it is in now;
// the extra last column holds the loans that left the books (repaid, sold
// or written off). Balances are the loans' principal at the previous month
// end.
type Roll struct {
	Count   [][]int64        `json:"count"`   // loans, [from][to]
	Balance [][]money.Amount `json:"balance"` // their principal at the previous month end, [from][to]
}

// Reserve is the risk reserve (风险准备金) at a month end and its movements
// in the month.
type Reserve struct {
	Balance       money.Amount `json:"balance"`       // at the month end
	Contributions money.Amount `json:"contributions"` // paid in during the month
	Payouts       money.Amount `json:"payouts"`       // paid out to investors during the month
	Recoveries    money.Amount `json:"recoveries"`    // recovered into it during the month
}

// Vintage is one origination month's loans as of a month end: how many
// were disbursed, how many have gone bad (been in Figures.VintageBucket or
// worse at a month end, or been written off) and how many have been
// written off. Both counts only grow: a loan that cures stays counted.
type Vintage struct {
	// Cohort is the origination month, "2006-01".
	Cohort     string `json:"cohort"`
	Loans      int64  `json:"loans"`
	Bad        int64  `json:"bad"`
	WrittenOff int64  `json:"written_off"`
}

// Product is one loan product's share of the portfolio: its figures at
// each of Figures.Months' month ends, the same days in the same order.
type Product struct {
	Name   string  `json:"name"`   // the product's name in the catalogue
	Months []Month `json:"months"` // its figures, without vintages
}

// GradeNames returns the names of Month.ByGrade's five grades, Normal
// first, as classify spells them.
func GradeNames() [5]string {
	var n [5]string
	for g := classify.Normal; g <= classify.Loss; g++ {
		n[g-classify.Normal] = g.String()
	}
	return n
}

// AtLeast is the share of the balance in bucket i or worse: with the China
// buckets, 1 gives M1+ and 3 M3+.
func (m *Month) AtLeast(i int) portfolio.Ratio {
	var n int64
	for j := max(i, 0); j < len(m.ByBucket); j++ {
		n += m.ByBucket[j].Balance.Minor()
	}
	return portfolio.Ratio{Num: n, Den: m.Balance.Minor()}
}

// Share is a tally's share of the month's balance.
func (m *Month) Share(t Tally) portfolio.Ratio {
	return portfolio.Ratio{Num: t.Balance.Minor(), Den: m.Balance.Minor()}
}

// NPLRatio is the non-performing balance ÷ the balance on the books.
func (m *Month) NPLRatio() portfolio.Ratio { return m.Share(m.NPL) }

// Coverage is provisions ÷ the non-performing balance (拨备覆盖率).
func (m *Month) Coverage() portfolio.Ratio {
	return portfolio.Ratio{Num: m.Provisions.Minor(), Den: m.NPL.Balance.Minor()}
}

// cohortOf returns the "2006-01" name of the month holding d.
func cohortOf(d date.Date) string {
	y, m, _ := d.Date()
	return fmt.Sprintf("%04d-%02d", y, int(m))
}

// parseCohort returns the year and month of a "2006-01" cohort name.
func parseCohort(s string) (int, time.Month, bool) {
	if len(s) != 7 || s[4] != '-' {
		return 0, 0, false
	}
	y, err1 := strconv.Atoi(s[:4])
	m, err2 := strconv.Atoi(s[5:])
	if err1 != nil || err2 != nil || y < 1 || m < 1 || m > 12 {
		return 0, 0, false
	}
	return y, time.Month(m), true
}

// monthsOnBook is the number of calendar months from the cohort's month to
// the month holding d: 0 for the origination month itself, as
// portfolio.Vintage counts them.
func monthsOnBook(y int, m time.Month, d date.Date) int {
	dy, dm, _ := d.Date()
	return (dy-y)*12 + int(dm) - int(m)
}

// Validate reports every bad field of f at once, in a *fault.Fields
// wrapping ErrInvalidFigures: figures that a Source read back or a caller
// built by hand are checked before anything is drawn from them.
func (f *Figures) Validate() error {
	e := &fault.Fields{Kind: ErrInvalidFigures}
	if f == nil {
		e.Add("figures", "are missing")
		return e
	}
	if f.Currency.IsZero() {
		e.Add("currency", "is missing")
	}
	if err := f.Buckets.Validate(); err != nil {
		if !e.Merge("", err) {
			e.Add("buckets", err.Error())
		}
	} else if f.VintageBucket < 1 || f.VintageBucket >= len(f.Buckets) {
		e.Addf("vintage_bucket", "must be within 1..%d", len(f.Buckets)-1)
	}
	stages := map[string]bool{}
	for i, s := range f.Stages {
		if s == "" || stages[s] {
			e.Addf(fmt.Sprintf("stages[%d]", i), "must be a name, once")
		}
		stages[s] = true
	}
	var prev date.Date
	for i := range f.Months {
		m := &f.Months[i]
		p := fmt.Sprintf("months[%d]", i)
		if !prev.IsZero() && !m.End.After(prev) {
			e.Add(p+".end", "must be after the previous month end")
		}
		prev = m.End
		f.validateMonth(e, p, m, true)
		if e.Len() > 100 {
			return e
		}
	}
	names := map[string]bool{}
	for i := range f.Products {
		pr := &f.Products[i]
		p := fmt.Sprintf("products[%d]", i)
		if pr.Name == "" || names[pr.Name] {
			e.Add(p+".name", "must be a name, once")
		}
		names[pr.Name] = true
		if len(pr.Months) != len(f.Months) {
			e.Addf(p+".months", "has %d month ends, the portfolio %d", len(pr.Months), len(f.Months))
			continue
		}
		for j := range pr.Months {
			q := fmt.Sprintf("%s.months[%d]", p, j)
			if pr.Months[j].End != f.Months[j].End {
				e.Addf(q+".end", "must be %s, the portfolio's month end", f.Months[j].End)
			}
			f.validateMonth(e, q, &pr.Months[j], false)
		}
		if e.Len() > 100 {
			return e
		}
	}
	return e.Err()
}

// validateMonth checks one month end; whole says whether it is the whole
// portfolio's (which must carry the collection stages and may carry
// vintages) or a product's.
func (f *Figures) validateMonth(e *fault.Fields, p string, m *Month, whole bool) {
	if m.End.IsZero() || m.End.Add(1).Day() != 1 {
		e.Addf(p+".end", "%s is not the last day of a month", m.End)
	}
	amount := func(name string, a money.Amount) {
		switch {
		case a.IsNegative():
			e.Add(p+"."+name, "must not be negative")
		case a.Minor() > money.MaxMinor:
			e.Add(p+"."+name, "exceeds money.MaxMinor")
		case a.Currency() != f.Currency && !(a.IsZero() && a.Currency().IsZero()):
			e.Addf(p+"."+name, "currency %s differs from %s", a.Currency(), f.Currency)
		}
	}
	count := func(name string, n int64) {
		if n < 0 {
			e.Add(p+"."+name, "must not be negative")
		}
	}
	tally := func(name string, t Tally) {
		count(name+".loans", t.Loans)
		amount(name+".balance", t.Balance)
	}
	count("loans", m.Loans)
	amount("balance", m.Balance)
	count("originated", m.Originated)
	count("written_off", m.WrittenOff)
	if len(m.ByBucket) != len(f.Buckets) {
		e.Addf(p+".by_bucket", "has %d buckets, the figures %d", len(m.ByBucket), len(f.Buckets))
	} else {
		var sum int64
		for i, t := range m.ByBucket {
			tally(fmt.Sprintf("by_bucket[%d]", i), t)
			sum += t.Loans
		}
		if sum != m.Loans {
			e.Addf(p+".by_bucket", "counts %d loans, loans is %d", sum, m.Loans)
		}
	}
	for i, t := range m.ByGrade {
		tally(fmt.Sprintf("by_grade[%d]", i), t)
	}
	tally("npl", m.NPL)
	amount("provisions", m.Provisions)
	amount("recovered", m.Recovered)
	amount("reserve.balance", m.Reserve.Balance)
	amount("reserve.contributions", m.Reserve.Contributions)
	amount("reserve.payouts", m.Reserve.Payouts)
	amount("reserve.recoveries", m.Reserve.Recoveries)
	if m.Roll != nil {
		n := len(f.Buckets)
		ok := len(m.Roll.Count) == n && len(m.Roll.Balance) == n
		for i := 0; ok && i < n; i++ {
			ok = len(m.Roll.Count[i]) == n+1 && len(m.Roll.Balance[i]) == n+1
			for j := 0; ok && j <= n; j++ {
				count(fmt.Sprintf("roll.count[%d][%d]", i, j), m.Roll.Count[i][j])
				amount(fmt.Sprintf("roll.balance[%d][%d]", i, j), m.Roll.Balance[i][j])
			}
		}
		if !ok {
			e.Addf(p+".roll", "must be %d rows of %d columns (the buckets and an exit column)", n, n+1)
		}
	}
	if !whole {
		if len(m.Collection) != 0 && len(m.Collection) != len(f.Stages) {
			e.Addf(p+".collection", "has %d stages, the figures %d", len(m.Collection), len(f.Stages))
		}
		if len(m.Vintages) != 0 {
			e.Add(p+".vintages", "are the portfolio's, not a product's")
		}
		return
	}
	if len(m.Collection) != len(f.Stages) {
		e.Addf(p+".collection", "has %d stages, the figures %d", len(m.Collection), len(f.Stages))
	}
	for i, n := range m.Collection {
		count(fmt.Sprintf("collection[%d]", i), n)
	}
	last := ""
	for i, v := range m.Vintages {
		q := fmt.Sprintf("%s.vintages[%d]", p, i)
		y, mo, ok := parseCohort(v.Cohort)
		switch {
		case !ok:
			e.Addf(q+".cohort", "%q is not a month (2006-01)", v.Cohort)
		case v.Cohort <= last:
			e.Add(q+".cohort", "must be after the previous cohort")
		case monthsOnBook(y, mo, m.End) < 0:
			e.Add(q+".cohort", "is after the month end")
		}
		last = v.Cohort
		if v.Loans < 1 || v.Bad < 0 || v.Bad > v.Loans || v.WrittenOff < 0 || v.WrittenOff > v.Bad {
			e.Add(q, "needs 0 <= written_off <= bad <= loans and at least one loan")
		}
	}
}
