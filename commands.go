package lendcore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage"
)

// Outbox topics of the messages the Engine writes.
const (
	TopicPosting    = "posting"    // a loan.Posting a command caused, for the host's general ledger (see doc.go: not the accruals)
	TopicReminder   = "reminder"   // a repayment reminder to deliver
	TopicCollection = "collection" // a collection action due
	TopicCollateral = "collateral" // a revaluation or coverage call due
	TopicInspection = "inspection" // a post-loan inspection due
	TopicInvestor   = "investor"   // an investor distribution or reserve payout
	TopicAlert      = "alert"      // an early-warning alert
	TopicReserve    = "reserve"    // a movement of the risk reserve
)

// Submit files a loan application. The request is validated in full; an
// invalid one returns a *fault.Fields and stores nothing.
func (e *Engine) Submit(ctx context.Context, r loan.Request) (*loan.Application, error) {
	app, err := loan.NewApplication(r)
	if err != nil {
		return nil, err
	}
	rec, err := appRecord(app, 0)
	if err != nil {
		return nil, err
	}
	if err := e.store.Applications().Create(ctx, rec); err != nil {
		return nil, err
	}
	e.log.Info("application submitted", "application", app.ID(), "amount", r.Terms.Principal.String())
	return app, nil
}

// Approve records an officer's approval (or committee vote) under the
// Engine's approval policy; exp is the borrower's existing exposure.
func (e *Engine) Approve(ctx context.Context, id uuid.UUID, act loan.Action, exp loan.Exposure) (*loan.Application, error) {
	return e.updateApplication(ctx, id, "approve", func(a *loan.Application) error {
		return a.Approve(act, e.policies.Approval, exp)
	})
}

// Reject refuses an application.
func (e *Engine) Reject(ctx context.Context, id uuid.UUID, act loan.Action) (*loan.Application, error) {
	return e.updateApplication(ctx, id, "reject", func(a *loan.Application) error { return a.Reject(act) })
}

// Withdraw withdraws an application at the applicant's request.
func (e *Engine) Withdraw(ctx context.Context, id uuid.UUID, act loan.Action) (*loan.Application, error) {
	return e.updateApplication(ctx, id, "withdraw", func(a *loan.Application) error { return a.Withdraw(act) })
}

// Cancel cancels an approved application before disbursement.
func (e *Engine) Cancel(ctx context.Context, id uuid.UUID, act loan.Action) (*loan.Application, error) {
	return e.updateApplication(ctx, id, "cancel", func(a *loan.Application) error { return a.Cancel(act) })
}

// Application returns a stored application.
func (e *Engine) Application(ctx context.Context, id uuid.UUID) (*loan.Application, error) {
	rec, err := e.store.Applications().Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return decodeApp(rec)
}

func (e *Engine) updateApplication(ctx context.Context, id uuid.UUID, what string, apply func(*loan.Application) error) (*loan.Application, error) {
	var out *loan.Application
	err := e.retry(ctx, what, func() error {
		rec, err := e.store.Applications().Get(ctx, id)
		if err != nil {
			return err
		}
		app, err := decodeApp(rec)
		if err != nil {
			return err
		}
		if err := apply(app); err != nil {
			return err
		}
		next, err := appRecord(app, rec.Version)
		if err != nil {
			return err
		}
		next.LoanID = rec.LoanID
		if _, err := e.store.Applications().Update(ctx, next); err != nil {
			return err
		}
		out = app
		return nil
	})
	if err != nil {
		return nil, err
	}
	e.log.Info("application "+what, "application", id, "status", out.Status().String())
	return out, nil
}

// Disbursement says how an approved application is paid out. The loan
// takes the application's id.
type Disbursement struct {
	Actor          string
	IdempotencyKey string
	// Funding lists the investors' amounts for a P2P loan; empty for a
	// loan held by the lender alone.
	Funding []Funding
}

