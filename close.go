package lendcore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage"
)

// CloseReport is what the daily close did for one business day, over every
// partition, whichever replica closed it.
type CloseReport struct {
	Day date.Date `json:"day"`
	// Loans is the number of loans closed for the day; AlreadyClosed the
	// number a run found closed already (by an interrupted or repeated run,
	// or a replica whose lease ran out) and skipped.
	Loans         int `json:"loans"`
	AlreadyClosed int `json:"already_closed"`
	// Quiet counts the loans among Loans whose state was carried over
	// without a fold (see WithQuietShortcut).
	Quiet int `json:"quiet"`
	// Messages counts the outbox records the day added.
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

func (r *CloseReport) add(o *CloseReport) {
	r.Loans += o.Loans
	r.AlreadyClosed += o.AlreadyClosed
	r.Quiet += o.Quiet
	r.Messages += o.Messages
	r.Failed = append(r.Failed, o.Failed...)
}

// CloseOfDay runs the daily close (close of business) for day, catching up
// in order every day after the last closed one: for each loan being
// serviced it folds the journal to the day and derives days past due,
// bucket and grade, the collection stage and the actions and reminders due,
// inspections due and investor payouts; then, once for the portfolio, it
// settles promises to pay, compensates investors from the reserve,
// monitors the collateral register and purges delivered outbox messages
// past their retention.
//
// The loans of a day are split into partitions of ids (WithPartitions).
// Every Engine that runs CloseOfDay for the day — replicas of a host on one
// database — claims partitions through the store with a lease, closes
// their loans batch by batch, and renews the lease as it goes; a replica
// that dies or is cancelled leaves its partition to the others once the
// lease runs out (at once, when it could release it). The portfolio steps
// run once, after every partition is done. Each loan-day is written once
// (a write names the day it read, so a replica that lost its lease cannot
// overwrite the one that took over), the outbox dedupes by key, and the
// result is the same, byte for byte, as one Engine closing alone. Commands
// keep working during a close: no lock is held for its length.
//
// A loan that a concurrent command changed during the close is read again
// and closed from its new version. A loan that still fails is reported in
// its day's CloseReport and does not stop the day: one corrupt loan must
// not hold up the portfolio, so the host acts on the report. Closing a day
// on or before the last closed one returns nothing. CloseOfDay returns
// when the day is closed, by this Engine or another.
//
// A zero day is a *fault.Fields naming "day"; nothing is written.
func (e *Engine) CloseOfDay(ctx context.Context, day date.Date) ([]CloseReport, error) {
	if day.IsZero() {
		return nil, fault.Invalid(ErrInvalidInput, "day", "is missing")
	}
	last, err := e.store.Closes().Last(ctx)
	if err != nil {
		return nil, err
	}
	from := day
	if !last.IsZero() {
		if !day.After(last) {
			return nil, nil
		}
		from = last.Add(1)
	}
	var reports []CloseReport
	for d := from; !d.After(day); d = d.Add(1) {
		r, err := e.closeDay(ctx, d)
		if err != nil {
			return reports, fmt.Errorf("lendcore: close of %s: %w", d, err)
		}
		reports = append(reports, r)
	}
	return reports, nil
}

// dayClose is one Engine's part in closing one business day.
type dayClose struct {
	e   *Engine
	day date.Date

	brokenOnce sync.Once
	broken     map[uuid.UUID]bool // loans with a broken promise to feed to the ladder today
	brokenErr  error

	facts closeFacts // the facts journals in force on the day
	moves closeMoves // the loans moved to another product by the day
}

// closeDay closes one business day: the loan partitions with the Engine's
// workers, then the portfolio steps, each claimed through the store.
func (e *Engine) closeDay(ctx context.Context, day date.Date) (CloseReport, error) {
	c := &dayClose{e: e, day: day}
	parts, err := e.store.Closes().Plan(ctx, day, e.parts)
	if err != nil {
		return CloseReport{}, err
	}
	n := parts[0].Parts
	for {
		// This Engine's workers close every partition they can claim; the
		// partitions other replicas hold are theirs until done, or until
		// their lease runs out and a worker here takes them over.
		var wg sync.WaitGroup
		errs := make([]error, e.workers)
		for w := range e.workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[w] = c.work(ctx, w, n)
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return CloseReport{}, err
		}
		parts, err = e.store.Closes().Plan(ctx, day, n)
		if err != nil {
			return CloseReport{}, err
		}
		if allDone(parts[:n]) {
			break
		}
		if err := c.wait(ctx); err != nil {
			return CloseReport{}, err
		}
	}
	parts, err = c.portfolio(ctx, n)
	if err != nil {
		return CloseReport{}, err
	}
	report := CloseReport{Day: day}
	for _, p := range parts {
		var r CloseReport
		if err := guardedUnmarshal(p.Report, &r); err != nil {
			return report, fmt.Errorf("%w: report of partition %d: %v", storage.ErrCorrupt, p.Part, err)
		}
		report.add(&r)
	}
	slices.SortFunc(report.Failed, func(a, b LoanError) int { return bytes.Compare(a.Loan[:], b.Loan[:]) })
	e.log.Info("day closed", "day", day.String(), "loans", report.Loans, "skipped", report.AlreadyClosed,
		"messages", report.Messages, "failed", len(report.Failed), "replica", e.replica)
	return report, nil
}

