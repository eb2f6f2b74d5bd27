package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"iter"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
)

// Loan is a stored loan: a header (id, version, status, currency, the terms
// and servicing policy as one JSON document, and the derived index columns
// the daily close filters on) and its append-only journal.
type Loan struct {
	ID uuid.UUID
	// Borrower is the borrower's id, set at Create and never changed: the
	// key of the debtor-level queries (all of a borrower's loans).
	// uuid.Nil when the host names none; such a loan is found by no
	// Borrower filter.
	Borrower uuid.UUID
	// Version counts the writes that changed the loan: 1 after Create, +1
	// per Append. UpdateIndex does not change it: the index is derived.
	Version int64
	// Status is the loan status's text form ("active", "written-off", ...).
	Status string
	// Currency is the loan's currency; every journal amount is in it.
	Currency money.Currency
	// Document holds the terms and servicing policy as JSON. Adapters
	// store it as text, so it comes back byte for byte.
	Document json.RawMessage
	// Index holds the derived columns the daily close filters on.
	Index LoanIndex
	// Journal is the loan's entries in Seq order. Get fills it; Scan fills
	// it only when LoanFilter.Journal is set. Empty (nil) when none.
	Journal []Entry
}

// LoanIndex is what the daily close derives from a loan's journal and stores
// beside it so portfolio scans can filter without folding every loan.
type LoanIndex struct {
	// NextDue is the next due date; the zero Date means nothing is due
	// (stored as NULL, and excluded by any NextDue filter).
	NextDue date.Date
	// DaysPastDue is the number of days the oldest unpaid installment is
	// overdue (0 when current).
	DaysPastDue int
	// Classification is the risk grade's text form ("normal",
	// "special-mention", ...); empty when not yet classified.
	Classification string
	// Bucket is the delinquency bucket's name ("M0", "M1", ...) and
	// Collection the collection stage's ("pre-due", "m1", ...); empty
	// before the first close.
	Bucket     string
	Collection string
	// InspectionDue is the day a post-loan inspection fell due that has
	// not been done; the zero Date when none is due.
	InspectionDue date.Date
	// AsOf is the business day the index was computed for; the zero Date
	// means never (stored as NULL).
	AsOf date.Date
	// Final is set once the daily close has done everything a closed loan
	// needs (its last distribution to investors): the close's scans leave
	// it out from then on. A reversal that reopens the loan changes its
	// status, and the close clears Final.
	Final bool
	// State is the Engine's derived state of the loan as of AsOf (grade
	// track, collection stage, balances for the dashboard) as a JSON
	// document, stored as text; nil when none.
	State json.RawMessage
}

// Entry is one journal row: an immutable fact about a loan.
type Entry struct {
	// LoanID, Seq and Version are assigned by the store: the loan, the
	// entry's position (1, 2, 3, ... without gaps) and the loan version
	// the entry was appended at.
	LoanID  uuid.UUID
	Seq     int64
	Version int64
	// ID is the caller's entry id.
	ID uuid.UUID
	// IdempotencyKey is unique per loan: a second Append with the same key
	// and the same content returns the stored result, with different
	// content ErrDuplicate.
	IdempotencyKey string
	ValueDate      date.Date
	// Kind is the entry kind's text form ("repayment", "fee", ...).
	Kind string
	// Amount is the entry's headline amount, exact; in the loan's currency
	// or the currency-less zero Amount.
	Amount money.Amount
	// Payload is the whole entry as JSON, stored as text.
	Payload json.RawMessage
}

// SameRequest reports whether e and o describe the same write for the
// idempotency check: equal Kind, ValueDate, Amount and Payload (compared
// after removing insignificant JSON white space). ID, LoanID, Seq and
// Version are not compared: they are assigned by the first write.
func (e Entry) SameRequest(o Entry) bool {
	return e.Kind == o.Kind && e.ValueDate == o.ValueDate && e.Amount == o.Amount &&
		SameJSON(e.Payload, o.Payload)
}

