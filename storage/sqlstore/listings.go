package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

const listingCols = "id, version, state, borrower, closes, document"

type listings struct{ repo }

// listingTable's saves are updates: the borrower is written by Create
// only.
var listingTable = record{what: "listing", table: "lendcore_listings", key: "id",
	cols: []string{"state", "closes", "document"}}

func scanListing(r rowScanner) (storage.Listing, error) {
	var l storage.Listing
	err := r.Scan(&l.ID, &l.Version, &l.State, &l.Borrower, dateCol{&l.Closes}, jsonCol{&l.Document})
	return l, err
}

// Create stores a new listing; see storage.Listings.
func (r listings) Create(ctx context.Context, l storage.Listing) error {
	if err := l.Validate(); err != nil {
		return err
	}
	return r.write(ctx, func(c conn) error {
		n, err := affected(c.exec(ctx, "INSERT INTO lendcore_listings ("+listingCols+") VALUES ($1, 1, $2, $3, $4, $5) "+
			"ON CONFLICT (id) DO NOTHING", l.ID.String(), l.State, l.Borrower.String(), dateArg(l.Closes), string(l.Document)))
		if err == nil && n == 0 {
			err = fmt.Errorf("%w: listing %s exists", storage.ErrDuplicate, l.ID)
		}
		return err
	})
}

// Get returns a listing; see storage.Listings.
func (r listings) Get(ctx context.Context, id uuid.UUID) (storage.Listing, error) {
	return readRow(ctx, r.repo, scanListing, "listing "+id.String(),
		"SELECT "+listingCols+" FROM lendcore_listings WHERE id = $1", id.String())
}

// Update replaces a listing at its expected version; see
// storage.Listings.
func (r listings) Update(ctx context.Context, l storage.Listing) (storage.Listing, error) {
	if err := l.Validate(); err != nil {
		return storage.Listing{}, err
	}
	var out storage.Listing
	err := r.write(ctx, func(c conn) error {
		get := func() (storage.Listing, error) {
			return getRow(ctx, c, scanListing, "listing "+l.ID.String(),
				"SELECT "+listingCols+" FROM lendcore_listings WHERE id = $1", l.ID.String())
		}
		err := fmt.Errorf("%w: listing %s: no version 0 is ever stored", storage.ErrConflict, l.ID)
		if l.Version > 0 {
			_, err = listingTable.save(ctx, c, l.ID.String(), l.Version, l.State, dateArg(l.Closes), string(l.Document))
		}
		if errors.Is(err, storage.ErrConflict) {
			if _, gerr := get(); gerr != nil {
				return gerr
			}
		}
		if err != nil {
			return err
		}
		out, err = get()
		return err
	})
	if err != nil {
		return storage.Listing{}, err
	}
	return out, nil
}

// Scan yields matching listings in id order; see storage.Listings.
func (r listings) Scan(ctx context.Context, f storage.ListingFilter) iter.Seq2[storage.Listing, error] {
	q := idScan("SELECT "+listingCols+" FROM lendcore_listings", "id",
		func(l *storage.Listing) uuid.UUID { return l.ID }, f.Batch(), scanListing)
	q.w.in("state", f.States)
	q.w.dates("closes", f.Closes)
	q.w.id("borrower", f.Borrower)
	return q.run(ctx, r.repo)
}
