package memory

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// loanRec is a stored loan: its header, index columns and document, and
// its journal, whose rows drop what the loan implies (the loan id, and the
// seq, which is the position plus one).
type loanRec struct {
	id, borrower uuid.UUID
	version      int64
	status       string
	cols         loanCols
	doc          []byte
	journal      []entryRec
	keys         keyIndex
}

// loanCols are the currency and the index columns, which UpdateIndex
// replaces (and its undo restores) in one assignment.
type loanCols struct {
	cur            money.Currency
	nextDue        date.Date
	daysPastDue    int
	classification string
	bucket         string
	collection     string
	inspectionDue  date.Date
	asOf           date.Date
	final          bool
	state          []byte
}

// entryRec is a stored journal row.
type entryRec struct {
	id        uuid.UUID
	version   int64
	key       string
	kind      string
	amount    money.Amount
	payload   []byte
	valueDate date.Date
}

func newLoanRec(l *storage.Loan) *loanRec {
	rec := &loanRec{id: l.ID, borrower: l.Borrower, version: 1, status: l.Status, cols: loanCols{cur: l.Currency},
		doc: bytes.Clone(l.Document)}
	rec.cols.set(l.Index)
	rec.cols.state = bytes.Clone(l.Index.State)
	if len(l.Journal) > 0 {
		rec.journal = make([]entryRec, len(l.Journal))
		for i, e := range l.Journal {
			rec.journal[i] = newEntryRec(e, 1)
		}
		rec.syncKeys()
	}
	return rec
}

func newEntryRec(e storage.Entry, version int64) entryRec {
	return entryRec{id: e.ID, version: version, key: e.IdempotencyKey, kind: e.Kind, amount: e.Amount,
		payload: bytes.Clone(e.Payload), valueDate: e.ValueDate}
}

// set sets the index columns of x but its State, which the caller copies
// (or keeps).
func (c *loanCols) set(x storage.LoanIndex) {
	c.nextDue, c.inspectionDue, c.asOf = x.NextDue, x.InspectionDue, x.AsOf
	c.daysPastDue, c.final = x.DaysPastDue, x.Final
	c.classification, c.bucket, c.collection = x.Classification, x.Bucket, x.Collection
}

// header returns the loan without its journal, sharing the record's
// document and state: the caller copies them before they leave the lock.
func (r *loanRec) header() storage.Loan {
	c := &r.cols
	return storage.Loan{ID: r.id, Borrower: r.borrower, Version: r.version, Status: r.status, Currency: c.cur,
		Document: r.doc, Index: storage.LoanIndex{NextDue: c.nextDue, DaysPastDue: c.daysPastDue,
			Classification: c.classification, Bucket: c.bucket, Collection: c.collection,
			InspectionDue: c.inspectionDue, AsOf: c.asOf, Final: c.final, State: c.state}}
}

func (r *loanRec) entry(i int) storage.Entry {
	e := &r.journal[i]
	return storage.Entry{LoanID: r.id, Seq: int64(i + 1), Version: e.version, ID: e.id, IdempotencyKey: e.key,
		ValueDate: e.valueDate, Kind: e.kind, Amount: e.amount, Payload: e.payload}
}

func (r *loanRec) keyAt(i int) string { return r.journal[i].key }

func (r *loanRec) syncKeys() { r.keys.sync(len(r.journal), r.keyAt) }

// copyInto makes l, the loan's header, a copy of the loan, with its
// journal when asked; the copies of its byte slices come from sl.
func (r *loanRec) copyInto(l *storage.Loan, withJournal, noDoc, noState bool, sl *slab) {
	if noDoc {
		l.Document = nil
	} else {
		l.Document = sl.clone(l.Document)
	}
	if noState {
		l.Index.State = nil
	} else {
		l.Index.State = sl.clone(l.Index.State)
	}
	if withJournal && len(r.journal) > 0 {
		l.Journal = make([]storage.Entry, len(r.journal))
		for i := range r.journal {
			e := &l.Journal[i]
			*e = r.entry(i)
			e.Payload = sl.clone(e.Payload)
		}
	}
}

type loans struct {
	s *Store
	t *txn
}

// Create stores new loans; see storage.Loans.
func (r loans) Create(ctx context.Context, ls ...storage.Loan) error {
	if err := storage.ValidateLoans(ls); err != nil {
		return err
	}
	// Copy before taking the lock: a large batch holds up no one.
	recs := make([]*loanRec, len(ls))
	for i := range ls {
		recs[i] = newLoanRec(&ls[i])
	}
	return r.s.write(ctx, r.t, func(t *txn) error {
		seen := make(map[uuid.UUID]bool, len(recs))
		for _, rec := range recs {
			if r.s.loans[rec.id] != nil || seen[rec.id] {
				return fmt.Errorf("%w: loan %s exists", storage.ErrDuplicate, rec.id)
			}
			seen[rec.id] = true
		}
		for _, rec := range recs {
			id := rec.id
			r.s.loans[id] = rec
			r.s.loanIDs.add(id, rec)
			t.onUndo(func() {
				delete(r.s.loans, id)
				r.s.loanIDs.remove(id)
			})
		}
		return nil
	})
}

// Get returns a loan with its journal; see storage.Loans.
func (r loans) Get(ctx context.Context, id uuid.UUID) (storage.Loan, error) {
	var l storage.Loan
	err := r.s.read(ctx, r.t, func() error {
		rec := r.s.loans[id]
		if rec == nil {
			return fmt.Errorf("%w: loan %s", storage.ErrNotFound, id)
		}
		// One slab for the document, state and payloads: a copy per loan,
		// not per entry.
		n := len(rec.doc) + len(rec.cols.state)
		for i := range rec.journal {
			n += len(rec.journal[i].payload)
		}
		l = rec.header()
		rec.copyInto(&l, true, false, false, &slab{buf: make([]byte, 0, n)})
		return nil
	})
	return l, err
}

