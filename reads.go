package lendcore

import (
	"context"
	"encoding"
	"fmt"
	"iter"
	"slices"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage"
)

// LoanQuery selects loans for a back office's lists (借款管理, 逾期管理,
// 催收管理). Empty fields select everything; set fields combine with AND,
// and a list field matches any of its values. Every field but Statuses and
// Borrower is the daily close's: a loan no close has covered yet has no
// bucket, grade, stage or days past due, and is found only by the others.
type LoanQuery struct {
	// Statuses: the loan's status (active, overdue, written-off, ...).
	Statuses []loan.Status `json:"statuses,omitempty"`
	// Buckets: delinquency bucket names of Policies.Classification.Buckets
	// ("M1", "M3").
	Buckets []string `json:"buckets,omitempty"`
	// Grades: the five-category grade.
	Grades []classify.Grade `json:"grades,omitempty"`
	// Collections: the collection stage.
	Collections []collect.Stage `json:"collections,omitempty"`
	// DaysPastDue: an inclusive range; storage.AtLeast(1) (or
	// IntRange{Min: 1}) is every loan past due.
	DaysPastDue *storage.IntRange `json:"days_past_due,omitempty"`
	// NextDue: the next due date in an inclusive range; either end may be
	// left open. Loans with nothing left to fall due are left out.
	NextDue *storage.DateRange `json:"next_due,omitempty"`
	// Borrower: one borrower's loans.
	Borrower uuid.UUID `json:"borrower,omitzero"`
	// After pages: only loans whose id sorts after it. Pass the last id of
	// a page to get the next.
	After uuid.UUID `json:"after,omitzero"`
	// Limit is the most loans returned; 0 returns every match.
	Limit int `json:"limit,omitempty"`
}

// LoanRow is one loan of a list: who it is and what the last close
// derived for it.
type LoanRow struct {
	ID       uuid.UUID   `json:"id"`
	Borrower uuid.UUID   `json:"borrower"`
	Status   loan.Status `json:"status"`
	// NextDue is the next due date as of the last close; zero when nothing
	// is left to fall due.
	NextDue date.Date `json:"next_due,omitzero"`
	// Closed reports whether a close has covered the loan; State is zero
	// until one has. AsOf is the day of State (State.Day, which the
	// state's own JSON leaves to its index).
	Closed bool      `json:"closed"`
	AsOf   date.Date `json:"as_of,omitzero"`
	State  LoanState `json:"state"`
}

// Loans lists the loans q selects, in ascending id order, reading the
// store in batches as the caller ranges over them. A bad query is one
// *fault.Fields wrapping ErrInvalidInput, yielded before any loan.
//
//	for row, err := range eng.Loans(ctx, lendcore.LoanQuery{DaysPastDue: &storage.IntRange{Min: 1}, Limit: 50}) {
//		if err != nil { ... }
//		fmt.Println(row.ID, row.State.DPD, row.State.Collection)
//	}
func (e *Engine) Loans(ctx context.Context, q LoanQuery) iter.Seq2[LoanRow, error] {
	return func(yield func(LoanRow, error) bool) {
		f, err := e.loanFilter(q)
		if err != nil {
			yield(LoanRow{}, err)
			return
		}
		n := 0
		for rec, err := range e.store.Loans().Scan(ctx, f) {
			if err != nil {
				yield(LoanRow{}, err)
				return
			}
			if rec.ID == q.After {
				continue // the range includes its lower end
			}
			row, err := rowOf(&rec)
			if !yield(row, err) || err != nil {
				return
			}
			if n++; q.Limit > 0 && n == q.Limit {
				return
			}
		}
	}
}

