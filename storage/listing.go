package storage

import (
	"context"
	"encoding/json"
	"iter"

	"github.com/google/uuid"
	"github.com/rickb777/date"
)

// Listing is a stored loan listing (借款标) of a P2P platform: its state,
// the day it stops taking bids, and the listing itself — terms and bids —
// as a JSON document.
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
	Closes   date.Date
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
	checkJSON(v, "document", l.Document, true)
	return done(v)
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

// Listings is the repository of loan listings.
type Listings interface {
	// Create stores a new listing with version 1. Errors: ErrInvalid;
	// ErrDuplicate when a listing with the id exists.
	Create(ctx context.Context, l Listing) error

	// Get returns a listing. Errors: ErrNotFound.
	Get(ctx context.Context, id uuid.UUID) (Listing, error)

	// Update replaces a listing's state, closing day and document;
	// l.Version must be the stored version. The stored listing, with its
	// new version, is returned; the borrower never changes. Errors:
	// ErrInvalid; ErrNotFound; ErrConflict when l.Version is stale.
	Update(ctx context.Context, l Listing) (Listing, error)

	// Scan yields the listings that match f in ascending id order, with
	// the guarantees of Loans.Scan.
	Scan(ctx context.Context, f ListingFilter) iter.Seq2[Listing, error]
}