// errLeaseLost: another replica took the partition over.
var errLeaseLost = errors.New("lendcore: close partition taken over by another replica")

// work is one worker's loop: claim a loan partition that is free (or whose
// owner's lease ran out), close it, and go on until no partition is left
// to claim.
func (c *dayClose) work(ctx context.Context, worker, n int) error {
	e := c.e
	// Each replica and worker starts its search at its own partition, so
	// replicas tend to take the same partitions day after day and find
	// their loans in their own memo.
	h := fnv.New32a()
	h.Write([]byte(e.replica))
	start := int(h.Sum32()%uint32(n)) + worker*n/max(e.workers, 1)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		parts, err := e.store.Closes().Plan(ctx, c.day, n)
		if err != nil {
			return err
		}
		p, ok := c.claim(ctx, parts[:n], start)
		if !ok {
			return nil
		}
		err = c.closePart(ctx, p)
		switch {
		case errors.Is(err, errLeaseLost):
			e.log.Warn("close partition taken over", "day", c.day.String(), "part", p.Part, "replica", e.replica)
		case err != nil:
			c.release(p)
			return err
		}
	}
}

// allDone reports whether every partition is done.
func allDone(parts []storage.ClosePart) bool {
	for _, p := range parts {
		if !p.Done {
			return false
		}
	}
	return true
}

// claim takes the first claimable partition from start on: not done, and
// free or with a lease run out.
func (c *dayClose) claim(ctx context.Context, parts []storage.ClosePart, start int) (storage.ClosePart, bool) {
	e := c.e
	now := e.leaseNow()
	for i := range parts {
		p := parts[(start+i)%len(parts)]
		if p.Done || p.Owner != "" && now.Before(p.LeaseUntil) {
			continue
		}
		p.Owner, p.LeaseUntil = e.replica, now.Add(e.lease)
		got, err := e.store.Closes().Save(ctx, p)
		if err != nil {
			continue // another replica claimed it first, or the store hiccupped: look again
		}
		return got, true
	}
	return storage.ClosePart{}, false
}

// pollEvery is how often a replica looks again at partitions another
// replica holds: often enough that the day ends soon after the last
// partition does, rarely enough to cost the database nothing to speak of.
const pollEvery = 20 * time.Millisecond

// wait sleeps before looking at the partitions again.
func (c *dayClose) wait(ctx context.Context) error {
	d := min(pollEvery, c.e.lease/4)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// release gives a partition back after a failure or a cancellation, so
// another replica need not wait for the lease to run out. It is best
// effort: if it fails, the lease still runs out.
func (c *dayClose) release(p storage.ClosePart) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	p.Owner, p.LeaseUntil = "", time.Time{}
	if _, err := c.e.store.Closes().Save(ctx, p); err != nil {
		c.e.log.Debug("close partition not released", "day", c.day.String(), "part", p.Part, "error", err)
	}
}

// renew extends the lease on p when half of it has run, and reports
// errLeaseLost when another replica has taken p over.
func (c *dayClose) renew(ctx context.Context, p *storage.ClosePart) error {
	e := c.e
	now := e.leaseNow()
	if p.LeaseUntil.Sub(now) > e.lease/2 {
		return nil
	}
	next := *p
	next.LeaseUntil = now.Add(e.lease)
	got, err := e.store.Closes().Save(ctx, next)
	if errors.Is(err, storage.ErrConflict) {
		return errLeaseLost
	}
	if err != nil {
		return err
	}
	*p = got
	return nil
}

// The daily close visits loans being serviced, accelerated ones and
// written-off claims still pursued, and the closed loans it has not
// finished with: a loan that closed since its last close still owes its
// investors their last distribution. Once the close has finished with a
// closed loan its index is Final and the scans leave it out; a reversal
// that reopens it makes it active again.
var (
	openForClose = []string{loan.Active.String(), loan.Accelerated.String(), loan.WrittenOff.String()}
	closedStatus = []string{loan.Closed.String()}
)

