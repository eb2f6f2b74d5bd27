package report

import (
	"context"
	"fmt"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
)

// Source is where the month-end figures of a stored portfolio come from:
// the daily close records them at each month end it closes, and a report
// over the store reads them back.
type Source interface {
	// MonthEnds returns the figures of every month end from..to (both
	// included) that was closed, oldest first; Months is empty when none
	// was. Flows (loans originated, written off, recovered, reserve
	// movements) are those since the previous month end, whether or not
	// it lies in the range, and the vintages cover every origination month
	// up to each month end.
	MonthEnds(ctx context.Context, from, to date.Date) (*Figures, error)
}

// Load reads the month ends from..to from src and checks them: the range
// must hold a month end (ErrInvalidRange, naming "from" or "to"), src must
// have closed one in it (ErrNoMonthEnds), and what it returns must be valid
// Figures (ErrInvalidFigures) lying in the range.
func Load(ctx context.Context, src Source, from, to date.Date) (*Figures, error) {
	e := &fault.Fields{Kind: ErrInvalidRange}
	if from.IsZero() {
		e.Add("from", "is missing")
	}
	if to.IsZero() {
		e.Add("to", "is missing")
	}
	if e.Len() == 0 && to.Before(from) {
		e.Addf("to", "%s is before from, %s", to, from)
	}
	if e.Len() == 0 && lastMonthEnd(to).Before(from) {
		e.Addf("to", "the range %s..%s holds no month end", from, to)
	}
	if err := e.Err(); err != nil {
		return nil, err
	}
	f, err := src.MonthEnds(ctx, from, to)
	if err != nil {
		return nil, err
	}
	if f == nil || len(f.Months) == 0 {
		return nil, fmt.Errorf("%w: %s..%s", ErrNoMonthEnds, from, to)
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	bad := &fault.Fields{Kind: ErrInvalidFigures}
	for i, m := range f.Months {
		if m.End.Before(from) || m.End.After(to) {
			bad.Addf(fmt.Sprintf("months[%d].end", i), "%s lies outside %s..%s", m.End, from, to)
		}
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	return f, nil
}

// lastMonthEnd returns the last month end on or before d.
func lastMonthEnd(d date.Date) date.Date {
	if d.Add(1).Day() == 1 {
		return d
	}
	return d.Add(-date.PeriodOfDays(d.Day()))
}
