package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

const listingCols = "id, version, state, borrower, closes, currency, committed_minor, bids, document"

type listings struct{ repo }

// listingTable's saves are updates: the borrower and currency are written
// by Create only.
var listingTable = record{what: "listing", table: "lendcore_listings", key: "id",
	cols: []string{"state", "closes", "committed_minor", "bids", "document"}}

func scanListing(r rowScanner) (storage.Listing, error) {
	var l storage.Listing
	var cur string
	var committed int64
	err := r.Scan(&l.ID, &l.Version, &l.State, &l.Borrower, dateCol{&l.Closes}, &cur, &committed, &l.Bids, jsonCol{&l.Document})
	if err != nil {
		return l, err
	}
	c, err := parseCurrency(cur)
	l.Committed = money.New(committed, c)
	return l, err
}

// Create stores a new listing; see storage.Listings.
func (r listings) Create(ctx context.Context, l storage.Listing) error {
	if err := l.Validate(); err != nil {
		return err
	}
	return r.write(ctx, func(c conn) error {
		n, err := affected(c.exec(ctx, "INSERT INTO lendcore_listings ("+listingCols+") VALUES ($1, 1, $2, $3, $4, $5, $6, 0, $7) "+
			"ON CONFLICT (id) DO NOTHING", l.ID.String(), l.State, l.Borrower.String(), dateArg(l.Closes),
			currencyArg(l.Committed.Currency()), l.Committed.Minor(), string(l.Document)))
		if err == nil && n == 0 {
			err = fmt.Errorf("%w: listing %s exists", storage.ErrDuplicate, l.ID)
		}
		return err
	})
}

// Get returns a listing's header; see storage.Listings.
func (r listings) Get(ctx context.Context, id uuid.UUID) (storage.Listing, error) {
	return readRow(ctx, r.repo, scanListing, "listing "+id.String(),
		"SELECT "+listingCols+" FROM lendcore_listings WHERE id = $1", id.String())
}

func getListing(ctx context.Context, c conn, id uuid.UUID) (storage.Listing, error) {
	return getRow(ctx, c, scanListing, "listing "+id.String(), "SELECT "+listingCols+" FROM lendcore_listings WHERE id = $1", id.String())
}

// Update replaces a listing's header at its expected version and appends
// bids: one compare-and-set and one insert; see storage.Listings.
func (r listings) Update(ctx context.Context, l storage.Listing, bids ...storage.ListingBid) (storage.Listing, error) {
	if err := l.ValidateUpdate(bids); err != nil {
		return storage.Listing{}, err
	}
	var out storage.Listing
	err := r.write(ctx, func(c conn) error {
		err := fmt.Errorf("%w: listing %s: no version 0 is ever stored", storage.ErrConflict, l.ID)
		var stored int64
		if l.Version > 0 {
			// The bids are counted under the header's version: the CAS
			// below fails if another writer appended meanwhile.
			if err := c.row(ctx, "SELECT bids FROM lendcore_listings WHERE id = $1", l.ID.String()).Scan(&stored); err != nil {
				if _, gerr := getListing(ctx, c, l.ID); gerr != nil {
					return gerr
				}
				return err
			}
			_, err = listingTable.save(ctx, c, l.ID.String(), l.Version, l.State, dateArg(l.Closes), l.Committed.Minor(),
				stored+int64(len(bids)), string(l.Document))
		}
		if errors.Is(err, storage.ErrConflict) {
			if _, gerr := getListing(ctx, c, l.ID); gerr != nil {
				return gerr
			}
		}
		if err != nil {
			return err
		}
		if len(bids) > 0 {
			rows := make([][]any, len(bids))
			for i, b := range bids {
				rows[i] = []any{l.ID.String(), stored + int64(i) + 1, b.Key, b.Investor.String(), b.Amount.Minor(), dateArg(b.Day)}
			}
			if err := insertRows(ctx, c, "INSERT INTO lendcore_listing_bids (listing_id, seq, bid_key, investor, amount_minor, day)", rows); err != nil {
				if isUnique(err) {
					return fmt.Errorf("%w: listing %s has a bid of these keys", storage.ErrDuplicate, l.ID)
				}
				return err
			}
		}
		out, err = getListing(ctx, c, l.ID)
		return err
	})
	if err != nil {
		return storage.Listing{}, err
	}
	return out, nil
}

// Bids yields a listing's matching bids in Seq order; see
// storage.Listings.
func (r listings) Bids(ctx context.Context, id uuid.UUID, f storage.BidFilter) iter.Seq2[storage.ListingBid, error] {
	q := scan[storage.ListingBid]{sel: "SELECT b.seq, b.bid_key, b.investor, b.amount_minor, b.day, l.currency FROM lendcore_listing_bids b " +
		"JOIN lendcore_listings l ON l.id = b.listing_id", keys: []string{"b.seq"},
		cursor: func(b *storage.ListingBid) []any { return []any{b.Seq} }, batch: f.Batch(),
		read: func(r rowScanner) (storage.ListingBid, error) {
			var b storage.ListingBid
			var cur string
			var minor int64
			if err := r.Scan(&b.Seq, &b.Key, &b.Investor, &minor, dateCol{&b.Day}, &cur); err != nil {
				return b, err
			}
			c, err := parseCurrency(cur)
			b.Amount = money.New(minor, c)
			return b, err
		}}
	q.w.eq("b.listing_id", id.String())
	q.w.id("b.investor", f.Investor)
	if f.Key != "" {
		q.w.eq("b.bid_key", f.Key)
	}
	return q.run(ctx, r.repo)
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
