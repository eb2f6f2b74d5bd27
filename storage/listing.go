package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// Listing is a stored loan listing (借款标) of a P2P platform: its state,
// the day it stops taking bids, the sum of its bids, and its terms as a
// JSON document. The bids are rows of their own, only ever appended, so a
// bid reads and writes the listing's header and one row, not every bid
// before it.
type Listing struct {
	// ID is the application's id, which the loan takes when the listing
	// is full.
	ID uuid.UUID
	// Version is 1 after Create and +1 per Update.
	Version int64
	// State is the listing state's text form ("open", "full", ...).
	State    string
	Borrower uuid.UUID
	// Closes is the last day the listing takes bids.
	Closes date.Date
	// Committed is the sum of the bids, in the listing's currency; Bids
	// counts them (filled by the store).
	Committed money.Amount
	Bids      int64
	// Document holds the terms.
	Document json.RawMessage
}

// Clone returns a deep copy of l.
func (l Listing) Clone() Listing {
	l.Document = cloneJSON(l.Document)
	return l
}

// Validate reports every bad field of a listing given to Create or
// Update.
func (l *Listing) Validate() error {
	v := invalid()
	checkID(v, "id", l.ID)
	checkVersion(v, "version", l.Version, 0)
	checkText(v, "state", l.State, true)
	checkID(v, "borrower", l.Borrower)
	checkDate(v, "closes", l.Closes, true)
	if l.Committed.Currency().IsZero() || l.Committed.IsNegative() {
		v.Add("committed", "must be an amount with a currency, not negative")
	}
	checkJSON(v, "document", l.Document, true)
	return done(v)
}

// ListingBid is one bid on a listing.
type ListingBid struct {
	// Seq is assigned by the store: the bid's position on its listing (1,
	// 2, ... without gaps).
	Seq int64
	// Key is unique per listing.
	Key      string
	Investor uuid.UUID
	Amount   money.Amount
	Day      date.Date
}

// validateBids reports every bad field of the bids of an update of a
// listing committed in cur.
func validateBids(v *fault.Fields, bids []ListingBid, cur money.Currency) {
	seen := map[string]bool{}
	for i, b := range bids {
		f := fmt.Sprintf("bids[%d]", i)
		switch {
		case b.Key == "":
			v.Add(f+".key", "must not be empty")
		case seen[b.Key]:
			v.Addf(f+".key", "%q is given twice", b.Key)
		}
		seen[b.Key] = true
		if b.Investor == uuid.Nil {
			v.Add(f+".investor", "must not be nil")
		}
		if !b.Amount.IsPositive() || b.Amount.Currency() != cur {
			v.Addf(f+".amount", "must be a positive %s amount", cur.Code())
		}
		if b.Day.IsZero() {
			v.Add(f+".day", "must be set")
		}
	}
}

// ValidateUpdate reports every bad field of an update of l appending
// bids.
func (l *Listing) ValidateUpdate(bids []ListingBid) error {
	v := invalid()
	if err := l.Validate(); err != nil {
		v.Merge("", err)
	}
	validateBids(v, bids, l.Committed.Currency())
	return done(v)
}

// BidFilter selects bids of a listing for Listings.Bids; set fields
// combine with AND.
type BidFilter struct {
	Investor  uuid.UUID
	Key       string
	BatchSize int
}

// Batch returns the effective batch size.
func (f BidFilter) Batch() int { return batchSize(f.BatchSize) }

// Matches reports whether b passes the filter.
func (f BidFilter) Matches(b *ListingBid) bool {
	return (f.Investor == uuid.Nil || f.Investor == b.Investor) && (f.Key == "" || f.Key == b.Key)
}

// ListingFilter selects listings for Listings.Scan; set fields combine
// with AND.
type ListingFilter struct {
	States    []string   // any of these states
	Closes    *DateRange // closing in range
	Borrower  uuid.UUID  // this borrower's listings
	BatchSize int
}

// Batch returns the effective batch size.
func (f ListingFilter) Batch() int { return batchSize(f.BatchSize) }

// Matches reports whether l passes the filter.
func (f ListingFilter) Matches(l *Listing) bool {
	return (len(f.States) == 0 || contains(f.States, l.State)) && (f.Closes == nil || f.Closes.Contains(l.Closes)) &&
		(f.Borrower == uuid.Nil || f.Borrower == l.Borrower)
}

// Listings is the repository of loan listings and their bids.
type Listings interface {
	// Create stores a new listing with version 1 and no bids. Errors:
	// ErrInvalid; ErrDuplicate when a listing with the id exists.
	Create(ctx context.Context, l Listing) error

	// Get returns a listing's header, without its bids. Errors:
	// ErrNotFound.
	Get(ctx context.Context, id uuid.UUID) (Listing, error)

	// Update replaces a listing's state, closing day, committed sum and
	// document and appends bids, all or nothing; l.Version must be the
	// stored version. The stored header, with its new version, is
	// returned; the borrower never changes. Errors: ErrInvalid
	// (ValidateUpdate); ErrNotFound; ErrConflict when l.Version is
	// stale; ErrDuplicate when a bid's key is stored on the listing.
	Update(ctx context.Context, l Listing, bids ...ListingBid) (Listing, error)

	// Bids yields the bids of listing id that match f, in Seq order (none
	// for an unknown listing).
	Bids(ctx context.Context, id uuid.UUID, f BidFilter) iter.Seq2[ListingBid, error]

	// Scan yields the listings that match f in ascending id order,
	// without bids, with the guarantees of Loans.Scan.
	Scan(ctx context.Context, f ListingFilter) iter.Seq2[Listing, error]
}