// Append is one write to a loan's journal: entries plus the header changes
// they cause, applied together or not at all.
type Append struct {
	LoanID uuid.UUID
	// ExpectedVersion must equal the stored version, or Append returns
	// ErrConflict (unless every idempotency key is already stored: see
	// Loans.Append).
	ExpectedVersion int64
	// Entries to append, at least one; Seq, Version and LoanID are
	// assigned by the store.
	Entries []Entry
	// Status is the loan's new status; "" keeps the stored one.
	Status string
	// Document replaces the terms and policy document (after a
	// restructure, say); nil keeps the stored one.
	Document json.RawMessage
	// Index replaces the index columns; nil keeps the stored ones.
	Index *LoanIndex
}

// AppendResult is what an Append stored.
type AppendResult struct {
	// Version is the loan version the entries were appended at.
	Version int64
	// Entries are the stored entries, with Seq and Version assigned.
	Entries []Entry
	// Replayed is true when every idempotency key was already stored with
	// the same content: nothing was written and Version and Entries are
	// those of the first write.
	Replayed bool
}

// IndexUpdate sets the index columns of one loan. A nil Index.State keeps
// the stored state document (the daily close sends none for a loan whose
// state did not change).
type IndexUpdate struct {
	LoanID uuid.UUID
	// PrevAsOf is the AsOf the writer read: the update applies only while
	// the stored AsOf is still it, so two closes of one day (a replica
	// whose lease ran out and the one that took over) cannot both write.
	PrevAsOf date.Date
	Index    LoanIndex
}

// DateRange is an inclusive range of days; a zero From or To leaves that
// end open.
type DateRange struct {
	From, To date.Date
}

// Contains reports whether d lies in r.
func (r DateRange) Contains(d date.Date) bool {
	return (r.From.IsZero() || !d.Before(r.From)) && (r.To.IsZero() || !d.After(r.To))
}

// IntRange is an inclusive range of integers. A Max below Min leaves the
// top open: IntRange{Min: 90} is 90 or more.
type IntRange struct {
	Min, Max int
}

// AtLeast returns the range of n or more.
func AtLeast(n int) IntRange { return IntRange{Min: n, Max: n - 1} }

// Contains reports whether n lies in r.
func (r IntRange) Contains(n int) bool { return n >= r.Min && (r.Max < r.Min || n <= r.Max) }

// IDRange is a half-open range of ids, [From, To) in byte order; a zero
// To leaves the top open. The daily close splits the portfolio into
// partitions of ids (Partition).
type IDRange struct {
	From, To uuid.UUID
}

// Contains reports whether id lies in r.
func (r IDRange) Contains(id uuid.UUID) bool {
	return bytes.Compare(id[:], r.From[:]) >= 0 && (r.To == uuid.Nil || bytes.Compare(id[:], r.To[:]) < 0)
}

// Partition returns the i-th of n equal ranges of ids (0 ≤ i < n ≤ 65536),
// split on the ids' first two bytes: random (version 4) and name-based ids
// spread evenly across them.
func Partition(i, n int) IDRange {
	bound := func(k int) uuid.UUID {
		var id uuid.UUID
		v := uint32(uint64(k) << 16 / uint64(n))
		id[0], id[1] = byte(v>>8), byte(v)
		return id
	}
	r := IDRange{From: bound(i)}
	if i+1 < n {
		r.To = bound(i + 1)
	}
	return r
}

// DefaultBatchSize is the number of records a scan reads per round trip
// when the filter leaves BatchSize zero.
const DefaultBatchSize = 1000

// MaxBatchSize bounds a scan's batch size: larger values are clamped, so a
// batch's query stays within every database's parameter limit.
const MaxBatchSize = 10000

// LoanFilter selects loans for Loans.Scan. Empty fields select everything;
// set fields combine with AND.
type LoanFilter struct {
	IDs             *IDRange   // ids in range (a partition of the daily close)
	Borrower        uuid.UUID  // this borrower's loans
	Statuses        []string   // any of these statuses
	NextDue         *DateRange // next due date in range (loans with nothing due are excluded)
	DaysPastDue     *IntRange  // days past due in range
	Classifications []string   // any of these classifications
	Buckets         []string   // any of these buckets
	Collections     []string   // any of these collection stages
	InspectionDue   *DateRange // an inspection due since a day in range (loans with none due are excluded)
	Unfinished      bool       // leave out the loans whose index is Final
	// Journal also loads each loan's journal, one query per batch.
	Journal bool
	// NoDocument lets the adapter leave Loan.Document nil: a scan that
	// reads only the index and state (the daily close) need not copy the
	// terms. Adapters may return the document anyway.
	NoDocument bool
	// NoState lets the adapter leave Loan.Index.State nil: the daily
	// close keeps the state documents it wrote and needs only AsOf to know
	// them. Adapters may return the state anyway.
	NoState bool
	// BatchSize is the number of loans read per round trip; zero means
	// DefaultBatchSize.
	BatchSize int
}

