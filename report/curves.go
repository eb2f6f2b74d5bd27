package report

import (
	"cmp"
	"slices"

	"github.com/lendcore/lendcore/portfolio"
)

// Curve is one origination month's vintage curve: index n is months on
// book (0 the origination month itself, as portfolio.Vintage counts
// them), and each rate is cumulative loans ÷ loans originated. A rate with
// a zero denominator is a month on book the figures do not reach (not yet
// closed, or outside the range read).
type Curve struct {
	Cohort string `json:"cohort"` // origination month, "2006-01"
	Loans  int64  `json:"loans"`  // loans originated, at the latest month end
	// Bad is the share that has gone bad (reached Figures.VintageBucket
	// at a month end, or been written off); WrittenOff the share written
	// off.
	Bad        []portfolio.Ratio `json:"bad"`
	WrittenOff []portfolio.Ratio `json:"written_off"`
}

// Curves returns the vintage curves of every cohort the month ends show,
// oldest cohort first.
func (f *Figures) Curves() []Curve {
	var out []Curve
	at := map[string]int{}
	for _, m := range f.Months {
		for _, v := range m.Vintages {
			y, mo, ok := parseCohort(v.Cohort)
			if !ok {
				continue
			}
			mob := monthsOnBook(y, mo, m.End)
			if mob < 0 {
				continue
			}
			i, seen := at[v.Cohort]
			if !seen {
				i = len(out)
				at[v.Cohort] = i
				out = append(out, Curve{Cohort: v.Cohort})
			}
			c := &out[i]
			for len(c.Bad) <= mob {
				c.Bad = append(c.Bad, portfolio.Ratio{})
				c.WrittenOff = append(c.WrittenOff, portfolio.Ratio{})
			}
			c.Loans = v.Loans
			c.Bad[mob] = portfolio.Ratio{Num: v.Bad, Den: v.Loans}
			c.WrittenOff[mob] = portfolio.Ratio{Num: v.WrittenOff, Den: v.Loans}
		}
	}
	// Cohorts first seen later can be older (a range starting mid-way):
	// order by name, which is chronological.
	slices.SortFunc(out, func(a, b Curve) int { return cmp.Compare(a.Cohort, b.Cohort) })
	return out
}
