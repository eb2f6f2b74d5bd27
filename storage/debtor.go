package storage

import (
	"context"
	"encoding/json"
	"iter"
	"time"

	"github.com/google/uuid"
)

// Debtor is what collections keep about a borrower across all their loans:
// the contact state (consent to contact out of hours, open disputes and
// hardship reviews, notice of outsourcing) and the log of contact
// attempts, against which the conduct rules check each new attempt (a
// limit on calls a day counts the person's calls, not each loan's).
type Debtor struct {
	// ID is the borrower's id.
	ID uuid.UUID
	// Version is 1 after the first Save and +1 per Save.
	Version int64
	// State is the contact state as JSON; nil when never set.
	State json.RawMessage
	// Contacts are the attempts Get was asked for, in Seq order.
	Contacts []Contact
}

// Contact is one contact attempt in a debtor's log; never updated.
type Contact struct {
	// Debtor and Seq are assigned by the store: the debtor and the
	// attempt's position in their log.
	Debtor uuid.UUID
	Seq    int64
	// Key is unique per debtor: saving a key already stored with the
	// same content is a replay.
	Key    string
	LoanID uuid.UUID
	// At is when the attempt was made.
	At time.Time
	// Payload is the attempt as JSON.
	Payload json.RawMessage
}

// SameRequest reports whether c and o are the same attempt for the
// idempotency check.
func (c Contact) SameRequest(o Contact) bool {
	return c.LoanID == o.LoanID && c.At.Equal(o.At) && SameJSON(c.Payload, o.Payload)
}

// DebtorSave is one write to a debtor: new contact attempts and the state
// after them, applied together or not at all.
type DebtorSave struct {
	ID uuid.UUID
	// ExpectedVersion is the version read: 0 for a debtor never saved.
	ExpectedVersion int64
	// State replaces the contact state; nil keeps it.
	State json.RawMessage
	// Contacts are appended to the log.
	Contacts []Contact
}

// ContactFilter selects contact attempts for Debtors.Contacts; set fields
// combine with AND.
type ContactFilter struct {
	Debtor    uuid.UUID
	LoanID    uuid.UUID
	From, To  time.Time // At in [From, To); a zero bound is open
	BatchSize int
}

// Batch returns the effective batch size.
func (f ContactFilter) Batch() int { return batchSize(f.BatchSize) }

// Matches reports whether c passes the filter.
func (f ContactFilter) Matches(c *Contact) bool {
	return (f.Debtor == uuid.Nil || f.Debtor == c.Debtor) && (f.LoanID == uuid.Nil || f.LoanID == c.LoanID) &&
		(f.From.IsZero() || !c.At.Before(f.From)) && (f.To.IsZero() || c.At.Before(f.To))
}

// Debtors is the repository of debtors' contact records.
type Debtors interface {
	// Get returns a debtor with the contact attempts made at or after
	// since (all of them for the zero time). Errors: ErrNotFound when the
	// debtor was never saved.
	Get(ctx context.Context, id uuid.UUID, since time.Time) (Debtor, error)

	// Save appends contacts and replaces the state. When it appends
	// contacts whose keys are all stored with the same content, nothing is
	// written and replayed is set. Errors: ErrInvalid; ErrDuplicate when a
	// key is stored with other content or only some keys are stored;
	// ErrConflict when ExpectedVersion is stale.
	Save(ctx context.Context, s DebtorSave) (version int64, replayed bool, err error)

	// Contacts yields the attempts that match f, by debtor and Seq.
	Contacts(ctx context.Context, f ContactFilter) iter.Seq2[Contact, error]
}