// loanFilter checks q and turns it into the store's filter.
func (e *Engine) loanFilter(q LoanQuery) (storage.LoanFilter, error) {
	bad := &fault.Fields{Kind: ErrInvalidInput}
	f := storage.LoanFilter{Borrower: q.Borrower, DaysPastDue: q.DaysPastDue, NextDue: q.NextDue, NoDocument: true}
	for i, s := range q.Statuses {
		if !named(s) {
			bad.AddValue(fmt.Sprintf("statuses[%d]", i), s, "unknown loan status")
		}
		f.Statuses = append(f.Statuses, s.String())
	}
	buckets := e.policies.Classification.Buckets
	for i, b := range q.Buckets {
		if !slices.ContainsFunc(buckets, func(x classify.Bucket) bool { return x.Name == b }) {
			bad.AddValue(fmt.Sprintf("buckets[%d]", i), b, "not a bucket of the classification policy")
		}
	}
	f.Buckets = q.Buckets
	for i, g := range q.Grades {
		if !named(g) {
			bad.AddValue(fmt.Sprintf("grades[%d]", i), g, "unknown grade")
		}
		f.Classifications = append(f.Classifications, g.String())
	}
	for i, s := range q.Collections {
		if !named(s) {
			bad.AddValue(fmt.Sprintf("collections[%d]", i), s, "unknown collection stage")
		}
		f.Collections = append(f.Collections, s.String())
	}
	if r := q.DaysPastDue; r != nil && r.Min < 0 {
		bad.AddValue("days_past_due.min", r.Min, "must not be negative")
	}
	if r := q.NextDue; r != nil && !r.From.IsZero() && !r.To.IsZero() && r.To.Before(r.From) {
		bad.Add("next_due", "to is before from")
	}
	if q.Limit < 0 {
		bad.AddValue("limit", q.Limit, "must not be negative")
	}
	if q.After != uuid.Nil {
		f.IDs = &storage.IDRange{From: q.After}
	}
	if q.Limit > 0 {
		f.BatchSize = min(q.Limit+1, storage.MaxBatchSize)
	}
	return f, bad.Err()
}

// named reports whether an enum value has a name (the zero "not set" and
// values outside the table have none).
func named(v encoding.TextMarshaler) bool {
	_, err := v.MarshalText()
	return err == nil
}

// rowOf is a stored loan as a list row.
func rowOf(rec *storage.Loan) (LoanRow, error) {
	row := LoanRow{ID: rec.ID, Borrower: rec.Borrower, NextDue: rec.Index.NextDue, Closed: !rec.Index.AsOf.IsZero(),
		AsOf: rec.Index.AsOf}
	if err := row.Status.UnmarshalText([]byte(rec.Status)); err != nil {
		return row, fmt.Errorf("%w: loan %s: status: %w", storage.ErrCorrupt, rec.ID, err)
	}
	if !row.Closed {
		return row, nil
	}
	st, err := storedState(rec)
	row.State = st
	return row, err
}

// State returns the loan's state as of its last daily close. Errors:
// ErrNotClosed before the first close that covered the loan;
// storage.ErrNotFound, with a *fault.Transition wrapping ErrNotDisbursed
// when the id is an application's that was not disbursed.
func (e *Engine) State(ctx context.Context, id uuid.UUID) (LoanState, error) {
	rec, err := e.store.Loans().Get(ctx, id)
	if err != nil {
		return LoanState{}, e.readNotDisbursed(ctx, id, "read the state of", err)
	}
	if rec.Index.AsOf.IsZero() {
		return LoanState{}, ErrNotClosed
	}
	return storedState(&rec)
}

// Schedule returns a loan's repayment plan as it stands on day: the
// installments after every restructure, re-age, re-amortising prepayment
// and tranche up to day, each with what it asks for (principal, interest,
// penalty accrued so far, fees), what was paid and waived, and what
// remains. The original plan is schedule.Generate of the loan's terms.
// Errors: storage.ErrNotFound, with a *fault.Transition wrapping
// ErrNotDisbursed for an application not disbursed.
func (e *Engine) Schedule(ctx context.Context, id uuid.UUID, day date.Date) ([]loan.InstallmentPosition, error) {
	pos, err := e.Position(ctx, id, day)
	if err != nil {
		return nil, err
	}
	return pos.Installments, nil
}