// Batch returns the effective batch size.
func (f LoanFilter) Batch() int { return batchSize(f.BatchSize) }

func batchSize(n int) int {
	switch {
	case n <= 0:
		return DefaultBatchSize
	case n > MaxBatchSize:
		return MaxBatchSize
	}
	return n
}

// Matches reports whether l passes the filter (the journal flag and batch
// size aside). Adapters that filter in Go use it; SQL adapters express the
// same conditions in the query.
func (f LoanFilter) Matches(l *Loan) bool {
	if f.IDs != nil && !f.IDs.Contains(l.ID) || f.Borrower != uuid.Nil && l.Borrower != f.Borrower {
		return false
	}
	if len(f.Statuses) > 0 && !contains(f.Statuses, l.Status) {
		return false
	}
	if f.NextDue != nil && (l.Index.NextDue.IsZero() || !f.NextDue.Contains(l.Index.NextDue)) {
		return false
	}
	if f.DaysPastDue != nil && !f.DaysPastDue.Contains(l.Index.DaysPastDue) {
		return false
	}
	if len(f.Classifications) > 0 && !contains(f.Classifications, l.Index.Classification) ||
		len(f.Buckets) > 0 && !contains(f.Buckets, l.Index.Bucket) ||
		len(f.Collections) > 0 && !contains(f.Collections, l.Index.Collection) {
		return false
	}
	if f.Unfinished && l.Index.Final {
		return false
	}
	return f.InspectionDue == nil || !l.Index.InspectionDue.IsZero() && f.InspectionDue.Contains(l.Index.InspectionDue)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Loans is the loan repository.
type Loans interface {
	// Create stores new loans, each with version 1 and its journal (if
	// any) at seq 1, 2, ...; all or nothing. Errors: ErrInvalid (a
	// *fault.Fields naming each bad field with the loan's position in the
	// call, "loans[1].status": ValidateLoans), ErrDuplicate when a loan
	// with one of the ids exists or an id is given twice.
	Create(ctx context.Context, loans ...Loan) error

	// Get returns the loan with its whole journal. Errors: ErrNotFound.
	Get(ctx context.Context, id uuid.UUID) (Loan, error)

	// Append appends entries and applies the header changes in a.
	//
	// When every entry's idempotency key is already stored for the loan
	// with the same content (Entry.SameRequest), nothing is written and
	// the first write's result is returned with Replayed set, whatever
	// ExpectedVersion says. Errors: ErrInvalid; ErrNotFound; ErrDuplicate
	// when a key is stored with different content, or only some keys are
	// stored; ErrConflict when ExpectedVersion is not the stored version.
	Append(ctx context.Context, a Append) (AppendResult, error)

	// UpdateIndex sets the index columns of several loans, all or nothing,
	// without changing their versions. Errors: ErrInvalid (fields named
	// "updates[2].index.as_of", and a loan named twice in one call:
	// ValidateIndexUpdates); ErrNotFound when a loan does not exist;
	// otherwise ErrConflict when a loan's stored AsOf is no longer the
	// update's PrevAsOf.
	UpdateIndex(ctx context.Context, updates ...IndexUpdate) error

	// Scan yields the loans that match f in ascending id order, reading
	// f.Batch() loans per round trip. Each batch is read afresh: a loan
	// written during the scan may or may not be seen, but none is seen
	// twice. Stop early by breaking out of the loop. A read error is
	// yielded once, and ends the scan.
	Scan(ctx context.Context, f LoanFilter) iter.Seq2[Loan, error]
}
