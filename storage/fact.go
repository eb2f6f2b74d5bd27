package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"

	"github.com/google/uuid"
	"github.com/rickb777/date"
)

// Fact is one entry in a subject's facts journal: a dated fact from
// outside the loan's own journal (a bankruptcy notice, a fraud finding, a
// credit-bureau refresh, an inspection's findings, the withdrawal of an
// earlier fact). Facts are never updated or deleted: a correction is a
// new fact.
type Fact struct {
	// Subject and Seq are assigned by the store: the journal (a borrower
	// or a loan) and the fact's position in it (1, 2, 3, ... without gaps).
	Subject uuid.UUID
	Seq     int64
	// Key is unique per subject: appending a key already stored with the
	// same content is a replay.
	Key string
	// LoanID is the loan the fact is about; uuid.Nil for a fact about the
	// borrower as a whole.
	LoanID uuid.UUID
	// Day is the day the fact takes effect.
	Day date.Date
	// Kind is the fact kind's text form ("bankruptcy", "withdrawal", ...).
	Kind string
	// Payload is the whole fact as JSON.
	Payload json.RawMessage
}

// SameRequest reports whether f and o are the same fact for the
// idempotency check: same loan, day, kind and payload (compared after
// removing insignificant JSON white space).
func (f Fact) SameRequest(o Fact) bool {
	return f.LoanID == o.LoanID && f.Day == o.Day && f.Kind == o.Kind && SameJSON(f.Payload, o.Payload)
}

// Clone returns a deep copy of f.
func (f Fact) Clone() Fact {
	f.Payload = cloneJSON(f.Payload)
	return f
}

// FactJournal is a subject's facts journal as read by Facts.Get.
type FactJournal struct {
	Subject uuid.UUID
	// Version is 1 after the first Append and +1 per Append.
	Version int64
	// Facts are in Seq order; nil when there are none.
	Facts []Fact
}

// FactAppend is one write to a subject's facts journal: the facts are
// appended together or not at all.
type FactAppend struct {
	Subject uuid.UUID
	// ExpectedVersion is the version read: 0 for a journal never written.
	ExpectedVersion int64
	// Facts to append, at least one; Subject and Seq are assigned by the
	// store.
	Facts []Fact
}

// Validate reports every bad field of an append to a facts journal.
func (a *FactAppend) Validate() error {
	v := invalid()
	checkID(v, "subject", a.Subject)
	checkVersion(v, "expected_version", a.ExpectedVersion, 0)
	if len(a.Facts) == 0 {
		v.Add("facts", "must hold at least one fact")
	}
	checkKeys(v, "facts", len(a.Facts), func(i int) string { return a.Facts[i].Key })
	for i := range a.Facts {
		f := &a.Facts[i]
		field := fmt.Sprintf("facts[%d]", i)
		checkDate(v, field+".day", f.Day, true)
		checkText(v, field+".kind", f.Kind, true)
		checkJSON(v, field+".payload", f.Payload, true)
	}
	return done(v)
}

// FactFilter selects facts for Facts.Scan; set fields combine with AND.
type FactFilter struct {
	Subject uuid.UUID
	LoanID  uuid.UUID
	// Days selects the facts whose Day lies in the range (the daily close
	// reads the facts in force on a day: To set to it).
	Days      *DateRange
	BatchSize int
}

// Batch returns the effective batch size.
func (f FactFilter) Batch() int { return batchSize(f.BatchSize) }

// Matches reports whether x passes the filter.
func (f FactFilter) Matches(x *Fact) bool {
	return (f.Subject == uuid.Nil || f.Subject == x.Subject) && (f.LoanID == uuid.Nil || f.LoanID == x.LoanID) &&
		(f.Days == nil || f.Days.Contains(x.Day))
}

// Facts is the repository of facts journals, one per subject (a borrower,
// or a loan that names no borrower).
type Facts interface {
	// Get returns a subject's journal. Errors: ErrNotFound when nothing
	// was ever appended to it.
	Get(ctx context.Context, subject uuid.UUID) (FactJournal, error)

	// Append appends facts to a subject's journal and returns its new
	// version. When every fact's key is stored with the same content
	// (Fact.SameRequest), nothing is written and the journal's current
	// version is returned with replayed set, whatever ExpectedVersion
	// says: the retry of an append whose answer was lost. Errors:
	// ErrInvalid; ErrDuplicate when a key is stored with other content or
	// only some keys are stored; ErrNotFound when ExpectedVersion is not 0
	// and the journal was never written; ErrConflict when ExpectedVersion
	// is stale (or 0 and the journal exists).
	Append(ctx context.Context, a FactAppend) (version int64, replayed bool, err error)

	// Scan yields the facts that match f ordered by subject and Seq, with
	// the guarantees of Loans.Scan.
	Scan(ctx context.Context, f FactFilter) iter.Seq2[Fact, error]
}
