package memory

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

// listingState is the listings' headers and each listing's bids in Seq
// order (Seq is the position plus one).
type listingState struct {
	heads table[storage.Listing]
	bids  map[uuid.UUID][]storage.ListingBid
}

func (x *listingState) init() {
	x.heads = newTable("listing", func(l *storage.Listing) *int64 { return &l.Version }, storage.Listing.Clone)
	x.bids = map[uuid.UUID][]storage.ListingBid{}
}

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
		x := &r.s.listings
		if x.heads.m[l.ID] != nil {
			return fmt.Errorf("%w: listing %s exists", storage.ErrDuplicate, l.ID)
		}
		l.Version, l.Bids = 0, 0
		_, err := x.heads.save(t, l.ID, l, nil)
		return err
	})
}

// Get returns a listing's header; see storage.Listings.
func (r listings) Get(ctx context.Context, id uuid.UUID) (storage.Listing, error) {
	var l storage.Listing
	err := r.s.read(ctx, r.t, func() (err error) {
		l, err = r.s.listings.heads.get(id)
		return err
	})
	return l, err
}

// Update replaces a listing's header and appends bids; see
// storage.Listings.
func (r listings) Update(ctx context.Context, l storage.Listing, bids ...storage.ListingBid) (storage.Listing, error) {
	if err := l.ValidateUpdate(bids); err != nil {
		return storage.Listing{}, err
	}
	bids = slices.Clone(bids)
	var out storage.Listing
	err := r.s.write(ctx, r.t, func(t *txn) (err error) {
		x := &r.s.listings
		if x.heads.m[l.ID] == nil {
			return fmt.Errorf("%w: listing %s", storage.ErrNotFound, l.ID)
		}
		if l.Version == 0 {
			return fmt.Errorf("%w: listing %s: no version 0 is ever stored", storage.ErrConflict, l.ID)
		}
		stored := x.bids[l.ID]
		n := int64(len(stored) + len(bids))
		out, err = x.heads.save(t, l.ID, l, func(old, next *storage.Listing) {
			next.Borrower, next.Bids = old.Borrower, n
		})
		if err != nil || len(bids) == 0 {
			return err // a failed save is undone by write
		}
		for _, b := range bids {
			for _, s := range stored {
				if s.Key == b.Key {
					return fmt.Errorf("%w: listing %s has a bid %q", storage.ErrDuplicate, l.ID, b.Key)
				}
			}
		}
		for i := range bids {
			bids[i].Seq = int64(len(stored) + i + 1)
		}
		x.bids[l.ID] = append(stored[:len(stored):len(stored)], bids...)
		t.onUndo(func() { x.bids[l.ID] = stored })
		return nil
	})
	return out, err
}

// Bids yields a listing's matching bids in Seq order; see
// storage.Listings.
func (r listings) Bids(ctx context.Context, id uuid.UUID, f storage.BidFilter) iter.Seq2[storage.ListingBid, error] {
	return func(yield func(storage.ListingBid, error) bool) {
		n := f.Batch()
		next := 0
		batches(ctx, r.s, r.t, n, nil, func(buf []storage.ListingBid, _ *slab) ([]storage.ListingBid, bool) {
			bids := r.s.listings.bids[id]
			limit := min(len(bids), next+examineFactor*n)
			for ; next < limit && len(buf) < n; next++ {
				if f.Matches(&bids[next]) {
					buf = append(buf, bids[next])
				}
			}
			return buf, next < len(bids)
		}, yield)
	}
}

// Scan yields matching listings in id order; see storage.Listings.
func (r listings) Scan(ctx context.Context, f storage.ListingFilter) iter.Seq2[storage.Listing, error] {
	f.States, f.Closes = slices.Clone(f.States), cloneRange(f.Closes)
	return func(yield func(storage.Listing, error) bool) {
		scanIndex(ctx, r.s, r.t, &r.s.listings.heads.ids, f.Batch(), func(p *storage.Listing, buf []storage.Listing, sl *slab) []storage.Listing {
			if !f.Matches(p) {
				return buf
			}
			l := *p
			l.Document = sl.clone(l.Document)
			return append(buf, l)
		}, yield)
	}
}
