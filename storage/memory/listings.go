package memory

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

type listings struct {
	s *Store
	t *txn
}

// Create stores a new listing; see storage.Listings.
func (r listings) Create(ctx context.Context, l storage.Listing) error {
	if err := l.Validate(); err != nil {
		return err
	}
	return r.s.write(ctx, r.t, func(t *txn) error {
		if r.s.listings.m[l.ID] != nil {
			return fmt.Errorf("%w: listing %s exists", storage.ErrDuplicate, l.ID)
		}
		l.Version = 0
		_, err := r.s.listings.save(t, l.ID, l, nil)
		return err
	})
}

// Get returns a listing; see storage.Listings.
func (r listings) Get(ctx context.Context, id uuid.UUID) (storage.Listing, error) {
	var l storage.Listing
	err := r.s.read(ctx, r.t, func() (err error) {
		l, err = r.s.listings.get(id)
		return err
	})
	return l, err
}

// Update replaces a listing at its expected version; see
// storage.Listings.
func (r listings) Update(ctx context.Context, l storage.Listing) (storage.Listing, error) {
	if err := l.Validate(); err != nil {
		return storage.Listing{}, err
	}
	var out storage.Listing
	err := r.s.write(ctx, r.t, func(t *txn) (err error) {
		if r.s.listings.m[l.ID] == nil {
			return fmt.Errorf("%w: listing %s", storage.ErrNotFound, l.ID)
		}
		if l.Version == 0 {
			return fmt.Errorf("%w: listing %s: no version 0 is ever stored", storage.ErrConflict, l.ID)
		}
		out, err = r.s.listings.save(t, l.ID, l, func(old, next *storage.Listing) { next.Borrower = old.Borrower })
		return err
	})
	return out, err
}

// Scan yields matching listings in id order; see storage.Listings.
func (r listings) Scan(ctx context.Context, f storage.ListingFilter) iter.Seq2[storage.Listing, error] {
	f.States, f.Closes = slices.Clone(f.States), cloneRange(f.Closes)
	return func(yield func(storage.Listing, error) bool) {
		scanIndex(ctx, r.s, r.t, &r.s.listings.ids, f.Batch(), func(p *storage.Listing, buf []storage.Listing, sl *slab) []storage.Listing {
			if !f.Matches(p) {
				return buf
			}
			l := *p
			l.Document = sl.clone(l.Document)
			return append(buf, l)
		}, yield)
	}
}
