package memory

import (
	"bytes"
	"context"
	"fmt"
	"iter"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

// loanRec is a stored loan: the header (Journal nil), the journal, and the
// journal position of each idempotency key.
type loanRec struct {
	hdr     storage.Loan
	journal []storage.Entry
	// keys indexes the journal by idempotency key once it is long enough
	// for a map to beat a scan; most loans never need one, and a map costs
	// a few hundred bytes a loan.
	keys map[string]int
}

// keyMapAt is the journal length from which a loan gets a key map.
const keyMapAt = 16

// entryByKey returns the journal position of the entry with key k.
func (r *loanRec) entryByKey(k string) (int, bool) {
	if r.keys != nil {
		i, ok := r.keys[k]
		return i, ok
	}
	for i := range r.journal {
		if r.journal[i].IdempotencyKey == k {
			return i, true
		}
	}
	return 0, false
}

// indexKeys keeps the key map in step with the journal after entries were
// appended or removed.
func (r *loanRec) indexKeys() {
	switch {
	case len(r.journal) < keyMapAt:
		r.keys = nil
	case r.keys != nil && len(r.keys) <= len(r.journal):
		// Keys are unique per loan: the map covers a prefix of the journal.
		for i := len(r.keys); i < len(r.journal); i++ {
			r.keys[r.journal[i].IdempotencyKey] = i
		}
	default:
		r.keys = make(map[string]int, len(r.journal))
		for i := range r.journal {
			r.keys[r.journal[i].IdempotencyKey] = i
		}
	}
}

func (r *loanRec) copyOut(withJournal bool) storage.Loan {
	l := r.hdr.Clone()
	if withJournal && len(r.journal) > 0 {
		// One slab for all payloads: a copy per loan, not per entry.
		n := 0
		for _, e := range r.journal {
			n += len(e.Payload)
		}
		sl := &slab{buf: make([]byte, 0, n)}
		l.Journal = make([]storage.Entry, len(r.journal))
		for i, e := range r.journal {
			e.Payload = sl.clone(e.Payload)
			l.Journal[i] = e
		}
	}
	return l
}

type loans struct {
	s *Store
	t *txn
}

// Create stores new loans; see storage.Loans.
func (r loans) Create(ctx context.Context, ls ...storage.Loan) error {
	for i := range ls {
		if err := ls[i].Validate(); err != nil {
			return fmt.Errorf("loan %d: %w", i, err)
		}
	}
	return r.s.write(ctx, r.t, func(t *txn) error {
		seen := make(map[uuid.UUID]bool, len(ls))
		for _, l := range ls {
			if r.s.loans[l.ID] != nil || seen[l.ID] {
				return fmt.Errorf("%w: loan %s exists", storage.ErrDuplicate, l.ID)
			}
			seen[l.ID] = true
		}
		for _, l := range ls {
			rec := &loanRec{hdr: l.Clone()}
			rec.hdr.Journal = nil
			rec.hdr.Version = 1
			for i, e := range l.Journal {
				rec.journal = append(rec.journal, stamp(e, l.ID, int64(i+1), 1))
			}
			rec.indexKeys()
			id := l.ID
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

func stamp(e storage.Entry, loan uuid.UUID, seq, version int64) storage.Entry {
	e = e.Clone()
	e.LoanID, e.Seq, e.Version = loan, seq, version
	return e
}

// Get returns a loan with its journal; see storage.Loans.
func (r loans) Get(ctx context.Context, id uuid.UUID) (storage.Loan, error) {
	var l storage.Loan
	err := r.s.read(ctx, r.t, func() error {
		rec := r.s.loans[id]
		if rec == nil {
			return fmt.Errorf("%w: loan %s", storage.ErrNotFound, id)
		}
		l = rec.copyOut(true)
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
			return fmt.Errorf("%w: loan %s", storage.ErrNotFound, a.LoanID)
		}
		if err := a.Validate(rec.hdr.Currency); err != nil {
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
		if rec.hdr.Version != a.ExpectedVersion {
			return fmt.Errorf("%w: loan %s is at version %d, not %d",
				storage.ErrConflict, a.LoanID, rec.hdr.Version, a.ExpectedVersion)
		}
		oldHdr, oldLen := rec.hdr, len(rec.journal)
		version := rec.hdr.Version + 1
		res = storage.AppendResult{Version: version, Entries: make([]storage.Entry, len(a.Entries))}
		for i, e := range a.Entries {
			e = stamp(e, a.LoanID, int64(oldLen+i+1), version)
			rec.journal = append(rec.journal, e)
			res.Entries[i] = e.Clone()
		}
		rec.indexKeys()
		rec.hdr.Version = version
		if a.Status != "" {
			rec.hdr.Status = a.Status
		}
		if a.Document != nil {
			rec.hdr.Document = bytes.Clone(a.Document)
		}
		if a.Index != nil {
			rec.hdr.Index = cloneIndex(*a.Index)
		}
		t.onUndo(func() {
			rec.journal = rec.journal[:oldLen]
			rec.indexKeys()
			rec.hdr = oldHdr
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
		j, ok := rec.entryByKey(e.IdempotencyKey)
		switch {
		case !ok && stored != nil, ok && stored == nil && i > 0:
			return nil, fmt.Errorf("%w: only some idempotency keys of the append are stored", storage.ErrDuplicate)
		case !ok:
			continue
		case !rec.journal[j].SameRequest(e):
			return nil, fmt.Errorf("%w: idempotency key %q", storage.ErrDuplicate, e.IdempotencyKey)
		}
		stored = append(stored, rec.journal[j].Clone())
	}
	return stored, nil
}

// UpdateIndex sets index columns; see storage.Loans.
//
// Validation and copying happen before the store is locked, so concurrent
// writers (the daily close's workers) hold the lock only to swap indexes.
func (r loans) UpdateIndex(ctx context.Context, updates ...storage.IndexUpdate) error {
	in := make([]storage.IndexUpdate, len(updates))
	for i, u := range updates {
		if err := u.Validate(); err != nil {
			return fmt.Errorf("update %d: %w", i, err)
		}
		in[i] = storage.IndexUpdate{LoanID: u.LoanID, Index: cloneIndex(u.Index)}
	}
	return r.s.write(ctx, r.t, func(t *txn) error {
		for _, u := range in {
			if r.s.loans[u.LoanID] == nil {
				return fmt.Errorf("%w: loan %s", storage.ErrNotFound, u.LoanID)
			}
		}
		for _, u := range in {
			rec := r.s.loans[u.LoanID]
			old := rec.hdr.Index
			if u.Index.State == nil {
				u.Index.State = old.State // nil keeps the stored document
			}
			rec.hdr.Index = u.Index
			t.onUndo(func() { rec.hdr.Index = old })
		}
		return nil
	})
}

// Scan yields matching loans in id order; see storage.Loans.
func (r loans) Scan(ctx context.Context, f storage.LoanFilter) iter.Seq2[storage.Loan, error] {
	f = f.Clone()
	return func(yield func(storage.Loan, error) bool) {
		scan(ctx, r.s, r.t, &r.s.loanIDs, f.Batch(), func(rec *loanRec, sl *slab) (storage.Loan, bool) {
			if !f.Matches(&rec.hdr) {
				return storage.Loan{}, false
			}
			if f.Journal {
				return rec.copyOut(true), true
			}
			l := rec.hdr
			if f.NoDocument {
				l.Document = nil
			} else {
				l.Document = sl.clone(l.Document)
			}
			if f.NoState {
				l.Index.State = nil
			} else {
				l.Index.State = sl.clone(l.Index.State)
			}
			return l, true
		}, yield)
	}
}

// cloneIndex copies x, including its State document.
func cloneIndex(x storage.LoanIndex) storage.LoanIndex {
	x.State = bytes.Clone(x.State)
	return x
}
