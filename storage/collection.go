package storage

import (
	"context"
	"encoding/json"
	"iter"

	"github.com/google/uuid"
	"github.com/rickb777/date"
)

// Collection is a loan's collection record — its promises to pay and what
// came of them, the demands and other interruptions of the limitation
// period, its legal proceedings — as one JSON document, with the columns
// the daily close queries instead of reading every record.
type Collection struct {
	LoanID uuid.UUID
	// Version is 1 after the first Save and +1 per Save.
	Version int64
	// Document is the record as JSON.
	Document json.RawMessage
	// NextDeadline is the earliest deadline of the promises still pending;
	// the zero Date when none is.
	NextDeadline date.Date
	// Unfed is the day the earliest broken promise not yet fed to the
	// collection ladder was found broken; the zero Date when none waits.
	Unfed date.Date
}

// CollectionFilter selects collection records for Collections.Scan; set
// fields combine with AND.
type CollectionFilter struct {
	NextDeadline *DateRange // a pending promise's deadline in range
	Unfed        *DateRange // a broken promise waiting for the ladder since a day in range
	BatchSize    int
}

// Batch returns the effective batch size.
func (f CollectionFilter) Batch() int { return batchSize(f.BatchSize) }

// Matches reports whether c passes the filter.
func (f CollectionFilter) Matches(c *Collection) bool {
	return inRange(f.NextDeadline, c.NextDeadline) && inRange(f.Unfed, c.Unfed)
}

// inRange reports whether d is set and in r, or r is nil.
func inRange(r *DateRange, d date.Date) bool { return r == nil || !d.IsZero() && r.Contains(d) }

// Collections is the repository of loans' collection records.
type Collections interface {
	// Get returns a loan's record. Errors: ErrNotFound when nothing has
	// been recorded about collecting the loan.
	Get(ctx context.Context, loanID uuid.UUID) (Collection, error)

	// Save stores c and returns it with its new version. c.Version is the
	// version read: 0 for a loan without a record. Errors: ErrInvalid;
	// ErrNotFound when c.Version is not 0 and the loan has no record;
	// ErrConflict when c.Version is not the stored version (or 0 and a
	// record exists).
	Save(ctx context.Context, c Collection) (Collection, error)

	// Scan yields the records that match f in ascending loan id order,
	// with the guarantees of Loans.Scan.
	Scan(ctx context.Context, f CollectionFilter) iter.Seq2[Collection, error]
}