// Append appends journal entries; see storage.Loans.
func (r loans) Append(ctx context.Context, a storage.Append) (storage.AppendResult, error) {
	var res storage.AppendResult
	err := r.s.write(ctx, r.t, func(t *txn) error {
		rec := r.s.loans[a.LoanID]
		if rec == nil {
			if err := a.Validate(money.Currency{}); err != nil {
				return err
			}
			return fmt.Errorf("%w: loan %s", storage.ErrNotFound, a.LoanID)
		}
		if err := a.Validate(rec.cols.cur); err != nil {
			return err
		}
		stored, err := replay(rec, a.Entries)
		if err != nil {
			return err
		}
		if stored != nil {
			res = storage.AppendResult{Version: stored[0].Version, Entries: stored, Replayed: true}
			return nil
		}
		if rec.version != a.ExpectedVersion {
			return fmt.Errorf("%w: loan %s is at version %d, not %d",
				storage.ErrConflict, a.LoanID, rec.version, a.ExpectedVersion)
		}
		old := *rec
		version := rec.version + 1
		res = storage.AppendResult{Version: version, Entries: make([]storage.Entry, len(a.Entries))}
		for i, e := range a.Entries {
			rec.journal = append(rec.journal, newEntryRec(e, version))
			res.Entries[i] = rec.entry(len(rec.journal) - 1)
			res.Entries[i].Payload = bytes.Clone(e.Payload)
		}
		rec.syncKeys()
		rec.version = version
		if a.Status != "" {
			rec.status = a.Status
		}
		if a.Document != nil {
			rec.doc = bytes.Clone(a.Document)
		}
		if a.Index != nil {
			rec.cols.set(*a.Index)
			rec.cols.state = bytes.Clone(a.Index.State)
		}
		t.onUndo(func() {
			clear(rec.journal[len(old.journal):]) // release the rows' payloads
			*rec = old
			rec.syncKeys()
		})
		return nil
	})
	if err != nil {
		return storage.AppendResult{}, err
	}
	return res, nil
}

// replay checks the idempotency keys of entries against rec: it returns
// copies of the stored entries when all are stored with the same content,
// nil when none is stored, and ErrDuplicate otherwise.
func replay(rec *loanRec, entries []storage.Entry) ([]storage.Entry, error) {
	var stored []storage.Entry
	for i, e := range entries {
		j, ok := rec.keys.find(len(rec.journal), rec.keyAt, e.IdempotencyKey)
		switch {
		case !ok && stored != nil, ok && stored == nil && i > 0:
			return nil, fmt.Errorf("%w: only some idempotency keys of the append are stored", storage.ErrDuplicate)
		case !ok:
			continue
		}
		got := rec.entry(j)
		if !got.SameRequest(e) {
			return nil, fmt.Errorf("%w: idempotency key %q", storage.ErrDuplicate, e.IdempotencyKey)
		}
		stored = append(stored, got.Clone())
	}
	return stored, nil
}

// UpdateIndex sets index columns; see storage.Loans.
//
// Validation and copying happen before the store is locked, so concurrent
// writers (the daily close's workers) hold the lock only to swap indexes.
func (r loans) UpdateIndex(ctx context.Context, updates ...storage.IndexUpdate) error {
	if err := storage.ValidateIndexUpdates(updates); err != nil {
		return err
	}
	in := make([]storage.IndexUpdate, len(updates))
	for i, u := range updates {
		in[i] = u
		in[i].Index.State = bytes.Clone(u.Index.State)
	}
	return r.s.write(ctx, r.t, func(t *txn) error {
		recs := make([]*loanRec, len(in))
		for i, u := range in {
			if recs[i] = r.s.loans[u.LoanID]; recs[i] == nil {
				return fmt.Errorf("%w: loan %s", storage.ErrNotFound, u.LoanID)
			}
		}
		for i, u := range in {
			if asOf := recs[i].cols.asOf; asOf != u.PrevAsOf {
				return fmt.Errorf("%w: loan %s has its index as of %s, not %s",
					storage.ErrConflict, u.LoanID, asOf, u.PrevAsOf)
			}
		}
		// Nothing can fail from here: one undo for the batch, not one per
		// loan (the daily close updates every loan every day).
		olds := make([]loanCols, len(in))
		for i, u := range in {
			c := &recs[i].cols
			olds[i] = *c
			c.set(u.Index)
			if u.Index.State != nil { // nil keeps the stored document
				c.state = u.Index.State
			}
		}
		t.onUndo(func() {
			for i, rec := range recs {
				rec.cols = olds[i]
			}
		})
		return nil
	})
}

// Scan yields matching loans in id order; see storage.Loans.
func (r loans) Scan(ctx context.Context, f storage.LoanFilter) iter.Seq2[storage.Loan, error] {
	f = f.Clone()
	return func(yield func(storage.Loan, error) bool) {
		scanRange(ctx, r.s, r.t, &r.s.loanIDs, f.IDs, f.Batch(), func(rec *loanRec, buf []storage.Loan, sl *slab) []storage.Loan {
			// The loan is built in its slot of the batch, and taken back
			// if the filter leaves it out.
			buf = slices.Grow(buf, 1)[:len(buf)+1]
			l := &buf[len(buf)-1]
			*l = rec.header()
			if !f.Matches(l) {
				return buf[:len(buf)-1]
			}
			rec.copyInto(l, f.Journal, f.NoDocument, f.NoState, sl)
			return buf
		}, yield)
	}
}
