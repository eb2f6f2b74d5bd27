package lendcore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// MonthEndFigures is what the daily close records about the portfolio on
// each month end it closes, once every loan is closed for the day: the
// dashboard of the day and what a portfolio report needs beyond it (the
// vintages and the recoveries to date). A report over the store reads
// them back (Engine.MonthEnds), so it shows the portfolio as the close
// left it, whenever it is written.
type MonthEndFigures struct {
	// Portfolio is PortfolioAt the month end, taken in the close's
	// portfolio steps: after every loan partition and every other
	// portfolio step (compensation from the reserve included).
	Portfolio Portfolio `json:"portfolio"`
	// Buckets is the delinquency bucket table the loans were graded with
	// (Classification.Buckets when the month end was closed), in which
	// order the snapshot's buckets and Vintage.Worst count.
	Buckets classify.Buckets `json:"buckets"`
	// Vintages are the loans by origination month (the month of their
	// disbursement), oldest first, as of the month end.
	Vintages []Vintage `json:"vintages"`
	// Recovered is everything recovered on written-off claims to date.
	Recovered money.Amount `json:"recovered"`
}

// Vintage is one origination month's loans as of a month end. The counts
// only grow: a loan that cures or is repaid stays counted where it went.
type Vintage struct {
	// Cohort is the origination month, "2006-01".
	Cohort string `json:"cohort"`
	// Loans counts the loans disbursed in the month, whatever their
	// status now; WrittenOff those written off since.
	Loans      int64 `json:"loans"`
	WrittenOff int64 `json:"written_off"`
	// Worst counts the loans never written off by the delinquency bucket
	// of the worst days past due they reached at any close (LoanState.MaxDPD),
	// in Classification.Buckets order: a report chooses from which bucket
	// a loan counts as gone bad.
	Worst []int64 `json:"worst"`
}

// monthEndOf reports whether day is the last day of its month.
func monthEndOf(day date.Date) bool { return day.Add(1).Day() == 1 }

// recordMonthEnd is the portfolio step that records the month-end figures
// on a month end. It is idempotent: a month end recorded already (by this
// replica before a crash, or by another that took the steps over) is left
// as it is, since the first record of a month end stands.
func (e *Engine) recordMonthEnd(ctx context.Context, day date.Date) (int, error) {
	if !monthEndOf(day) {
		return 0, nil
	}
	if _, err := e.store.MonthEnds().Get(ctx, day); err == nil || !errors.Is(err, storage.ErrNotFound) {
		return 0, err
	}
	p, err := e.PortfolioAt(ctx, day)
	if err != nil {
		return 0, err
	}
	buckets := e.policies.Classification.Buckets
	f := MonthEndFigures{Portfolio: p, Buckets: buckets, Recovered: money.Zero(p.Snapshot.Currency)}
	cohorts := map[string]*Vintage{}
	for rec, err := range e.store.Loans().Scan(ctx, storage.LoanFilter{NoDocument: true}) {
		if err != nil {
			return 0, err
		}
		st, err := e.stateOf(&rec)
		if err != nil {
			return 0, err
		}
		from := st.Disbursed
		if from.IsZero() {
			from = rec.Index.AsOf // not closed since it was stored: its first close is today's
		}
		if from.IsZero() || from.After(day) {
			continue // not disbursed by the month end
		}
		name := fmt.Sprintf("%04d-%02d", from.Year(), int(from.Month()))
		v := cohorts[name]
		if v == nil {
			v = &Vintage{Cohort: name, Worst: make([]int64, len(buckets))}
			cohorts[name] = v
		}
		v.Loans++
		if !st.WrittenOffOn.IsZero() || rec.Status == loan.WrittenOff.String() {
			v.WrittenOff++
		} else {
			v.Worst[min(max(buckets.Index(st.MaxDPD), 0), len(buckets)-1)]++
		}
		f.Recovered = f.Recovered.Add(money.New(st.Recovered.Minor(), f.Recovered.Currency()))
	}
	for _, name := range slices.Sorted(maps.Keys(cohorts)) {
		f.Vintages = append(f.Vintages, *cohorts[name])
	}
	doc, err := json.Marshal(f)
	if err != nil {
		return 0, err
	}
	err = e.store.MonthEnds().Add(ctx, storage.MonthEnd{Day: day, Document: doc})
	if errors.Is(err, storage.ErrConflict) {
		return 0, nil // another replica recorded it first; its record stands
	}
	return 0, err
}

// MonthEnds yields the month-end figures the daily close recorded on the
// month ends from..to (a zero bound is open), oldest first. A zero or
// reversed range is a *fault.Fields naming "from" or "to"; a stored record
// that cannot be decoded is storage.ErrCorrupt.
func (e *Engine) MonthEnds(ctx context.Context, from, to date.Date) iter.Seq2[MonthEndFigures, error] {
	return func(yield func(MonthEndFigures, error) bool) {
		if !from.IsZero() && !to.IsZero() && to.Before(from) {
			yield(MonthEndFigures{}, fault.Invalid(ErrInvalidInput, "to", fmt.Sprintf("%s is before from, %s", to, from)))
			return
		}
		for rec, err := range e.store.MonthEnds().Scan(ctx, storage.DateRange{From: from, To: to}) {
			var f MonthEndFigures
			if err == nil {
				if derr := guardedUnmarshal(rec.Document, &f); derr != nil {
					err = fmt.Errorf("%w: month end %s: %v", storage.ErrCorrupt, rec.Day, derr)
				} else if f.Portfolio.Day != rec.Day || f.Portfolio.Snapshot == nil {
					err = fmt.Errorf("%w: month end %s: its portfolio is of %s or missing", storage.ErrCorrupt, rec.Day, f.Portfolio.Day)
				}
			}
			if !yield(f, err) || err != nil {
				return
			}
		}
	}
}
