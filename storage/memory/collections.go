package memory

import (
	"context"
	"iter"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

type collections struct {
	s *Store
	t *txn
}

// Get returns a loan's collection record; see storage.Collections.
func (r collections) Get(ctx context.Context, loanID uuid.UUID) (storage.Collection, error) {
	var c storage.Collection
	err := r.s.read(ctx, r.t, func() (err error) {
		c, err = r.s.colls.get(loanID)
		return err
	})
	return c, err
}

// Save stores a collection record at the version read; see
// storage.Collections.
func (r collections) Save(ctx context.Context, c storage.Collection) (storage.Collection, error) {
	if err := c.Validate(); err != nil {
		return storage.Collection{}, err
	}
	var out storage.Collection
	err := r.s.write(ctx, r.t, func(t *txn) (err error) {
		out, err = r.s.colls.save(t, c.LoanID, c, nil)
		return err
	})
	return out, err
}

// Scan yields matching records in loan id order; see storage.Collections.
func (r collections) Scan(ctx context.Context, f storage.CollectionFilter) iter.Seq2[storage.Collection, error] {
	f.NextDeadline, f.Unfed = cloneRange(f.NextDeadline), cloneRange(f.Unfed)
	return func(yield func(storage.Collection, error) bool) {
		scanIndex(ctx, r.s, r.t, &r.s.colls.ids, f.Batch(), func(p *storage.Collection, buf []storage.Collection, sl *slab) []storage.Collection {
			if !f.Matches(p) {
				return buf
			}
			c := *p
			c.Document = sl.clone(c.Document)
			return append(buf, c)
		}, yield)
	}
}

// cloneRange copies a filter's range, so a caller changing it during a
// scan changes nothing.
func cloneRange(r *storage.DateRange) *storage.DateRange {
	if r == nil {
		return nil
	}
	c := *r
	return &c
}
