package lendcore

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage"
)

// loanDay is the close's result for one loan and day.
type loanDay struct {
	index    storage.LoanIndex
	messages []storage.Message
	book     *storage.BookAppend // the day's distribution to the loan's investors
	credit   *storage.Movement   // what that distribution paid the reserve
	quiet    bool                // carried over without a fold
}

// closeLoan derives one loan's results for the day. It reads only rec, the
// loan's investor book and inspections and the Engine's policies, so
// workers run it in parallel.
func (c *dayClose) closeLoan(ctx context.Context, brokenPromise bool, rec *storage.Loan, pos *loan.Position) (loanDay, error) {
	e, day := c.e, c.day
	prev, exists, err := e.prevState(ctx, rec)
	if err != nil {
		return loanDay{}, err
	}
	if exists && !brokenPromise && e.quiet(rec, &prev, day) {
		idx := rec.Index
		idx.AsOf, idx.State = day, nil // nil keeps the stored document
		idx.Final = prev.Status == loan.Closed
		e.loans.keepState(rec.ID, day, prev)
		return loanDay{index: idx, quiet: true}, nil
	}
	l, err := e.loadLoan(ctx, rec)
	if err != nil {
		return loanDay{}, err
	}
	if err := l.PositionInto(pos, day); err != nil {
		return loanDay{}, err
	}
	st, reminders, actions, err := e.derive(ctx, rec.ID, pos, prev, day, brokenPromise)
	if err != nil {
		return loanDay{}, err
	}
	st.Version = rec.Version
	var out loanDay
	if out.book, out.credit, err = e.distribution(ctx, rec.ID, pos, &st, day, &out.messages); err != nil {
		return loanDay{}, err
	}
	out.index = indexOf(pos)
	out.index.Classification = st.Grade.String()
	out.index.Bucket = st.Bucket
	out.index.Collection = st.Collection.String()
	out.index.InspectionDue = st.InspectionDue
	out.index.AsOf = day
	// Nothing left to do for a closed loan whose closing this state has
	// seen: later closes leave it out.
	out.index.Final = st.Status == loan.Closed && st.sameStored(&prev)
	if !st.sameStored(&prev) || !exists {
		// Else nil: the stored document stays.
		if out.index.State, err = st.encode(); err != nil {
			return loanDay{}, err
		}
	}
	e.loans.keepState(rec.ID, day, st)
	if !st.InspectionDue.IsZero() && st.InspectionDue != prev.InspectionDue {
		// Announced on the day it falls due (or is first seen due), keyed
		// by the due day: an inspection that stays due is announced once.
		m, err := message(TopicInspection, fmt.Sprintf("inspection/%s/%s", rec.ID, st.InspectionDue), rec.ID, day,
			InspectionDue{Loan: rec.ID, Due: st.InspectionDue})
		if err != nil {
			return loanDay{}, err
		}
		out.messages = append(out.messages, m)
	}
	for i, r := range reminders {
		m, err := message(TopicReminder, fmt.Sprintf("reminder/%s/%s/%d", rec.ID, day, i), rec.ID, day, r)
		if err != nil {
			return loanDay{}, err
		}
		out.messages = append(out.messages, m)
	}
	for i, a := range actions {
		m, err := message(TopicAction, fmt.Sprintf("collection/%s/%s/%d", rec.ID, day, i), rec.ID, day, a)
		if err != nil {
			return loanDay{}, err
		}
		out.messages = append(out.messages, m)
	}
	return out, nil
}

// loadLoan returns the decoded loan of a scanned record (scans read no
// journals): the remembered decoding, or the loan read whole when this
// Engine has not decoded that version.
func (e *Engine) loadLoan(ctx context.Context, rec *storage.Loan) (*loan.Loan, error) {
	if l, ok := e.loans.loan(rec.ID, rec.Version); ok {
		return l, nil
	}
	full, err := e.store.Loans().Get(ctx, rec.ID)
	if err != nil {
		return nil, err
	}
	if full.Version != rec.Version {
		return nil, fmt.Errorf("%w: loan %s changed during the close", storage.ErrConflict, rec.ID)
	}
	return e.decode(&full)
}

// prevState returns a loan's stored state (yesterday's, normally) and
// whether one is stored: the remembered one for the record's AsOf, else
// the record's document when the scan carried it, else read from the
// store.
func (e *Engine) prevState(ctx context.Context, rec *storage.Loan) (LoanState, bool, error) {
	if s, ok := e.loans.state(rec.ID, rec.Index.AsOf); ok {
		return s, true, nil
	}
	if rec.Index.State == nil {
		full, err := e.store.Loans().Get(ctx, rec.ID)
		if err != nil {
			return LoanState{}, false, err
		}
		if full.Index.AsOf != rec.Index.AsOf {
			return LoanState{}, false, fmt.Errorf("%w: loan %s was closed by another run", storage.ErrConflict, rec.ID)
		}
		rec.Index.State = full.Index.State
	}
	s, err := e.stateOf(rec)
	return s, len(rec.Index.State) > 0, err
}

// InspectionDue is the payload of an outbox record of topic "inspection":
// the loan and the day its post-loan inspection fell due (the same for
// every day it stays due, so it is announced once).
type InspectionDue struct {
	Loan uuid.UUID `json:"loan"`
	Due  date.Date `json:"due"`
}
