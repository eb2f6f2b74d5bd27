package lendcore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/collateral"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage"
)

const (
	scopeClose = "close"
	keyLastDay = "last-day"
)

// The daily close visits loans being serviced, accelerated ones and
// written-off claims still pursued, and the closed loans whose closing it
// has not yet seen: a loan that closed since its last close still owes its
// investors their last distribution. Once the close has seen a closed loan
// its index classification is finalClass and the scans leave it out; a
// reversal that reopens it makes it active again.
var (
	closedStatuses = []string{loan.Active.String(), loan.Accelerated.String(), loan.WrittenOff.String()}
	justClosed     = storage.LoanFilter{Statuses: []string{loan.Closed.String()},
		Classifications: []string{"", "none", "normal", "special-mention", "substandard", "doubtful", "loss"}}
)

// finalClass is the index classification of a closed loan whose closing
// the daily close has processed.
const finalClass = "closed"

// CloseReport is what the daily close did for one business day.
type CloseReport struct {
	Day date.Date `json:"day"`
	// Loans is the number of loans closed for the day by this run;
	// AlreadyClosed the number a previous (interrupted or repeated) run had
	// closed already and this one skipped.
	Loans         int `json:"loans"`
	AlreadyClosed int `json:"already_closed"`
	// Quiet counts the loans among Loans whose state was carried over
	// without a fold (see WithQuietShortcut).
	Quiet int `json:"quiet"`
	// Messages counts the outbox records this run added.
	Messages int `json:"messages"`
	// Failed lists the loans that could not be closed; the rest of their
	// batch was closed.
	Failed []LoanError `json:"failed,omitempty"`
}

// LoanError is a loan the daily close could not process, with the reason.
type LoanError struct {
	Loan uuid.UUID `json:"loan"`
	Err  string    `json:"error"`
}

// LastClosed returns the last business day the close completed, and false
// when no day has been closed yet.
func (e *Engine) LastClosed(ctx context.Context) (date.Date, bool, error) {
	return e.lastClosed(ctx, e.store)
}

func (e *Engine) lastClosed(ctx context.Context, tx storage.Tx) (date.Date, bool, error) {
	cp, err := tx.Checkpoints().Get(ctx, scopeClose, keyLastDay)
	if errors.Is(err, storage.ErrNotFound) {
		return date.Date{}, false, nil
	}
	if err != nil {
		return date.Date{}, false, err
	}
	return cp.Day, true, nil
}

// CloseOfDay runs the daily close (close of business) for day, catching up
// in order every day after the last closed one: for each loan being
// serviced it folds the journal to the day and derives days past due,
// bucket and grade, the collection stage and the actions and reminders due,
// collateral calls, inspections and investor payouts; index columns and
// outbox records are written per batch in one unit of work.
//
// It is idempotent: a day already closed is not closed again, and a loan
// already closed for the day (by a run that was cancelled midway) is
// skipped, so a re-run finishes the day without emitting anything twice.
// A loan that a concurrent command changed during the close is read again
// and closed from its new version. A loan that still fails is reported in
// its day's CloseReport and does not stop the batch or the day: one
// corrupt loan must not hold up the portfolio, so the host acts on the
// report. Closing a day before the last closed one returns nothing.
//
// A zero day returns a *fault.Fields naming "day" and writes
// nothing.
func (e *Engine) CloseOfDay(ctx context.Context, day date.Date) ([]CloseReport, error) {
	if day.IsZero() {
		return nil, fault.Invalid(loan.ErrInvalidInput, "day", "is missing")
	}
	e.closing.Lock()
	defer e.closing.Unlock()
	last, ok, err := e.LastClosed(ctx)
	if err != nil {
		return nil, err
	}
	from := day
	if ok {
		if !day.After(last) {
			return nil, nil
		}
		from = last.Add(1)
	}
	var reports []CloseReport
	for d := from; !d.After(day); d = d.Add(1) {
		r, err := e.closeDay(ctx, d)
		if err != nil {
			return reports, err
		}
		reports = append(reports, r)
	}
	return reports, nil
}

