package storage

import (
	"context"
	"encoding/json"
	"iter"

	"github.com/google/uuid"
	"github.com/rickb777/date"
)

// Application is a stored loan application: its lifecycle status and the
// application itself as a JSON document.
type Application struct {
	ID uuid.UUID
	// Version is 1 after Create and +1 per Update.
	Version int64
	// Status is the application status's text form ("submitted", ...).
	Status string
	// SubmittedOn is the day the application was submitted.
	SubmittedOn date.Date
	// LoanID is the loan the application became, uuid.Nil until then.
	LoanID uuid.UUID
	// Document is the application as JSON, stored as text.
	Document json.RawMessage
}

// ApplicationFilter selects applications for Applications.Scan. Empty
// fields select everything; set fields combine with AND.
type ApplicationFilter struct {
	Statuses  []string   // any of these statuses
	Submitted *DateRange // submitted in range
	BatchSize int        // applications per round trip; zero means DefaultBatchSize
}

// Batch returns the effective batch size.
func (f ApplicationFilter) Batch() int { return batchSize(f.BatchSize) }

// Matches reports whether a passes the filter.
func (f ApplicationFilter) Matches(a *Application) bool {
	if len(f.Statuses) > 0 && !contains(f.Statuses, a.Status) {
		return false
	}
	return f.Submitted == nil || f.Submitted.Contains(a.SubmittedOn)
}

// Applications is the application repository.
type Applications interface {
	// Create stores a new application with version 1. Errors: ErrInvalid,
	// ErrDuplicate when an application with the id exists.
	Create(ctx context.Context, a Application) error

	// Get returns an application. Errors: ErrNotFound.
	Get(ctx context.Context, id uuid.UUID) (Application, error)

	// Update replaces an application's status, loan id and document.
	// a.Version must be the stored version; the stored application, with
	// its new version, is returned. Errors: ErrInvalid, ErrNotFound,
	// ErrConflict when a.Version is stale.
	Update(ctx context.Context, a Application) (Application, error)

	// Scan yields the applications that match f in ascending id order,
	// in batches, with the same guarantees as Loans.Scan.
	Scan(ctx context.Context, f ApplicationFilter) iter.Seq2[Application, error]
}
