package lendcore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/schedule"
	"github.com/lendcore/lendcore/storage"
)

// LoanImport is a loan brought in from another system part-way through
// its life (a migration): its terms, its journal up to a cut-over date,
// and what the old system had decided about it that its journal alone
// does not say.
type LoanImport struct {
	ID       uuid.UUID      `json:"id"`
	Borrower uuid.UUID      `json:"borrower"`
	Terms    schedule.Terms `json:"terms"`
	// Servicing is the loan's servicing policy; nil takes the Engine's
	// (Policies.Servicing). A loan keeps it for life, so a migration that
	// must reproduce the old system's numbers states the conventions that
	// system used (see loan.Policy).
	Servicing *loan.Policy `json:"servicing,omitempty"`
	// Guarantors is the number of guarantors on the loan (reminders and
	// demands go to each).
	Guarantors int `json:"guarantors,omitempty"`
	// ImportedBy is the actor of the disbursement entry the import writes
	// (the migration job, say).
	ImportedBy string `json:"imported_by"`
	// CutOver is the last day the old system kept the loan: the journal
	// holds what happened up to it, the loan's state is derived as of it,
	// and the first daily close after the import continues from the day
	// after. Not after today by the Engine's clock.
	CutOver date.Date `json:"cut_over"`
	// Journal is what happened after the disbursement, up to CutOver:
	// payments, fees, waivers, restructures, reversals ... in the order
	// they were posted, each with its idempotency key (the old system's
	// transaction id does well). The disbursement itself is written by the
	// import, on Terms.Start for Terms.Principal.
	Journal []loan.Entry `json:"journal,omitempty"`

	// What the old system carried, optional. Collection is the loan's
	// collection stage on CutOver, entered on CollectionSince (CutOver
	// when zero): the ladder moves on from there, so a loan in legal
	// review does not start again at M1. Grade is its five-category grade:
	// held as a floor under the cure rules, so a loan the old system
	// graded substandard is upgraded only as the cure rules allow (a
	// grade below what the loan's facts give is raised to that). Promises
	// are the promises to pay still open, which the close then reviews.
	Collection      collect.Stage     `json:"collection,omitzero"`
	CollectionSince date.Date         `json:"collection_since,omitzero"`
	Grade           classify.Grade    `json:"grade,omitzero"`
	Promises        []collect.Promise `json:"promises,omitempty"`
}

// ImportLoan brings a loan in progress into the Engine: the loan, its
// journal up to the cut-over date, the state the daily close would have
// derived for it on that date with the stage and grade the old system
// carried, and its open promises, in one unit of work. The import is
// validated as a whole: every bad field of the import and of every
// journal entry comes back together in one *fault.Fields (entries named
// "journal[3].amount"), and nothing is stored.
//
// The first CloseOfDay after the import continues from the day after the
// cut-over, deriving each day up to the one closed; the reminders and
// collection actions of the old system's days are the old system's and are
// not repeated. The journal's ledger postings go to the outbox, as every
// command's do, dated on the cut-over date.
//
// Importing the same loan again (a retried migration batch) returns the
// stored loan when its journal holds the same entries; a loan with the id
// and another journal is storage.ErrDuplicate.
func (e *Engine) ImportLoan(ctx context.Context, im LoanImport) (*loan.Loan, error) {
	l, err := e.importedLoan(im)
	if err != nil {
		return nil, err
	}
	// Derived before the unit of work: deriving reads the store (a
	// loan's inspections; a new loan has none).
	idx, err := e.importedIndex(ctx, l, im)
	if err != nil {
		return nil, err
	}
	var out *loan.Loan
	err = e.command(ctx, "import loan", func(tx storage.Tx) error {
		out = nil
		if stored, err := tx.Loans().Get(ctx, im.ID); err == nil {
			return e.importedAlready(&stored, l, &out)
		} else if !isNotFound(err) {
			return err
		}
		rec, err := storage.FromLoan(l, storage.LoanIndex{})
		if err != nil {
			return err
		}
		rec.Borrower, rec.Index = im.Borrower, idx
		if err := tx.Loans().Create(ctx, rec); err != nil {
			if errors.Is(err, storage.ErrDuplicate) {
				return fmt.Errorf("%w: loan %s imported concurrently: %w", storage.ErrConflict, im.ID, err)
			}
			return err
		}
		if err := e.importPromises(ctx, tx, l, im.Promises); err != nil {
			return err
		}
		out = l
		return nil
	})
	if err != nil {
		return nil, err
	}
	e.log.Info("loan imported", "loan", im.ID, "cut_over", im.CutOver.String(), "entries", len(im.Journal))
	return out.Clone(), nil
}

