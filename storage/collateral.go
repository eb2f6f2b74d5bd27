package storage

import (
	"context"
	"encoding/json"
	"iter"

	"github.com/google/uuid"
	"github.com/rickb777/date"
)

// The collateral register is stored in three parts, each a versioned JSON
// document with the columns its queries need:
//
//   - Item: an item of collateral with its valuations, liens, status
//     history and the title documents (他项权证) kept for it;
//   - Cover: one loan's margin calls (the live one and those cured) and the
//     coverage last announced for it;
//   - Guarantor: a guarantor with its assessments and its guarantees of
//     loans.
//
// A command that changes what secures a loan saves the loan's Cover too,
// so two commands on one loan's security (a release and a revaluation of
// another item of the loan, say) conflict rather than both decide on what
// the other changed.

// Item is a stored collateral item.
type Item struct {
	ID uuid.UUID
	// Version is 1 after the first Save and +1 per Save.
	Version int64
	// Status is the item's status ("proposed", "pledged", ...).
	Status string
	// Loans are the loans the item's liens secure: the register's link
	// from loans to items. Each once, in the order saved; nil when none.
	Loans []uuid.UUID
	// RevaluationDue is the day the item's next revaluation falls due;
	// the zero Date when none is scheduled.
	RevaluationDue date.Date
	// DocumentOut is the earliest day one of its title documents still out
	// of the vault was taken out; the zero Date when all are in.
	DocumentOut date.Date
	// Document is the item as JSON.
	Document json.RawMessage
}

// Cover is a loan's part of the collateral register.
type Cover struct {
	LoanID  uuid.UUID
	Version int64
	// Call is the status of the loan's live margin call ("open",
	// "escalated"); empty when there is none.
	Call     string
	Document json.RawMessage
}

// Guarantor is a stored guarantor with its guarantees.
type Guarantor struct {
	ID      uuid.UUID
	Version int64
	// Loans are the loans the guarantor guarantees: each once, in the
	// order saved; nil when none.
	Loans []uuid.UUID
	// PeriodEnd is the earliest end of a guarantee period with no demand
	// made yet; the zero Date when none.
	PeriodEnd date.Date
	Document  json.RawMessage
}

// ItemFilter selects items; set fields combine with AND.
type ItemFilter struct {
	LoanID         uuid.UUID  // items securing this loan
	Statuses       []string   // any of these statuses
	RevaluationDue *DateRange // revaluation due on a day in range
	DocumentOut    *DateRange // a title document out since a day in range
	BatchSize      int
}

// Batch returns the effective batch size.
func (f ItemFilter) Batch() int { return batchSize(f.BatchSize) }

// Matches reports whether it passes the filter.
func (f ItemFilter) Matches(it *Item) bool {
	return (f.LoanID == uuid.Nil || containsID(it.Loans, f.LoanID)) &&
		(len(f.Statuses) == 0 || contains(f.Statuses, it.Status)) &&
		inRange(f.RevaluationDue, it.RevaluationDue) && inRange(f.DocumentOut, it.DocumentOut)
}

// CoverFilter selects covers; set fields combine with AND.
type CoverFilter struct {
	Calls     []string // a live call in any of these statuses
	BatchSize int
}

// Batch returns the effective batch size.
func (f CoverFilter) Batch() int { return batchSize(f.BatchSize) }

// Matches reports whether c passes the filter.
func (f CoverFilter) Matches(c *Cover) bool { return len(f.Calls) == 0 || contains(f.Calls, c.Call) }

// GuarantorFilter selects guarantors; set fields combine with AND.
type GuarantorFilter struct {
	LoanID    uuid.UUID  // guarantors of this loan
	PeriodEnd *DateRange // a guarantee period without a demand ending in range
	BatchSize int
}

// Batch returns the effective batch size.
func (f GuarantorFilter) Batch() int { return batchSize(f.BatchSize) }

// Matches reports whether g passes the filter.
func (f GuarantorFilter) Matches(g *Guarantor) bool {
	return (f.LoanID == uuid.Nil || containsID(g.Loans, f.LoanID)) && inRange(f.PeriodEnd, g.PeriodEnd)
}

// Collateral is the repository of the collateral register. Each Save takes
// the record with the version read (0 for a new one) and returns it with
// its new version. Errors of every Save: ErrInvalid; ErrNotFound when the
// version is not 0 and the record does not exist; ErrConflict when the
// version is not the stored one (or 0 and the record exists). Errors of
// every single read: ErrNotFound. Scans yield in ascending id order with
// the guarantees of Loans.Scan.
type Collateral interface {
	Item(ctx context.Context, id uuid.UUID) (Item, error)
	SaveItem(ctx context.Context, it Item) (Item, error)
	Items(ctx context.Context, f ItemFilter) iter.Seq2[Item, error]

	Cover(ctx context.Context, loanID uuid.UUID) (Cover, error)
	SaveCover(ctx context.Context, c Cover) (Cover, error)
	Covers(ctx context.Context, f CoverFilter) iter.Seq2[Cover, error]

	Guarantor(ctx context.Context, id uuid.UUID) (Guarantor, error)
	SaveGuarantor(ctx context.Context, g Guarantor) (Guarantor, error)
	Guarantors(ctx context.Context, f GuarantorFilter) iter.Seq2[Guarantor, error]
}

func containsID(list []uuid.UUID, id uuid.UUID) bool {
	for _, x := range list {
		if x == id {
			return true
		}
	}
	return false
}
