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
	book     *storage.BookAppend // the distributions to the loan's investors
	credits  []storage.Movement  // what those distributions paid the reserve
	quiet    bool                // carried over without a fold
}

// closeLoan derives one loan's results for the day. It reads only rec, the
// loan's investor book and inspections and the Engine's policies, so
// workers run it in parallel.
//
// A loan's state on a day is what daily closes would have given it,
// whatever days were actually closed: a loan the close has not seen since
// before yesterday — the first close of an Engine over older loans, a loan
// disbursed or imported with an earlier start, a loan that failed on the
// days before — has each missed day derived in turn, as its daily close
// would have derived it. The reminders and collection actions of those
// days are recorded in the outbox as history (delivered: a reminder for a
// day gone by is not sent as if new), and their distributions to
// investors, which are money still owed, as pending.
func (c *dayClose) closeLoan(ctx context.Context, brokenPromise bool, rec *storage.Loan, pos *loan.Position) (loanDay, error) {
	e, day := c.e, c.day
	prev, exists, err := e.prevState(ctx, rec)
	if err != nil {
		return loanDay{}, err
	}
	facts, err := c.factsOf(ctx, rec)
	if err != nil {
		return loanDay{}, err
	}
	ref, err := c.productOn(ctx, rec.ID, prev.Product, day)
	if err != nil {
		return loanDay{}, err
	}
	p, err := e.policiesOf(ctx, e.store, ref)
	if err != nil {
		return loanDay{}, err
	}
	if exists && !brokenPromise && facts == nil && ref == prev.Product && e.quiet(p, rec, &prev, day) {
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
	var out loanDay
	var bk bookCursor
	stored := prev // what the store holds, to write only a changed state
	from := prev.Day.Add(1)
	if prev.Day.IsZero() {
		from = l.Terms().Start // never closed: from its first day
	}
	for d := from; d.Before(day); d = d.Add(1) {
		if prev, err = c.deriveDay(ctx, rec, l, pos, prev, d, false, &bk, &out, true); err != nil {
			return loanDay{}, err
		}
	}
	st, err := c.deriveDay(ctx, rec, l, pos, prev, day, brokenPromise, &bk, &out, false)
	if err != nil {
		return loanDay{}, err
	}
	out.book, out.credits = bk.write(rec.ID), bk.credits
	st.Accrual = l.Policy().Accrual.Frequency
	postings, err := closePostings(rec, l, pos, &stored, exists, &st, day)
	if err != nil {
		return loanDay{}, err
	}
	out.messages = append(out.messages, postings...)
	out.index = indexOf(pos)
	out.index.Classification = st.Grade.String()
	out.index.Bucket = st.Bucket
	out.index.Collection = st.Collection.String()
	out.index.InspectionDue = st.InspectionDue
	out.index.AsOf = day
	// Nothing left to do for a closed loan whose closing this state has
	// seen: later closes leave it out.
	out.index.Final = st.Status == loan.Closed && st.sameStored(&prev)
	if !st.sameStored(&stored) || !exists || len(postings) > 0 {
		// Else nil: the stored document stays.
		if out.index.State, err = st.encode(); err != nil {
			return loanDay{}, err
		}
	}
	e.loans.keepState(rec.ID, day, st)
	return out, nil
}

// deriveDay derives the loan's state on day d from the day before's, adds
// the day's distribution to bk and its outbox records to out — as history
// when the day is one the close derives after the fact.
func (c *dayClose) deriveDay(ctx context.Context, rec *storage.Loan, l *loan.Loan, pos *loan.Position, prev LoanState,
	d date.Date, brokenPromise bool, bk *bookCursor, out *loanDay, history bool) (LoanState, error) {
	e := c.e
	if err := l.PositionInto(pos, d); err != nil {
		return prev, err
	}
	facts, err := c.factsOf(ctx, rec)
	if err != nil {
		return prev, err
	}
	ref, err := c.productOn(ctx, rec.ID, prev.Product, d)
	if err != nil {
		return prev, err
	}
	p, err := e.policiesOf(ctx, e.store, ref)
	if err != nil {
		return prev, err
	}
	st, reminders, actions, err := e.deriveWith(ctx, p, rec.ID, pos, prev, d, brokenPromise, facts)
	if err != nil {
		return prev, err
	}
	st.Version, st.Product = rec.Version, ref
	if err := e.distribution(ctx, rec.ID, pos, &st, d, bk, &out.messages); err != nil {
		return prev, err
	}
	add := func(m storage.Message, err error) error {
		if err != nil {
			return err
		}
		m.Delivered = history
		out.messages = append(out.messages, m)
		return nil
	}
	if !st.InspectionDue.IsZero() && st.InspectionDue != prev.InspectionDue {
		// Announced on the day it falls due (or is first seen due), keyed
		// by the due day: an inspection that stays due is announced once.
		// One first seen due after its day — caught up, or due again
		// after a change of grade moved the cadence and back — is keyed
		// by that day too, so a due day announced twice is two messages.
		key := fmt.Sprintf("inspection/%s/%s", rec.ID, st.InspectionDue)
		if st.InspectionDue != d {
			key += "/" + d.String()
		}
		if err := add(message(TopicInspection, key, rec.ID, d,
			InspectionDue{Loan: rec.ID, Due: st.InspectionDue})); err != nil {
			return prev, err
		}
	}
	if a, ok := alertOf(rec.ID, &prev, &st); ok {
		if err := add(message(TopicAlert, fmt.Sprintf("alert/%s/%s", rec.ID, d), rec.ID, d, a)); err != nil {
			return prev, err
		}
	}
	for i, r := range reminders {
		if err := add(message(TopicReminder, fmt.Sprintf("reminder/%s/%s/%d", rec.ID, d, i), rec.ID, d, r)); err != nil {
			return prev, err
		}
	}
	for i, a := range actions {
		if err := add(message(TopicAction, fmt.Sprintf("collection/%s/%s/%d", rec.ID, d, i), rec.ID, d, a)); err != nil {
			return prev, err
		}
	}
	return st, nil
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
