package storage

import (
	"context"
	"encoding/json"
	"time"

	"github.com/rickb777/date"
)

// ClosePart is one partition of a business day's close. The loans are
// split into Parts partitions of ids (Partition); replicas claim them
// through the store by taking a lease, and the last part, number Parts,
// is the day's portfolio-wide steps, which run once every loan partition
// is done.
type ClosePart struct {
	Day date.Date
	// Part is the partition's number: 0 to Parts-1 for the loans, Parts
	// for the portfolio steps.
	Part  int
	Parts int
	// Version is 1 when planned and +1 per Save.
	Version int64
	// Owner names the replica holding the lease; empty when none does.
	Owner string
	// LeaseUntil is when the owner's lease runs out: after it, another
	// replica may take the partition over. Stored as StoredTime: in UTC,
	// to the microsecond.
	LeaseUntil time.Time
	// Done is set when the partition's work is written.
	Done bool
	// Report is what the partition did, as JSON; nil until done.
	Report json.RawMessage
}

// Closes is the repository of the daily close's progress: the last day
// closed, and each day's partitions.
type Closes interface {
	// Last returns the last business day closed; the zero Date when none
	// has been.
	Last(ctx context.Context) (date.Date, error)

	// Plan creates the day's partitions (parts loan partitions and the
	// portfolio part) where they do not exist yet, and returns all of the
	// day's partitions by Part. A day already planned keeps the number of
	// partitions it was planned with. Errors: ErrInvalid.
	Plan(ctx context.Context, day date.Date, parts int) ([]ClosePart, error)

	// Save stores p (owner, lease, done, report) and returns it with its
	// new version; Day and Part say which partition. Errors: ErrInvalid
	// (and, naming parts, when p.Parts is not the number the day was
	// planned with; naming done, when p would undo a partition done: a
	// partition's work is written once); ErrNotFound when the partition
	// was never planned; ErrConflict when p.Version is stale.
	Save(ctx context.Context, p ClosePart) (ClosePart, error)

	// Finish records day as the last day closed. Errors: ErrInvalid;
	// ErrConflict when day is not the day after Last (any day is accepted
	// while Last is zero), so a day is finished once: a second Finish of
	// it conflicts.
	Finish(ctx context.Context, day date.Date) error
}