// closePart closes the loans of one partition, batch by batch, and marks
// the partition done with its report.
func (c *dayClose) closePart(ctx context.Context, p storage.ClosePart) error {
	e := c.e
	ids := storage.Partition(p.Part, p.Parts)
	var report CloseReport
	batch := make([]storage.Loan, 0, e.batch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		r, err := c.closeBatch(ctx, batch)
		if err != nil {
			return err
		}
		report.add(&r)
		batch = batch[:0]
		return c.renew(ctx, &p)
	}
	for _, f := range []storage.LoanFilter{{Statuses: openForClose}, {Statuses: closedStatus, Unfinished: true}} {
		f.IDs, f.BatchSize, f.NoDocument, f.NoState = &ids, e.batch, true, true
		for rec, err := range e.store.Loans().Scan(ctx, f) {
			if err != nil {
				return err
			}
			batch = append(batch, rec)
			if len(batch) == e.batch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	raw, err := json.Marshal(report)
	if err != nil {
		return err
	}
	p.Done, p.Report = true, raw
	_, err = e.store.Closes().Save(ctx, p)
	if errors.Is(err, storage.ErrConflict) {
		return errLeaseLost
	}
	return err
}

// brokenPromises returns the loans whose promise to pay was found broken
// on an earlier day and not yet fed to the collection ladder; the day's
// close marks them on the ladder (collect.Facts.BrokenPromise). It is read
// once per day and replica: it changes only in the portfolio steps, which
// run after every loan partition is done.
func (c *dayClose) brokenPromises(ctx context.Context) (map[uuid.UUID]bool, error) {
	c.brokenOnce.Do(func() {
		c.broken = map[uuid.UUID]bool{}
		before := storage.DateRange{To: c.day.Add(-1)}
		for rec, err := range c.e.store.Collections().Scan(ctx, storage.CollectionFilter{Unfed: &before}) {
			if err != nil {
				c.brokenErr = err
				return
			}
			c.broken[rec.LoanID] = true
		}
	})
	return c.broken, c.brokenErr
}

// closeRetries is how many times the close reads a loan (or a batch) again
// after a concurrent writer changed it, before it reports the loan failed.
const closeRetries = 3

// closeBatch derives the day's results for a batch of loans and writes
// them in one unit of work. When the write loses a race (a command changed
// an investor book, or another replica closed some of the loans), the
// batch is read again and derived afresh.
func (c *dayClose) closeBatch(ctx context.Context, recs []storage.Loan) (CloseReport, error) {
	var err error
	for try := 0; ; try++ {
		var w batchWrite
		var r CloseReport
		if r, w, err = c.deriveBatch(ctx, recs); err != nil {
			return r, err
		}
		if err = c.e.store.WithTx(ctx, w.apply(ctx)); err == nil {
			r.Messages = w.added
			c.e.afterBatch(&w)
			return r, nil
		}
		if !errors.Is(err, storage.ErrConflict) || try == closeRetries || ctx.Err() != nil {
			return r, err
		}
		for i := range recs {
			full, gerr := c.e.store.Loans().Get(ctx, recs[i].ID)
			if gerr != nil {
				return r, gerr
			}
			recs[i] = full
		}
	}
}

// batchWrite is what a batch of the close writes in one unit of work.
type batchWrite struct {
	updates []storage.IndexUpdate
	books   []storage.BookAppend
	credits []storage.Movement
	msgs    []storage.Message
	added   int
}

func (w *batchWrite) apply(ctx context.Context) func(tx storage.Tx) error {
	return func(tx storage.Tx) error {
		w.added = 0
		if len(w.updates) > 0 {
			if err := tx.Loans().UpdateIndex(ctx, w.updates...); err != nil {
				return err
			}
		}
		for _, a := range w.books {
			if _, _, err := tx.Books().Append(ctx, a); err != nil {
				return err
			}
		}
		if len(w.credits) > 0 {
			if _, err := tx.Reserve().Add(ctx, storage.ReserveAdd{Movements: w.credits}); err != nil {
				return err
			}
		}
		if err := creditInvestors(ctx, tx, w.msgs); err != nil {
			return err
		}
		if len(w.msgs) > 0 {
			n, err := tx.Outbox().Add(ctx, w.msgs...)
			w.added = n
			return err
		}
		return nil
	}
}

// afterBatch forgets the loans the batch made final: the scans leave them
// out from now on, and a command on one reads it from the store.
func (e *Engine) afterBatch(w *batchWrite) {
	for _, u := range w.updates {
		if u.Index.Final {
			e.loans.forget(u.LoanID)
			e.books.forget(u.LoanID)
		}
	}
}

// deriveBatch derives the day of each loan of the batch.
func (c *dayClose) deriveBatch(ctx context.Context, recs []storage.Loan) (CloseReport, batchWrite, error) {
	e := c.e
	var r CloseReport
	var w batchWrite
	w.updates = make([]storage.IndexUpdate, 0, len(recs))
	broken, err := c.brokenPromises(ctx)
	if err != nil {
		return r, w, err
	}
	var pos loan.Position // reused: one fold's scratch for the whole batch
	for i := range recs {
		rec := &recs[i]
		if closedFor(rec, c.day) {
			r.AlreadyClosed++
			continue
		}
		out, err := c.closeLoan(ctx, broken[rec.ID], rec, &pos)
		// A command that committed since the scan changed the loan: read
		// it again and derive the day from its latest version.
		for try := 0; try < closeRetries && errors.Is(err, storage.ErrConflict) && ctx.Err() == nil; try++ {
			full, gerr := e.store.Loans().Get(ctx, rec.ID)
			if gerr != nil {
				err = gerr
				break
			}
			*rec = full
			if closedFor(rec, c.day) {
				break
			}
			out, err = c.closeLoan(ctx, broken[rec.ID], rec, &pos)
		}
		if err != nil && closedFor(rec, c.day) {
			r.AlreadyClosed++
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return r, w, ctx.Err()
			}
			r.Failed = append(r.Failed, LoanError{Loan: rec.ID, Err: err.Error()})
			e.log.Warn("loan not closed", "loan", rec.ID, "day", c.day.String(), "error", err)
			continue
		}
		r.Loans++
		if out.quiet {
			r.Quiet++
		}
		w.updates = append(w.updates, storage.IndexUpdate{LoanID: rec.ID, PrevAsOf: rec.Index.AsOf, Index: out.index})
		w.msgs = append(w.msgs, out.messages...)
		if out.book != nil {
			w.books = append(w.books, *out.book)
		}
		w.credits = append(w.credits, out.credits...)
	}
	return r, w, nil
}

// closedFor reports whether rec's index was written for day already.
func closedFor(rec *storage.Loan, day date.Date) bool {
	return !rec.Index.AsOf.IsZero() && !rec.Index.AsOf.Before(day)
}

// portfolio runs the day's portfolio steps once every loan partition is
// done — here, when this Engine claims them, or by waiting for the replica
// that did — and returns the day's partitions, all done.
func (c *dayClose) portfolio(ctx context.Context, n int) ([]storage.ClosePart, error) {
	e := c.e
	for {
		parts, err := e.store.Closes().Plan(ctx, c.day, n)
		if err != nil {
			return nil, err
		}
		if parts[n].Done {
			return parts, nil
		}
		p, ok := c.claim(ctx, parts[n:], 0)
		if !ok {
			if err := c.wait(ctx); err != nil {
				return nil, err
			}
			continue
		}
		if err := c.portfolioSteps(ctx, p); err != nil {
			if !errors.Is(err, errLeaseLost) {
				c.release(p)
				return nil, err
			}
		}
	}
}

// portfolioSteps runs the steps that look at the whole portfolio, each its
// own unit of work and each idempotent (a replica that takes the steps
// over after a crash runs them all again, and nothing is done twice), then
// marks the day closed.
func (c *dayClose) portfolioSteps(ctx context.Context, p storage.ClosePart) error {
	e := c.e
	var r CloseReport
	steps := []struct {
		name string
		run  func(context.Context, date.Date) (int, error)
	}{
		{"listings", e.closeListings},
		{"promises", e.reviewPromises},
		{"compensation", e.compensate},
		{"collateral", e.monitorCollateral},
		{"lines", e.monitorLines},
		{"debtors", e.debtorPass},
		{"month end", e.recordMonthEnd},
		{"outbox retention", e.purgeOutbox},
	}
	for _, s := range steps {
		n, err := s.run(ctx, c.day)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		r.Messages += n
		if err := c.renew(ctx, &p); err != nil {
			return err
		}
	}
	raw, err := json.Marshal(r)
	if err != nil {
		return err
	}
	p.Done, p.Report = true, raw
	err = e.store.WithTx(ctx, func(tx storage.Tx) error {
		if _, err := tx.Closes().Save(ctx, p); err != nil {
			return err
		}
		return tx.Closes().Finish(ctx, c.day)
	})
	if errors.Is(err, storage.ErrConflict) {
		return errLeaseLost
	}
	return err
}

// purgeOutbox drops the delivered messages past the retention.
func (e *Engine) purgeOutbox(ctx context.Context, day date.Date) (int, error) {
	if e.retention == 0 {
		return 0, nil
	}
	_, err := e.store.Outbox().Purge(ctx, day.Add(date.PeriodOfDays(-e.retention)))
	return 0, err
}
