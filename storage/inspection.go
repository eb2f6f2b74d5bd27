package storage

import (
	"context"
	"encoding/json"
	"iter"

	"github.com/google/uuid"
	"github.com/rickb777/date"
)

// Inspection is a stored post-loan inspection (贷后检查) of a loan: the
// record (inspector, kind, findings, conclusion, sign-off) as a JSON
// document, and the columns the history and the read APIs filter on.
// Every inspection is kept: a new one never replaces an earlier one.
type Inspection struct {
	ID     uuid.UUID
	LoanID uuid.UUID
	// Version is 1 after the first Save and +1 per Save (a sign-off).
	Version int64
	// Date is the day the inspection was carried out.
	Date date.Date
	// Status is the inspection's status ("recorded", "signed-off").
	Status string
	// Document is the inspection as JSON.
	Document json.RawMessage
}

// InspectionFilter selects inspections for Inspections.Scan; set fields
// combine with AND.
type InspectionFilter struct {
	LoanID    uuid.UUID
	Dates     *DateRange
	Statuses  []string
	BatchSize int
}

// Batch returns the effective batch size.
func (f InspectionFilter) Batch() int { return batchSize(f.BatchSize) }

// Matches reports whether i passes the filter.
func (f InspectionFilter) Matches(i *Inspection) bool {
	return (f.LoanID == uuid.Nil || f.LoanID == i.LoanID) && (f.Dates == nil || f.Dates.Contains(i.Date)) &&
		(len(f.Statuses) == 0 || contains(f.Statuses, i.Status))
}

// Inspections is the repository of post-loan inspections.
type Inspections interface {
	// Get returns an inspection. Errors: ErrNotFound.
	Get(ctx context.Context, id uuid.UUID) (Inspection, error)

	// Last returns a loan's latest inspection by Date (the greatest id
	// among those of one day). Errors: ErrNotFound when the loan has none.
	Last(ctx context.Context, loanID uuid.UUID) (Inspection, error)

	// Save stores i and returns it with its new version. i.Version is the
	// version read: 0 for a new inspection. Saving a new inspection whose
	// id is stored with the same loan, date, status and document is a
	// replay that returns the stored one. Errors: ErrInvalid;
	// ErrDuplicate when a new inspection's id is stored with other
	// content; ErrNotFound when i.Version is not 0 and the id is unknown;
	// ErrInvalid naming loan_id or date when the loan or date of a stored
	// inspection would change (checked before the version); ErrConflict
	// when i.Version is stale.
	Save(ctx context.Context, i Inspection) (Inspection, error)

	// Scan yields the inspections that match f ordered by loan id, date
	// and id, with the guarantees of Loans.Scan.
	Scan(ctx context.Context, f InspectionFilter) iter.Seq2[Inspection, error]
}
