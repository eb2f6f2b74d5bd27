package report

import (
	"context"
	"fmt"
	"slices"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/fault"
)

// Stored is the Source over a store the daily close ran on: the figures
// the close recorded on each month end (lendcore.MonthEndFigures, read
// through Engine.MonthEnds), whichever Engine reads them. A report from
// them shows the portfolio as the close left it on each month end.
//
// Its vintages count a loan as gone bad once it has been in
// Figures.VintageBucket or worse at any close (its worst days past due),
// or written off; a Collector fed each loan's worst days past due as
// LoanAt.DPD counts the same.
type Stored struct {
	// Engine reads the store; its policies play no part (each month end
	// carries the buckets it was graded with).
	Engine *lendcore.Engine
	// Title heads the report.
	Title string
}

// MonthEnds returns the recorded month ends from..to; see Source. The
// month end before from is read too, when recorded, for the month's flows.
// A month end recorded with other buckets than the first one read is
// ErrInvalidFigures naming its "buckets"; a Stored without an Engine names
// "engine".
func (s Stored) MonthEnds(ctx context.Context, from, to date.Date) (*Figures, error) {
	if s.Engine == nil {
		return nil, fault.Invalid(ErrInvalidFigures, "engine", "is missing: the figures have no source")
	}
	var c *Collector
	var loans, off int64 // to the previous month end added
	for f, err := range s.Engine.MonthEnds(ctx, lastMonthEnd(from.Add(-1)), to) {
		if err != nil {
			return nil, err
		}
		if c == nil {
			if c, err = NewCollector(s.Title, f.Buckets); err != nil {
				return nil, err
			}
		} else if !slices.Equal(c.fig.Buckets, f.Buckets) {
			return nil, fault.Invalid(ErrInvalidFigures, "buckets",
				fmt.Sprintf("the month end %s was graded with other buckets than %s", f.Portfolio.Day, c.fig.Months[0].End))
		}
		t := Totals{Recovered: f.Recovered}
		m, err := c.month(&f.Portfolio, t)
		if err != nil {
			return nil, err
		}
		vs := make([]Vintage, len(f.Vintages))
		var nowLoans, nowOff int64
		for i, v := range f.Vintages {
			vs[i] = Vintage{Cohort: v.Cohort, Loans: v.Loans, WrittenOff: v.WrittenOff, Bad: v.WrittenOff}
			for b := c.fig.VintageBucket; b < len(v.Worst); b++ {
				vs[i].Bad += v.Worst[b]
			}
			nowLoans += v.Loans
			nowOff += v.WrittenOff
		}
		c.push(&f.Portfolio, t, m, vs, nowLoans-loans, nowOff-off)
		loans, off = nowLoans, nowOff
	}
	if c == nil {
		return &Figures{Title: s.Title}, nil
	}
	fig := c.Figures()
	if len(fig.Months) > 0 && fig.Months[0].End.Before(from) {
		fig.Months = fig.Months[1:] // the month end before the range, read for the flows
	}
	return fig, nil
}
