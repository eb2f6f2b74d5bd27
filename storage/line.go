package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"slices"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/line"
)

// Line is a stored credit line: the columns its queries need and the line
// as a JSON document. Every drawdown saves the line, so two drawdowns on
// one line conflict rather than both spend what is available.
type Line struct {
	ID uuid.UUID
	// Borrower is the borrower's id, set by the first Save and never
	// changed: the key of a borrower's lines.
	Borrower uuid.UUID
	// Version is 1 after the first Save and +1 per Save.
	Version int64
	// Status is the line status's text form ("active", "frozen", ...).
	Status string
	// Until is the last day of the line's validity.
	Until date.Date
	// Loans are the loans drawn under the line, each once, oldest first;
	// nil when none.
	Loans []uuid.UUID
	// Document is the line as JSON, stored as text.
	Document json.RawMessage
}

// LineFilter selects lines for Lines.Scan. Empty fields select
// everything; set fields combine with AND.
type LineFilter struct {
	Borrower uuid.UUID  // this borrower's lines
	LoanID   uuid.UUID  // the line this loan was drawn under
	Statuses []string   // any of these statuses
	Until    *DateRange // validity ending on a day in range
	// BatchSize is the number of lines read per round trip; zero means
	// DefaultBatchSize.
	BatchSize int
}

// Batch returns the effective batch size.
func (f LineFilter) Batch() int { return batchSize(f.BatchSize) }

// Matches reports whether l passes the filter.
func (f LineFilter) Matches(l *Line) bool {
	return (f.Borrower == uuid.Nil || l.Borrower == f.Borrower) &&
		(f.LoanID == uuid.Nil || slices.Contains(l.Loans, f.LoanID)) &&
		(len(f.Statuses) == 0 || contains(f.Statuses, l.Status)) && inRange(f.Until, l.Until)
}

// Lines is the credit-line repository.
type Lines interface {
	// Get returns a line. Errors: ErrNotFound.
	Get(ctx context.Context, id uuid.UUID) (Line, error)

	// Save stores the line at the version read (0 for a new one) and
	// returns it with its new version. Errors: ErrInvalid (Line.Validate);
	// ErrNotFound when the version is not 0 and the line does not exist;
	// ErrConflict when the version is not the stored one (or 0 and the
	// line exists), or the borrower is not the stored one.
	Save(ctx context.Context, l Line) (Line, error)

	// Scan yields the lines that match f in ascending id order, in
	// batches, with the same guarantees as Loans.Scan.
	Scan(ctx context.Context, f LineFilter) iter.Seq2[Line, error]
}

// Validate reports every bad field of a line given to Save.
func (l *Line) Validate() error {
	v := invalid()
	checkID(v, "id", l.ID)
	checkID(v, "borrower", l.Borrower)
	checkVersion(v, "version", l.Version, 0)
	checkText(v, "status", l.Status, true)
	checkDate(v, "until", l.Until, true)
	checkLinks(v, "loans", l.Loans)
	checkJSON(v, "document", l.Document, true)
	return done(v)
}

// Clone returns a deep copy of l.
func (l Line) Clone() Line {
	l.Loans = slices.Clone(l.Loans)
	l.Document = cloneJSON(l.Document)
	return l
}

// FromLine returns the record of a domain line, at version 0: the caller
// sets the version it read before Save.
func FromLine(l *line.Line) (Line, error) {
	doc, err := json.Marshal(l)
	if err != nil {
		return Line{}, fmt.Errorf("%w: line %s: %v", ErrInvalid, l.ID(), err)
	}
	return Line{ID: l.ID(), Borrower: l.Borrower(), Status: l.Status().String(), Until: l.Terms().Until,
		Loans: l.Loans(), Document: doc}, nil
}

// Decode rebuilds the domain line, re-validating it as line.Line's
// UnmarshalJSON does. Errors: ErrCorrupt.
func (l *Line) Decode() (*line.Line, error) {
	var out line.Line
	if err := out.UnmarshalJSON(l.Document); err != nil {
		return nil, fmt.Errorf("%w: line %s: %v", ErrCorrupt, l.ID, err)
	}
	if out.ID() != l.ID {
		return nil, fmt.Errorf("%w: line %s: its document is line %s", ErrCorrupt, l.ID, out.ID())
	}
	return &out, nil
}