// Disburse pays out an approved application on its terms' start date: the
// application becomes Active and a loan is created with its disbursement
// entry, its postings go to the outbox, all in one unit of work.
func (e *Engine) Disburse(ctx context.Context, appID uuid.UUID, d Disbursement) (*loan.Loan, error) {
	if d.Actor == "" || d.IdempotencyKey == "" {
		v := &fault.Fields{Kind: loan.ErrInvalidInput}
		if d.Actor == "" {
			v.Add("actor", "is missing")
		}
		if d.IdempotencyKey == "" {
			v.Add("idempotency_key", "is missing")
		}
		return nil, v
	}
	if len(d.Funding) > 0 && e.policies.Reserve != nil {
		// The disbursement pays into the reserve: one writer at a time.
		e.reserve.mu.Lock()
		defer e.reserve.mu.Unlock()
	}
	var out *loan.Loan
	err := e.retry(ctx, "disburse", func() error {
		return e.store.WithTx(ctx, func(tx storage.Tx) error {
			rec, err := tx.Applications().Get(ctx, appID)
			if err != nil {
				return err
			}
			if rec.LoanID != uuid.Nil {
				// Already disbursed: return the loan (idempotent).
				lrec, err := tx.Loans().Get(ctx, rec.LoanID)
				if err != nil {
					return err
				}
				out, err = lrec.Decode()
				return err
			}
			app, err := decodeApp(rec)
			if err != nil {
				return err
			}
			terms := app.Terms()
			l, err := app.Disburse(loan.Entry{ID: uuid.NewSHA1(appID, []byte(d.IdempotencyKey)), Kind: loan.Disbursement,
				ValueDate: terms.Start, BookedAt: e.clock(), Actor: d.Actor, IdempotencyKey: d.IdempotencyKey,
				Amount: terms.Principal}, e.policies.Servicing)
			if err != nil {
				return err
			}
			id := l.ID()
			if err := e.fund(ctx, tx, l, d.Funding); err != nil {
				return err
			}
			lrec, err := storage.FromLoan(l, storage.LoanIndex{})
			if err != nil {
				return err
			}
			pos, err := l.PositionAt(terms.Start)
			if err != nil {
				return err
			}
			lrec.Index = indexOf(pos, "")
			lrec.Index.AsOf = date.Date{} // not closed yet
			if lrec.Index.State, err = json.Marshal(LoanState{Guarantors: len(app.Request().Guarantees)}); err != nil {
				return err
			}
			if err := tx.Loans().Create(ctx, lrec); err != nil {
				if errors.Is(err, storage.ErrDuplicate) {
					// A concurrent Disburse of the application created the
					// loan after this one read it undisbursed: retry, and
					// the re-read takes the already-disbursed path.
					return fmt.Errorf("%w: loan %s disbursed concurrently: %w", storage.ErrConflict, id, err)
				}
				return err
			}
			next, err := appRecord(app, rec.Version)
			if err != nil {
				return err
			}
			next.LoanID = id
			if _, err := tx.Applications().Update(ctx, next); err != nil {
				return err
			}
			if err := e.emitPostings(ctx, tx, nil, l, terms.Start); err != nil {
				return err
			}
			out = l
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	e.cache.put(out.ID(), int64(out.Version()), out)
	e.log.Info("loan disbursed", "loan", out.ID(), "application", appID)
	return out, nil
}

// Loan returns a loan rebuilt from its journal.
func (e *Engine) Loan(ctx context.Context, id uuid.UUID) (*loan.Loan, error) {
	rec, err := e.store.Loans().Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return rec.Decode()
}

// Position returns a loan's position as of day.
func (e *Engine) Position(ctx context.Context, id uuid.UUID, day date.Date) (loan.Position, error) {
	rec, err := e.store.Loans().Get(ctx, id)
	if err != nil {
		return loan.Position{}, err
	}
	l, err := e.cache.load(rec) // read-only use: the cached decoding will do
	if err != nil {
		return loan.Position{}, err
	}
	return l.PositionAt(day)
}

// Post applies one journal entry to a loan: a repayment, prepayment, fee,
// waiver, restructure, acceleration, write-off, recovery, refund or
// reversal. The entry's idempotency key is required: posting the same key
// again returns the first result. The entry, the loan's new status and
// index and the postings it causes are written
// in one unit of work (the investors' share is distributed by the daily
// close); a version conflict with a concurrent writer is
// retried on the fresh state. A rejected entry changes nothing.
func (e *Engine) Post(ctx context.Context, id uuid.UUID, en loan.Entry) (loan.Result, error) {
	if en.IdempotencyKey == "" {
		return loan.Result{}, fault.Invalid(loan.ErrInvalidInput, "idempotency_key", "is missing")
	}
	if en.ID == uuid.Nil {
		en.ID = uuid.NewSHA1(id, []byte(en.IdempotencyKey))
	}
	if en.BookedAt.IsZero() {
		en.BookedAt = e.clock()
	}
	var res loan.Result
	var done *loan.Loan
	var version int64
	err := e.retry(ctx, "post "+en.Kind.String(), func() error {
		return e.store.WithTx(ctx, func(tx storage.Tx) error {
			rec, err := tx.Loans().Get(ctx, id)
			if err != nil {
				return err
			}
			// The cached loan of this version is read-only: it is the
			// ledger before the entry, and a clone of it takes the entry.
			before, err := e.cache.load(rec)
			if err != nil {
				return err
			}
			l := before.Clone()
			res, err = l.Post(en)
			if err != nil || res.Replayed {
				done, version = l, rec.Version
				return err
			}
			row, err := storage.FromEntry(res.Entry)
			if err != nil {
				return err
			}
			asOf := en.ValueDate
			if last, ok, err := e.lastClosed(ctx, tx); err != nil {
				return err
			} else if ok && last.After(asOf) {
				asOf = last
			}
			// The index columns and derived state are the daily close's:
			// it alone writes them (and the investor books), so a command
			// racing a close can never overwrite what the close derived.
			ar, err := tx.Loans().Append(ctx, storage.Append{LoanID: id, ExpectedVersion: rec.Version,
				Entries: []storage.Entry{row}, Status: l.Status().String()})
			if err != nil {
				return err
			}
			if err := e.emitPostings(ctx, tx, before, l, asOf); err != nil {
				return err
			}
			done, version = l, ar.Version
			return nil
		})
	})
	if err != nil {
		return loan.Result{}, err
	}
	e.cache.put(id, version, done)
	e.log.Info("entry posted", "loan", id, "kind", en.Kind.String(), "key", en.IdempotencyKey, "replayed", res.Replayed)
	return res, nil
}

// emitPostings writes to the outbox the postings that turn the host's
// ledger from before's to after's, both folded to asOf: new postings as
// they are, vanished ones (restated by a backdated entry or a reversal)
// reversed. before is nil for a new loan. What the passage of time books
// (interest falling due, penalty accruing) is in both folds and so is not
// emitted: see the package doc.
func (e *Engine) emitPostings(ctx context.Context, tx storage.Tx, before, after *loan.Loan, asOf date.Date) error {
	var old []loan.Posting
	if before != nil {
		var err error
		if old, err = before.Postings(asOf); err != nil {
			return err
		}
	}
	now, err := after.Postings(asOf)
	if err != nil {
		return err
	}
	delta := postingDelta(old, now)
	if len(delta) == 0 {
		return nil
	}
	msgs := make([]storage.Message, len(delta))
	version := after.Version()
	for i, p := range delta {
		payload, err := json.Marshal(p)
		if err != nil {
			return err
		}
		msgs[i] = storage.Message{Key: fmt.Sprintf("posting/%s/v%d/%d", after.ID(), version, i),
			Topic: TopicPosting, LoanID: after.ID(), Day: asOf, Payload: payload}
	}
	_, err = tx.Outbox().Add(ctx, msgs...)
	return err
}

// postingDelta returns the postings of now that are not in old, followed by
// those of old that are not in now with debit and credit swapped.
func postingDelta(old, now []loan.Posting) []loan.Posting {
	// A new entry restates nothing before its value date, so the two lists
	// usually share a long prefix; only what follows it is counted, sparing
	// every command a hash of the loan's whole history.
	same := 0
	for same < min(len(old), len(now)) && old[same] == now[same] {
		same++
	}
	count := make(map[loan.Posting]int, len(old)-same)
	for _, p := range old[same:] {
		count[p]++
	}
	var out []loan.Posting
	restated := len(old) - same
	for _, p := range now[same:] {
		if count[p] > 0 {
			count[p]--
			restated--
			continue
		}
		out = append(out, p)
	}
	if restated == 0 {
		return out
	}
	// Reverse what was restated, earliest occurrence first across the whole
	// of old (a prefix posting equal to a restated one counts as it).
	for _, p := range old {
		if count[p] > 0 {
			count[p]--
			p.Debit, p.Credit = p.Credit, p.Debit
			p.Kind = "restatement"
			out = append(out, p)
		}
	}
	return out
}

// indexOf derives the stored index columns from a position.
func indexOf(pos loan.Position, classification string) storage.LoanIndex {
	idx := storage.LoanIndex{DaysPastDue: pos.DaysPastDue, Classification: classification, AsOf: pos.AsOf}
	if pos.NextDue != nil {
		idx.NextDue = pos.NextDue.Date
	}
	return idx
}

func appRecord(a *loan.Application, version int64) (storage.Application, error) {
	rec, err := storage.FromApplication(a)
	rec.Version = version
	return rec, err
}

func decodeApp(rec storage.Application) (*loan.Application, error) { return rec.Decode() }