// importedLoan checks an import as a whole and returns the loan it
// describes, its journal posted.
func (e *Engine) importedLoan(im LoanImport) (*loan.Loan, error) {
	bad := &fault.Fields{Kind: ErrInvalidInput}
	if im.ID == uuid.Nil {
		bad.Add("id", "required")
	}
	if im.Borrower == uuid.Nil {
		bad.Add("borrower", "required")
	}
	if im.ImportedBy == "" {
		bad.Add("imported_by", "required")
	}
	if im.Guarantors < 0 || im.Guarantors > 100 {
		bad.AddValue("guarantors", im.Guarantors, "must be between 0 and 100")
	}
	start := im.Terms.Start
	switch today := e.latestToday(); {
	case im.CutOver.IsZero():
		bad.Add("cut_over", "required")
	case im.CutOver.After(today):
		bad.AddValue("cut_over", im.CutOver, fmt.Sprintf("after today, %s by the Engine's clock", today))
	case !start.IsZero() && im.CutOver.Before(start):
		bad.AddValue("cut_over", im.CutOver, "before the loan's start "+start.String())
	}
	if im.Collection != 0 && !im.Collection.Valid() {
		bad.AddValue("collection", uint8(im.Collection), "unknown collection stage")
	}
	switch {
	case !im.CollectionSince.IsZero() && im.Collection == 0:
		bad.Add("collection_since", "given without a collection stage")
	case !im.CollectionSince.IsZero() && (im.CollectionSince.After(im.CutOver) || im.CollectionSince.Before(start)):
		bad.AddValue("collection_since", im.CollectionSince, "must lie between the loan's start and the cut-over")
	}
	if im.Grade != classify.GradeNone && !named(im.Grade) {
		bad.AddValue("grade", uint8(im.Grade), "unknown grade")
	}
	policy := e.policies.Servicing
	if im.Servicing != nil {
		policy = *im.Servicing
	}
	l, err := loan.New(im.ID, im.Terms, policy)
	if err != nil {
		if !bad.Merge("", err) {
			return nil, err
		}
		return nil, bad // without a loan its journal cannot be checked
	}
	disbursement := loan.Entry{ID: uuid.NewSHA1(im.ID, []byte("import")), Kind: loan.Disbursement,
		ValueDate: start, BookedAt: e.clock(), Actor: im.ImportedBy, IdempotencyKey: "import", Amount: im.Terms.Principal,
		Reason: "imported from another system"}
	if im.ImportedBy == "" {
		disbursement.Actor = "import" // reported above; keeps the journal checkable
	}
	if _, err := l.Post(disbursement); err != nil {
		if !bad.Merge("", err) {
			bad.Add("terms", err.Error())
		}
		return nil, bad
	}
	for i, en := range im.Journal {
		field := fmt.Sprintf("journal[%d]", i)
		en = e.withDefaults(im.ID, en)
		switch {
		case en.Kind == loan.Disbursement:
			bad.Add(field+".kind", "the import writes the disbursement; the journal holds what came after it")
			continue
		case !im.CutOver.IsZero() && en.ValueDate.After(im.CutOver):
			bad.AddValue(field+".value_date", en.ValueDate, "after the cut-over "+im.CutOver.String())
			continue
		}
		if _, err := l.Post(en); err != nil && !bad.Merge(field, err) {
			bad.Add(field, err.Error()) // an illegal transition, a reused key
		}
	}
	for i, p := range im.Promises {
		if !im.CutOver.IsZero() && p.Made.After(im.CutOver) {
			bad.AddValue(fmt.Sprintf("promises[%d].made", i), p.Made, "after the cut-over "+im.CutOver.String())
		}
		if p.Loan != uuid.Nil && p.Loan != im.ID {
			bad.Add(fmt.Sprintf("promises[%d].loan", i), "another loan's")
		}
		if _, _, err := collect.NewRecord(im.ID).AddPromise(p, l.Currency(), start); err != nil && !bad.Merge(fmt.Sprintf("promises[%d]", i), err) {
			bad.Add(fmt.Sprintf("promises[%d]", i), err.Error())
		}
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	return l, nil
}

// importedIndex derives the loan's state on the cut-over day as daily
// closes would have from its start, then sets what the old system carried:
// its collection stage and its grade.
func (e *Engine) importedIndex(ctx context.Context, l *loan.Loan, im LoanImport) (storage.LoanIndex, error) {
	st := LoanState{Guarantors: im.Guarantors}
	var pos loan.Position
	for d := l.Terms().Start; !d.After(im.CutOver); d = d.Add(1) {
		if err := l.PositionInto(&pos, d); err != nil {
			return storage.LoanIndex{}, err
		}
		next, _, _, err := e.derive(ctx, im.ID, &pos, st, d, false)
		if err != nil {
			return storage.LoanIndex{}, err
		}
		next.Version = 1 // the stored loan's version after its Create
		st = next
	}
	// No posting of the loan has left yet: the first close emits its
	// ledger from the start (the opening balances the host's ledger takes
	// over from the old system), then what each day adds.
	st.Posted = l.Terms().Start.Add(-1)
	if im.Collection != 0 {
		st.Collection, st.CollectionSince = im.Collection, im.CollectionSince
		if st.CollectionSince.IsZero() {
			st.CollectionSince = im.CutOver
		}
	}
	if im.Grade != classify.GradeNone && im.Grade > st.Grade {
		st.Track.Hold(classify.Result{Grade: im.Grade})
		st.Grade = st.Track.Grade
		balance := st.Balance
		if st.Status == loan.WrittenOff {
			balance = pos.Claim.Principal
		}
		var err error
		if st.Provision, err = e.policies.Provision.Provision(balance, st.Grade); err != nil {
			return storage.LoanIndex{}, err
		}
	}
	idx := indexOf(&pos)
	idx.Classification = st.Grade.String()
	idx.Bucket = st.Bucket
	idx.Collection = st.Collection.String()
	idx.InspectionDue = st.InspectionDue
	idx.AsOf = im.CutOver
	var err error
	idx.State, err = st.encode()
	return idx, err
}

// importPromises records the old system's open promises on the loan's new
// collection record.
func (e *Engine) importPromises(ctx context.Context, tx storage.Tx, l *loan.Loan, promises []collect.Promise) error {
	if len(promises) == 0 {
		return nil
	}
	r := collect.NewRecord(l.ID())
	for _, p := range promises {
		pr, added, err := r.AddPromise(p, l.Currency(), l.Terms().Start)
		if err != nil {
			return err
		}
		if added {
			if err := addEvent(ctx, tx, "collection/promise/"+l.ID().String()+"/"+pr.ID.String(),
				&CollectionEvent{Record: "promise", Loan: l.ID(), Day: pr.Made, Promise: &pr}); err != nil {
				return err
			}
		}
	}
	doc, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = tx.Collections().Save(ctx, storage.Collection{LoanID: l.ID(), Document: doc,
		NextDeadline: r.NextDeadline(), Unfed: r.Unfed()})
	return err
}

// importedAlready answers an import of a loan that is stored: the stored
// loan when its journal is the import's (a retry), ErrDuplicate otherwise.
func (e *Engine) importedAlready(stored *storage.Loan, l *loan.Loan, out **loan.Loan) error {
	have, err := e.decode(stored)
	if err != nil {
		return err
	}
	a, b := have.Journal(), l.Journal()
	same := len(a) == len(b)
	for i := 0; same && i < len(a); i++ {
		a[i].BookedAt, b[i].BookedAt = time.Time{}, time.Time{} // a retry books at another time
		x, errX := json.Marshal(a[i])
		y, errY := json.Marshal(b[i])
		same = errX == nil && errY == nil && string(x) == string(y)
	}
	if !same {
		return fmt.Errorf("%w: loan %s is stored with another journal", storage.ErrDuplicate, stored.ID)
	}
	*out = have
	return nil
}
