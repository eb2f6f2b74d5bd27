package memory

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

// bookRec is a stored book: the header (Ops nil) and its operations, with
// Seq and Version set.
type bookRec struct {
	hdr  storage.Book
	ops  []storage.BookOp
	keys keyIndex
}

func (r *bookRec) keyAt(i int) string { return r.ops[i].Key }

func (r *bookRec) syncKeys() { r.keys.sync(len(r.ops), r.keyAt) }

// copyOut returns a copy of the book, with its operations when asked.
func (r *bookRec) copyOut(withOps bool) storage.Book {
	b := r.hdr.Clone()
	if withOps && len(r.ops) > 0 {
		b.Ops = slices.Clone(r.ops)
		for i := range b.Ops {
			b.Ops[i].Payload = bytes.Clone(b.Ops[i].Payload)
		}
	}
	return b
}

// cloneIDs copies a list of ids; an empty one is stored as nil.
func cloneIDs(ids []uuid.UUID) []uuid.UUID {
	if len(ids) == 0 {
		return nil
	}
	return slices.Clone(ids)
}

type books struct {
	s *Store
	t *txn
}

// Create stores a new book; see storage.Books.
func (r books) Create(ctx context.Context, b storage.Book) error {
	if err := b.Validate(); err != nil {
		return err
	}
	rec := &bookRec{hdr: b.Clone()}
	rec.hdr.Version, rec.hdr.Ops, rec.hdr.Holders = 1, nil, cloneIDs(b.Holders)
	for i, o := range b.Ops {
		o.Seq, o.Version, o.Payload = int64(i+1), 1, bytes.Clone(o.Payload)
		rec.ops = append(rec.ops, o)
	}
	rec.syncKeys()
	return r.s.write(ctx, r.t, func(t *txn) error {
		id := b.LoanID
		if r.s.books[id] != nil {
			return fmt.Errorf("%w: book of loan %s exists", storage.ErrDuplicate, id)
		}
		r.s.books[id] = rec
		r.s.bookIDs.add(id, rec)
		t.onUndo(func() {
			delete(r.s.books, id)
			r.s.bookIDs.remove(id)
		})
		return nil
	})
}

// Get returns a book with its operations; see storage.Books.
func (r books) Get(ctx context.Context, loanID uuid.UUID) (storage.Book, error) {
	var b storage.Book
	err := r.s.read(ctx, r.t, func() error {
		rec := r.s.books[loanID]
		if rec == nil {
			return fmt.Errorf("%w: book of loan %s", storage.ErrNotFound, loanID)
		}
		b = rec.copyOut(true)
		return nil
	})
	return b, err
}

// Append appends operations; see storage.Books.
func (r books) Append(ctx context.Context, a storage.BookAppend) (version int64, replayed bool, err error) {
	if err := a.Validate(); err != nil {
		return 0, false, err
	}
	ops := make([]storage.BookOp, len(a.Ops))
	for i, o := range a.Ops {
		o.Payload = bytes.Clone(o.Payload)
		ops[i] = o
	}
	holders := cloneIDs(a.Holders)
	err = r.s.write(ctx, r.t, func(t *txn) error {
		rec := r.s.books[a.LoanID]
		if rec == nil {
			return fmt.Errorf("%w: book of loan %s", storage.ErrNotFound, a.LoanID)
		}
		stored := 0
		for _, o := range ops {
			if j, ok := rec.keys.find(len(rec.ops), rec.keyAt, o.Key); ok {
				if !rec.ops[j].SameRequest(o) {
					return fmt.Errorf("%w: book %s operation key %q", storage.ErrDuplicate, a.LoanID, o.Key)
				}
				stored++
			}
		}
		switch {
		case stored > 0 && stored < len(ops):
			return fmt.Errorf("%w: only some keys of the append to book %s are stored", storage.ErrDuplicate, a.LoanID)
		case stored > 0:
			version, replayed = rec.hdr.Version, true
			return nil
		}
		if rec.hdr.Version != a.ExpectedVersion {
			return fmt.Errorf("%w: book %s is at version %d, not %d",
				storage.ErrConflict, a.LoanID, rec.hdr.Version, a.ExpectedVersion)
		}
		oldHdr, oldLen := rec.hdr, len(rec.ops)
		version = rec.hdr.Version + 1
		for i, o := range ops {
			o.Seq, o.Version = int64(oldLen+i+1), version
			rec.ops = append(rec.ops, o)
		}
		rec.syncKeys()
		rec.hdr.Version = version
		if a.Holders != nil {
			rec.hdr.Holders = holders
		}
		t.onUndo(func() {
			clear(rec.ops[oldLen:])
			rec.ops = rec.ops[:oldLen]
			rec.syncKeys()
			rec.hdr = oldHdr
		})
		return nil
	})
	if err != nil {
		return 0, false, err
	}
	return version, replayed, nil
}

// Scan yields matching books in loan id order, without their operations;
// see storage.Books.
func (r books) Scan(ctx context.Context, f storage.BookFilter) iter.Seq2[storage.Book, error] {
	return func(yield func(storage.Book, error) bool) {
		scanIndex(ctx, r.s, r.t, &r.s.bookIDs, f.Batch(), func(rec *bookRec, buf []storage.Book, sl *slab) []storage.Book {
			if !f.Matches(&rec.hdr) {
				return buf
			}
			b := rec.hdr
			b.Holders = slices.Clone(b.Holders)
			b.Document = sl.clone(b.Document)
			return append(buf, b)
		}, yield)
	}
}
