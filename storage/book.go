package storage

import (
	"context"
	"encoding/json"
	"iter"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
)

// Book is a stored investor book of a P2P loan: its opening (the funding,
// as a JSON document) and the operations on it since, in order —
// distributions, claim transfers, compensation payouts — which package
// invest replays to rebuild the holdings. Like a loan's journal, the
// operations are only ever appended.
type Book struct {
	LoanID uuid.UUID
	// Version counts the writes: 1 after Create, +1 per Append.
	Version  int64
	Currency money.Currency
	// Opened is the day the book was opened (the loan's disbursement).
	Opened date.Date
	// Holders are the investors holding a part of the loan now, the key
	// of an investor's statement (BookFilter.Holder); each Append may
	// replace them. Each is listed once; they come back in the order
	// stored, nil when there are none.
	Holders []uuid.UUID
	// Document is the opening: the fundings and the policy, as JSON.
	Document json.RawMessage
	// Ops are the operations in Seq order; Get fills them (nil when there
	// are none), Scan leaves them nil.
	Ops []BookOp
}

// BookOp is one operation on a book.
type BookOp struct {
	// Seq and Version are assigned by the store: the operation's position
	// (1, 2, ... without gaps) and the book version it was appended at.
	Seq     int64
	Version int64
	// Key is unique per book: appending a key already stored with the same
	// content is a replay, with other content ErrDuplicate.
	Key string
	// Day is the business day of the operation.
	Day date.Date
	// Kind names the operation ("distribution", "transfer", "payout").
	Kind string
	// Payload is the operation as JSON.
	Payload json.RawMessage
}

// SameRequest reports whether o and x describe the same operation for the
// idempotency check: equal Day, Kind and Payload.
func (o BookOp) SameRequest(x BookOp) bool {
	return o.Day == x.Day && o.Kind == x.Kind && SameJSON(o.Payload, x.Payload)
}

// BookAppend is one write to a book: operations and the holders after
// them, applied together or not at all.
type BookAppend struct {
	LoanID uuid.UUID
	// ExpectedVersion must equal the stored version, or Append fails with
	// ErrConflict (unless every key is already stored: a replay).
	ExpectedVersion int64
	// Ops to append, at least one.
	Ops []BookOp
	// Holders replaces the book's holders; nil keeps them.
	Holders []uuid.UUID
}

// BookFilter selects books for Books.Scan; set fields combine with AND.
type BookFilter struct {
	Holder    uuid.UUID // books in which this investor holds a part now
	BatchSize int       // books per round trip; zero means DefaultBatchSize
}

// Batch returns the effective batch size.
func (f BookFilter) Batch() int { return batchSize(f.BatchSize) }

// Matches reports whether b passes the filter.
func (f BookFilter) Matches(b *Book) bool {
	return f.Holder == uuid.Nil || containsID(b.Holders, f.Holder)
}

// Books is the repository of investor books, one per funded loan.
type Books interface {
	// Create stores a new book with version 1 and its operations (if any)
	// at seq 1, 2, .... Errors: ErrInvalid; ErrDuplicate when the loan
	// has a book.
	Create(ctx context.Context, b Book) error

	// Get returns a book with all its operations. Errors: ErrNotFound.
	Get(ctx context.Context, loanID uuid.UUID) (Book, error)

	// Append appends operations and returns the book's new version. When
	// every key is already stored with the same content nothing is written
	// (the holders included) and the book's current version is returned
	// with replayed set, whatever ExpectedVersion says: the retry of an
	// append whose answer was lost. Errors: ErrInvalid; ErrNotFound;
	// ErrDuplicate when a key is stored with other content or only some
	// keys are stored; ErrConflict when ExpectedVersion is stale.
	Append(ctx context.Context, a BookAppend) (version int64, replayed bool, err error)

	// Scan yields the books that match f in ascending loan id order,
	// without their operations, with the guarantees of Loans.Scan.
	Scan(ctx context.Context, f BookFilter) iter.Seq2[Book, error]
}