// closeDay closes one business day over the whole portfolio.
func (e *Engine) closeDay(ctx context.Context, day date.Date) (CloseReport, error) {
	report := CloseReport{Day: day}
	broken, err := e.brokenPromises(ctx, day)
	if err != nil {
		return report, fmt.Errorf("lendcore: close of %s: promises: %w", day, err)
	}

	batches := make(chan []storage.Loan)
	results := make(chan batchResult)
	var wg sync.WaitGroup
	for range e.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				results <- e.closeBatch(ctx, day, broken, b)
			}
		}()
	}
	var scanErr error
	go func() {
		defer close(batches)
		batch := make([]storage.Loan, 0, e.batch)
		open := storage.LoanFilter{Statuses: closedStatuses}
		for _, f := range []storage.LoanFilter{open, justClosed} {
			f.BatchSize, f.NoDocument, f.NoState = e.batch, true, true
			for rec, err := range e.store.Loans().Scan(ctx, f) {
				if err != nil {
					scanErr = err
					return
				}
				batch = append(batch, rec)
				if len(batch) == e.batch {
					select {
					case batches <- batch:
					case <-ctx.Done():
						return
					}
					batch = make([]storage.Loan, 0, e.batch)
				}
			}
		}
		if len(batch) > 0 {
			select {
			case batches <- batch:
			case <-ctx.Done():
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()
	var firstErr error
	var exposures []collateral.Exposure
	for r := range results {
		exposures = append(exposures, r.exposures...)
		report.Loans += r.closed
		report.AlreadyClosed += r.skipped
		report.Quiet += r.quiet
		report.Messages += r.messages
		report.Failed = append(report.Failed, r.failed...)
		if r.err != nil && firstErr == nil {
			firstErr = r.err
		}
	}
	if firstErr == nil {
		firstErr = scanErr
	}
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	if firstErr != nil {
		return report, fmt.Errorf("lendcore: close of %s: %w", day, firstErr)
	}
	sortFailures(report.Failed)
	reviewed, err := e.reviewPromises(ctx, day, broken)
	if err != nil {
		return report, fmt.Errorf("lendcore: close of %s: promises: %w", day, err)
	}
	report.Messages += reviewed
	paid, err := e.compensate(ctx, day)
	if err != nil {
		return report, fmt.Errorf("lendcore: close of %s: compensation: %w", day, err)
	}
	report.Messages += paid
	if report.AlreadyClosed > 0 || len(report.Failed) > 0 {
		exposures = nil // some loans were not seen today: the evaluation reads them all
	} else {
		// The order the scan would give, whatever order the workers finished in.
		slices.SortFunc(exposures, func(a, b collateral.Exposure) int { return bytes.Compare(a.LoanID[:], b.LoanID[:]) })
	}
	n, err := e.closeCollateral(ctx, day, exposures)
	if err != nil {
		return report, fmt.Errorf("lendcore: close of %s: collateral: %w", day, err)
	}
	report.Messages += n
	if err := e.store.Checkpoints().Put(ctx, storage.Checkpoint{Scope: scopeClose, Key: keyLastDay, Day: day}); err != nil {
		return report, err
	}
	e.log.Info("day closed", "day", day.String(), "loans", report.Loans, "skipped", report.AlreadyClosed,
		"messages", report.Messages, "failed", len(report.Failed))
	return report, nil
}

// closeRetries is how many times the close re-reads a loan that a
// command changed between the scan and the fold before it reports the loan
// failed.
const closeRetries = 3

type batchResult struct {
	closed, skipped, messages, quiet int
	exposures                        []collateral.Exposure // with a collateral register: the batch's open loans
	failed                           []LoanError
	err                              error
}

// closeBatch derives the day's results for a batch of loans and writes
// them in one unit of work.
func (e *Engine) closeBatch(ctx context.Context, day date.Date, broken map[uuid.UUID]bool, recs []storage.Loan) batchResult {
	var r batchResult
	updates := make([]storage.IndexUpdate, 0, len(recs))
	var msgs []storage.Message
	var cps []storage.Checkpoint
	var credits []ReserveEntry
	var exposures []collateral.Exposure
	quiet := 0
	var pos loan.Position // reused: one fold's scratch for the whole batch
	for i := range recs {
		rec := &recs[i]
		if !rec.Index.AsOf.IsZero() && !rec.Index.AsOf.Before(day) {
			r.skipped++
			continue
		}
		out, err := e.closeLoan(ctx, day, broken[rec.ID], rec, &pos)
		// A command that committed since the scan changed the loan: read
		// it again and derive the day from its latest version.
		for try := 0; try < closeRetries && errors.Is(err, storage.ErrConflict) && ctx.Err() == nil; try++ {
			full, gerr := e.store.Loans().Get(ctx, rec.ID)
			if gerr != nil {
				err = gerr
				break
			}
			*rec = full
			if !rec.Index.AsOf.IsZero() && !rec.Index.AsOf.Before(day) {
				break // another run closed it for the day meanwhile
			}
			out, err = e.closeLoan(ctx, day, broken[rec.ID], rec, &pos)
		}
		if err != nil && !rec.Index.AsOf.IsZero() && !rec.Index.AsOf.Before(day) {
			r.skipped++
			continue
		}
		if err != nil {
			r.failed = append(r.failed, LoanError{Loan: rec.ID, Err: err.Error()})
			e.log.Warn("loan not closed", "loan", rec.ID, "day", day.String(), "error", err)
			continue
		}
		updates = append(updates, storage.IndexUpdate{LoanID: rec.ID, Index: out.index})
		if out.quiet {
			quiet++
		}
		msgs = append(msgs, out.messages...)
		cps = append(cps, out.checkpoints...)
		if out.reserve != nil {
			credits = append(credits, *out.reserve)
		}
		if e.collateral != nil && out.state != nil && slices.Contains(openStatuses, rec.Status) {
			exposures = append(exposures, collateral.Exposure{LoanID: rec.ID, Outstanding: out.state.Balance})
		}
	}
	if len(updates) == 0 {
		return r
	}
	if len(credits) > 0 {
		e.reserve.mu.Lock()
		defer e.reserve.mu.Unlock()
	}
	err := e.store.WithTx(ctx, func(tx storage.Tx) error {
		if err := tx.Loans().UpdateIndex(ctx, updates...); err != nil {
			return err
		}
		if len(credits) > 0 {
			if err := e.creditReserve(ctx, tx, credits, day); err != nil {
				return err
			}
		}
		for _, cp := range cps {
			if err := tx.Checkpoints().Put(ctx, cp); err != nil {
				return err
			}
		}
		if len(msgs) > 0 {
			n, err := tx.Outbox().Add(ctx, msgs...)
			r.messages = n
			return err
		}
		return nil
	})
	if err != nil {
		r.err = err
		r.messages = 0
		return r
	}
	for _, u := range updates {
		if u.Index.Classification == finalClass {
			// Final: the scans leave it out from now on, and a command on
			// it reads it from the store.
			e.cache.drop(u.LoanID)
		}
	}
	r.closed, r.quiet, r.exposures = len(updates), quiet, exposures
	return r
}

// loanDay is the close's result for one loan and day.
type loanDay struct {
	index       storage.LoanIndex
	state       *LoanState // the day's state (for the collateral evaluation)
	messages    []storage.Message
	checkpoints []storage.Checkpoint
	reserve     *ReserveEntry // a recovery the reserve received today
	quiet       bool          // carried over without a fold
}

// closeLoan derives one loan's results for day. It reads only rec and the
// Engine's policies, so workers can run it in parallel.
func (e *Engine) closeLoan(ctx context.Context, day date.Date, brokenPromise bool, rec *storage.Loan, pos *loan.Position) (loanDay, error) {
	prev, exists, err := e.prevState(ctx, rec)
	if err != nil {
		return loanDay{}, err
	}
	if exists && !brokenPromise && e.quiet(rec, &prev, day) {
		idx := rec.Index
		idx.AsOf, idx.State = day, nil // nil keeps the stored document
		if prev.Status == loan.Closed.String() {
			idx.Classification = finalClass
		}
		e.cache.putState(rec.ID, prev, day)
		return loanDay{index: idx, quiet: true, state: &prev}, nil
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
	out := loanDay{}
	cp, dist, toReserve, err := e.distribution(ctx, rec.ID, pos, &st, day)
	if err != nil {
		return loanDay{}, err
	}
	if cp != nil {
		out.checkpoints = append(out.checkpoints, *cp)
		out.messages = append(out.messages, *dist)
	}
	if toReserve.IsPositive() {
		out.reserve = &ReserveEntry{Loan: rec.ID, On: day, Amount: toReserve}
	}
	out.index = indexOf(*pos, st.Grade.String())
	if st.Status == loan.Closed.String() && st.sameStored(&prev) {
		// Nothing left to do for it: later closes leave it out.
		out.index.Classification = finalClass
	}
	out.index.AsOf = day
	if !st.sameStored(&prev) || !exists {
		// Else nil: the stored document stays.
		if out.index.State, err = st.encode(); err != nil {
			return loanDay{}, err
		}
	}
	e.cache.putState(rec.ID, st, day)
	out.state = &st
	if !st.InspectionDue.IsZero() {
		// Keyed and dated by the due day, so an inspection that stays due
		// is announced once.
		m, err := message(TopicInspection, fmt.Sprintf("inspection/%s/%s", rec.ID, st.InspectionDue), rec.ID, st.InspectionDue,
			inspectionEvent{Loan: rec.ID, Due: st.InspectionDue})
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
		m, err := message(TopicCollection, fmt.Sprintf("collection/%s/%s/%d", rec.ID, day, i), rec.ID, day, a)
		if err != nil {
			return loanDay{}, err
		}
		out.messages = append(out.messages, m)
	}
	return out, nil
}

func message(topic, key string, id uuid.UUID, day date.Date, v any) (storage.Message, error) {
	payload, err := json.Marshal(v)
	if err != nil {
		return storage.Message{}, err
	}
	return storage.Message{Key: key, Topic: topic, LoanID: id, Day: day, Payload: payload}, nil
}

func sortFailures(f []LoanError) {
	slices.SortFunc(f, func(a, b LoanError) int { return bytes.Compare(a.Loan[:], b.Loan[:]) })
}

// inspectionEvent is an outbox record of topic "inspection": the loan
// and the day its inspection fell due (the same for every day it stays due).
type inspectionEvent struct {
	Loan uuid.UUID `json:"loan"`
	Due  date.Date `json:"due"`
}

// loadLoan returns the decoded loan of a scanned record (scans read no
// journals): from the cache, or read whole when this Engine has not yet
// decoded that version.
func (e *Engine) loadLoan(ctx context.Context, rec *storage.Loan) (*loan.Loan, error) {
	if l, ok := e.cache.get(rec.ID, rec.Version); ok {
		return l, nil
	}
	full, err := e.store.Loans().Get(ctx, rec.ID)
	if err != nil {
		return nil, err
	}
	if full.Version != rec.Version {
		return nil, fmt.Errorf("%w: loan %s changed during the close", storage.ErrConflict, rec.ID)
	}
	return e.cache.load(full)
}

// prevState returns a loan's stored state (yesterday's, normally) and
// whether one is stored: what this Engine holds for the record's AsOf, else
// the record's document when the scan carried it, else read from the store.
func (e *Engine) prevState(ctx context.Context, rec *storage.Loan) (LoanState, bool, error) {
	if s, ok := e.cache.stateAt(rec.ID, rec.Index.AsOf); ok {
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
	s, err := e.cache.state(rec)
	return s, len(rec.Index.State) > 0, err
}
