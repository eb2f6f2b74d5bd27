package lendcore

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage"
)

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
// entry; a P2P loan's investor book is opened and the reserve's share paid
// in; the postings go to the outbox; all in one unit of work.
//
// Disbursing again with the same idempotency key returns the loan; with
// another key it is a *fault.Transition (the loan is already active).
func (e *Engine) Disburse(ctx context.Context, appID uuid.UUID, d Disbursement) (*loan.Loan, error) {
	bad := &fault.Fields{Kind: loan.ErrInvalidInput}
	if d.Actor == "" {
		bad.Add("actor", "is missing")
	}
	if d.IdempotencyKey == "" {
		bad.Add("idempotency_key", "is missing")
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	var out *loan.Loan
	err := e.command(ctx, "disburse", func(tx storage.Tx) error {
		out = nil
		rec, err := tx.Applications().Get(ctx, appID)
		if err != nil {
			return err
		}
		if rec.LoanID != uuid.Nil {
			return e.disbursedAlready(ctx, tx, rec.LoanID, d.IdempotencyKey, &out)
		}
		app, err := rec.Decode()
		if err != nil {
			return err
		}
		out, err = e.disburseIn(ctx, tx, rec, app, d)
		return err
	})
	if err != nil {
		return nil, err
	}
	e.loans.keepLoan(out.ID(), int64(out.Version()), out)
	e.log.Info("loan disbursed", "loan", out.ID(), "application", appID)
	return out, nil
}

// disburseIn pays out app, stored as rec, in the unit of work tx: the
// loan with its disbursement entry, the investor book and reserve share
// of a P2P loan, the application made Active, and the postings. Disburse
// and a drawdown on a credit line both disburse this way.
func (e *Engine) disburseIn(ctx context.Context, tx storage.Tx, rec storage.Application, app *loan.Application, d Disbursement) (*loan.Loan, error) {
	appID := rec.ID
	terms := app.Terms()
	// A loan disbursed in tranches pays out its first tranche now; the
	// later ones are Tranche entries (Post). Otherwise the whole principal.
	first := terms.Disbursements()[0]
	ref := app.Request().Product
	p, err := e.policiesOf(ctx, tx, ref)
	if err != nil {
		return nil, err
	}
	l, err := app.Disburse(loan.Entry{ID: uuid.NewSHA1(appID, []byte(d.IdempotencyKey)), Kind: loan.Disbursement,
		ValueDate: terms.Start, BookedAt: e.clock(), Actor: d.Actor, IdempotencyKey: d.IdempotencyKey,
		Amount: first.Amount}, p.Servicing)
	if err != nil {
		return nil, err
	}
	if err := e.fund(ctx, tx, l, d.Funding, p); err != nil {
		return nil, err
	}
	lrec, err := storage.FromLoan(l, storage.LoanIndex{})
	if err != nil {
		return nil, err
	}
	lrec.Borrower = app.Request().Borrower
	pos, err := l.PositionAt(terms.Start)
	if err != nil {
		return nil, err
	}
	lrec.Index = indexOf(&pos)
	lrec.Index.AsOf = date.Date{} // not closed yet
	if lrec.Index.State, err = (LoanState{Guarantors: len(app.Request().Guarantees),
		NonRetail: app.Request().BorrowerKind == loan.LegalEntity, Product: ref}).encode(); err != nil {
		return nil, err
	}
	if err := tx.Loans().Create(ctx, lrec); err != nil {
		if errors.Is(err, storage.ErrDuplicate) {
			// A concurrent Disburse of the application created the
			// loan after this one read it undisbursed: retry, and the
			// re-read takes the already-disbursed path.
			return nil, fmt.Errorf("%w: loan %s disbursed concurrently: %w", storage.ErrConflict, l.ID(), err)
		}
		return nil, err
	}
	next, err := storage.FromApplication(app)
	if err != nil {
		return nil, err
	}
	next.Version, next.LoanID = rec.Version, l.ID()
	if _, err := tx.Applications().Update(ctx, next); err != nil {
		return nil, err
	}
	return l, nil
}

// disbursedAlready answers a Disburse of an application that has its loan:
// the loan when key is its disbursement's key (a retry), an illegal
// transition otherwise.
func (e *Engine) disbursedAlready(ctx context.Context, tx storage.Tx, id uuid.UUID, key string, out **loan.Loan) error {
	lrec, err := tx.Loans().Get(ctx, id)
	if err != nil {
		return err
	}
	l, err := e.decode(&lrec)
	if err != nil {
		return err
	}
	if j := lrec.Journal; len(j) > 0 && j[0].IdempotencyKey == key {
		*out = l
		return nil
	}
	_, err = l.Status().Next(loan.EventDisburse)
	if err == nil {
		err = fault.Invalid(loan.ErrInvalidInput, "idempotency_key", "the loan was disbursed under another key")
	}
	return err
}

// Loan returns a loan rebuilt from its journal. Errors: storage.ErrNotFound,
// with a *fault.Transition wrapping ErrNotDisbursed for an application not
// disbursed.
func (e *Engine) Loan(ctx context.Context, id uuid.UUID) (*loan.Loan, error) {
	rec, err := e.store.Loans().Get(ctx, id)
	if err != nil {
		return nil, e.readNotDisbursed(ctx, id, "read", err)
	}
	l, err := e.decode(&rec)
	if err != nil {
		return nil, err
	}
	return l.Clone(), nil
}

// Position returns a loan's position as of day. Errors:
// storage.ErrNotFound, with a *fault.Transition wrapping ErrNotDisbursed
// for an application not disbursed.
func (e *Engine) Position(ctx context.Context, id uuid.UUID, day date.Date) (loan.Position, error) {
	rec, err := e.store.Loans().Get(ctx, id)
	if err != nil {
		return loan.Position{}, e.readNotDisbursed(ctx, id, "read the position of", err)
	}
	l, err := e.decode(&rec) // read-only use: the remembered decoding will do
	if err != nil {
		return loan.Position{}, err
	}
	return l.PositionAt(day)
}

// Post applies one journal entry to a loan: a repayment, prepayment, fee,
// waiver, restructure, acceleration, write-off, recovery, refund or
// reversal. The entry's idempotency key is required: posting the same key
// again returns the first result. The entry, the loan's new status and the
// postings it causes are written in one unit of work (the investors' share
// is distributed by the daily close); a version conflict with a concurrent
// writer is retried on the fresh state. A rejected entry changes nothing.
//
// Every bad field is reported at once (a missing idempotency key among
// them); an entry value-dated after today by the Engine's clock is refused
// unless Policies.Posting allows the lead. A payment on an application
// that is approved but not yet disbursed is ErrNotDisbursed.
func (e *Engine) Post(ctx context.Context, id uuid.UUID, en loan.Entry) (loan.Result, error) {
	en = e.withDefaults(id, en)
	var res loan.Result
	var done *loan.Loan
	var version int64
	err := e.command(ctx, "post "+en.Kind.String(), func(tx storage.Tx) error {
		rec, err := tx.Loans().Get(ctx, id)
		if err != nil {
			return e.notDisbursed(ctx, tx.Applications(), id, "post a "+en.Kind.String()+" to", err)
		}
		st, err := e.stateOf(&rec)
		if err != nil {
			return err
		}
		p, err := e.policiesOf(ctx, tx, st.Product)
		if err != nil {
			return err
		}
		res, done, version, err = e.postChecked(ctx, tx, &rec, en, e.aheadOfClock(p, en.ValueDate))
		return err
	})
	if err != nil {
		return loan.Result{}, err
	}
	// Only now, committed: a decoding remembered under a version that
	// never committed would stand for another writer's version.
	e.loans.keepLoan(id, version, done)
	e.log.Info("entry posted", "loan", id, "kind", en.Kind.String(), "key", en.IdempotencyKey, "replayed", res.Replayed)
	return res, nil
}

// aheadOfClock returns the bad field of a value date later than the
// Engine's clock allows under the loan's policies p (Policies.Posting),
// nil when it is not. A missing date is the loan's to report.
func (e *Engine) aheadOfClock(p *policySet, day date.Date) *fault.Field {
	if day.IsZero() {
		return nil
	}
	lead := p.Posting.FutureDays
	if today := e.latestToday(); day.After(today.Add(date.PeriodOfDays(lead))) {
		return &fault.Field{Name: "value_date", Value: day.String(),
			Problem: fmt.Sprintf("later than today, %s by the Engine's clock, plus the %d days policy posting.future_days allows", today, lead)}
	}
	return nil
}

// postChecked is postIn for an entry a caller sent: when the caller's
// checks found a bad field (ahead), the loan still validates the entry, so
// every bad field comes back together, and nothing is written.
func (e *Engine) postChecked(ctx context.Context, tx storage.Tx, rec *storage.Loan, en loan.Entry, ahead *fault.Field) (loan.Result, *loan.Loan, int64, error) {
	if ahead == nil {
		return e.postIn(ctx, tx, rec, en)
	}
	before, err := e.decode(rec)
	if err != nil {
		return loan.Result{}, nil, 0, err
	}
	res, err := before.Clone().Post(e.withDefaults(rec.ID, en))
	if err == nil && res.Replayed {
		// A retry of an entry accepted when its day had come.
		return res, before, rec.Version, nil
	}
	bad := &fault.Fields{Kind: loan.ErrInvalidInput}
	var fields *fault.Fields
	if errors.As(err, &fields) {
		bad.List = append(bad.List, fields.List...)
	}
	bad.List = append(bad.List, *ahead)
	return loan.Result{}, nil, 0, bad
}

// withDefaults fills in what the Engine assigns an entry: its id, derived
// from the loan and the idempotency key (a missing key is the loan's to
// report, and an id made up for it keeps "id" out of the report), and its
// booking time.
func (e *Engine) withDefaults(loanID uuid.UUID, en loan.Entry) loan.Entry {
	if en.ID == uuid.Nil {
		en.ID = uuid.NewSHA1(loanID, []byte(en.IdempotencyKey))
	}
	if en.BookedAt.IsZero() {
		en.BookedAt = e.clock()
	}
	return en
}

// notDisbursed turns a loan that is not found (err) into ErrNotDisbursed
// when its application exists but has not been disbursed; it returns any
// other err as it is. what is the refused move ("post a repayment to").
func (e *Engine) notDisbursed(ctx context.Context, apps storage.Applications, id uuid.UUID, what string, err error) error {
	if !isNotFound(err) {
		return err
	}
	app, aerr := apps.Get(ctx, id)
	if aerr != nil || app.LoanID != uuid.Nil {
		return err
	}
	return &fault.Transition{Kind: ErrNotDisbursed, Machine: "loan application", From: app.Status + ", not disbursed", Event: what}
}

// readNotDisbursed is notDisbursed for a read: the loan does not exist, so
// the error is still storage.ErrNotFound (and its code not-found), and
// says why.
func (e *Engine) readNotDisbursed(ctx context.Context, id uuid.UUID, what string, err error) error {
	if nd := e.notDisbursed(ctx, e.store.Applications(), id, what, err); nd != err {
		return fmt.Errorf("%w: %w", err, nd)
	}
	return err
}

// postIn posts en to the loan read as rec, in the unit of work tx: the
// entry, the loan's new status and the postings it causes. It returns the
// loan after the entry and its version (the loan as read, on a replay).
func (e *Engine) postIn(ctx context.Context, tx storage.Tx, rec *storage.Loan, en loan.Entry) (loan.Result, *loan.Loan, int64, error) {
	en = e.withDefaults(rec.ID, en)
	// The remembered loan of this version is read-only: it is the ledger
	// before the entry, and a clone of it takes the entry.
	before, err := e.decode(rec)
	if err != nil {
		return loan.Result{}, nil, 0, err
	}
	l := before.Clone()
	res, err := l.Post(en)
	if err != nil || res.Replayed {
		return res, l, rec.Version, err
	}
	row, err := storage.FromEntry(res.Entry)
	if err != nil {
		return res, nil, 0, err
	}
	// The postings the entry causes leave with the next close (see
	// closePostings). The index columns and derived state are the daily close's: it alone
	// writes them, so a command racing a close can never overwrite what the
	// close derived.
	ar, err := tx.Loans().Append(ctx, storage.Append{LoanID: rec.ID, ExpectedVersion: rec.Version,
		Entries: []storage.Entry{row}, Status: l.Status().String()})
	if err != nil {
		return res, nil, 0, err
	}
	return res, l, ar.Version, nil
}

// LastClosed returns the last business day the close completed, and false
// when no day has been closed yet.
func (e *Engine) LastClosed(ctx context.Context) (date.Date, bool, error) {
	d, err := e.store.Closes().Last(ctx)
	return d, !d.IsZero(), err
}

// indexOf derives the stored index columns a position gives.
func indexOf(pos *loan.Position) storage.LoanIndex {
	idx := storage.LoanIndex{DaysPastDue: pos.DaysPastDue, AsOf: pos.AsOf}
	if pos.NextDue != nil {
		idx.NextDue = pos.NextDue.Date
	}
	return idx
}
