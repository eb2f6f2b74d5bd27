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
	// Contacts are the attempts Get was asked for, in Seq order; nil when
	// there are none.
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
	// At is when the attempt was made, stored as StoredTime(At): in UTC,
	// to the microsecond.
	At time.Time
	// Payload is the attempt as JSON.
	Payload json.RawMessage
}

// SameRequest reports whether c and o are the same attempt for the
// idempotency check: same loan, same stored time (StoredTime), same
// payload.
func (c Contact) SameRequest(o Contact) bool {
	return c.LoanID == o.LoanID && StoredTime(c.At).Equal(StoredTime(o.At)) && SameJSON(c.Payload, o.Payload)
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
	From, To  time.Time // At in [From, To); a zero bound is open; bounds are compared as StoredTime
	BatchSize int
}

// Batch returns the effective batch size.
func (f ContactFilter) Batch() int { return batchSize(f.BatchSize) }

// Matches reports whether c, as stored, passes the filter.
func (f ContactFilter) Matches(c *Contact) bool {
	return (f.Debtor == uuid.Nil || f.Debtor == c.Debtor) && (f.LoanID == uuid.Nil || f.LoanID == c.LoanID) &&
		(f.From.IsZero() || !c.At.Before(StoredTime(f.From))) && (f.To.IsZero() || c.At.Before(StoredTime(f.To)))
}

// Debtors is the repository of debtors' contact records.
type Debtors interface {
	// Get returns a debtor with the contact attempts made at or after
	// StoredTime(since) (all of them for the zero time). Errors:
	// ErrNotFound when the debtor was never saved.
	Get(ctx context.Context, id uuid.UUID, since time.Time) (Debtor, error)

	// Save appends contacts and replaces the state, and returns the
	// debtor's new version (+1 per Save, whether it carries contacts, a
	// state or neither). When s carries contacts whose keys are all stored
	// with the same content, nothing is written (the state included) and
	// the debtor's current version is returned with replayed set, whatever
	// ExpectedVersion says: the retry of a save whose answer was lost. A
	// Save without contacts is never a replay. Errors: ErrInvalid;
	// ErrDuplicate when a key is stored with other content or only some
	// keys are stored; ErrNotFound when ExpectedVersion is not 0 and the
	// debtor was never saved; ErrConflict when ExpectedVersion is stale
	// (or 0 and the debtor exists).
	Save(ctx context.Context, s DebtorSave) (version int64, replayed bool, err error)

	// Contacts yields the attempts that match f, by debtor and Seq.
	Contacts(ctx context.Context, f ContactFilter) iter.Seq2[Contact, error]
}
