package storage

import (
	"context"
	"encoding/json"
	"iter"

	"github.com/google/uuid"
	"github.com/rickb777/date"
)

// Product is one stored version of a loan product: its name, its version
// and the whole product (terms, policies, segments) as one JSON document.
// A version is written once and never changed: a change to a product is
// its next version, so a loan's product version always means what it
// meant when the loan was approved.
type Product struct {
	// Name is the product's name.
	Name string
	// Version is 1 for the first version of a name, one more for each
	// later one, without gaps.
	Version int64
	// Document is the product as a JSON object, stored as text.
	Document json.RawMessage
}

// Clone returns a deep copy of p.
func (p Product) Clone() Product {
	p.Document = cloneJSON(p.Document)
	return p
}

// Validate checks a product version before it is stored: a name, a
// version of at least 1, and a JSON document.
func (p *Product) Validate() error {
	v := invalid()
	checkText(v, "name", p.Name, true)
	checkVersion(v, "version", p.Version, 1)
	checkJSON(v, "document", p.Document, true)
	return done(v)
}

// Products is the repository of product versions.
type Products interface {
	// Put stores a new version of a product. p.Version must be one more
	// than the latest stored version of p.Name (1 for a new name): the
	// version the writer read, plus one. Errors: ErrInvalid (see
	// Product.Validate); ErrConflict when that version is stored already
	// (another writer published it first) or p.Version skips one.
	Put(ctx context.Context, p Product) error

	// Get returns one version of a product. Errors: ErrNotFound.
	Get(ctx context.Context, name string, version int64) (Product, error)

	// Latest returns the latest version of a product. Errors:
	// ErrNotFound when no version of name is stored.
	Latest(ctx context.Context, name string) (Product, error)

	// List yields every stored version of every product, by name and
	// then version.
	List(ctx context.Context) iter.Seq2[Product, error]

	// Move records a loan's move to another product version: the loan's
	// m.Seq-th move, which must be one more than the number of its moves
	// stored (the number the writer read, plus one). Errors: ErrInvalid
	// (see ProductMove.Validate); ErrConflict when that move is stored
	// already or m.Seq skips one.
	Move(ctx context.Context, m ProductMove) error

	// Moves yields the moves that match f, by loan and then Seq. A
	// lender moves few loans: the daily close reads every move in force
	// once a day.
	Moves(ctx context.Context, f MoveFilter) iter.Seq2[ProductMove, error]
}

// ProductMove is one move of a loan to another product version (or
// segment), taking effect on Day; moves are written once, never changed.
type ProductMove struct {
	LoanID uuid.UUID
	// Seq is 1 for the loan's first move and one more for each later one.
	Seq int64
	// Day is the first business day the loan is under the new product.
	Day date.Date
	// Document is the move (to what, by whom, why) as a JSON object.
	Document json.RawMessage
}

// Clone returns a deep copy of m.
func (m ProductMove) Clone() ProductMove {
	m.Document = cloneJSON(m.Document)
	return m
}

// Validate checks a move before it is stored: a loan, a Seq of at least
// 1, a day and a JSON document.
func (m *ProductMove) Validate() error {
	v := invalid()
	checkID(v, "loan_id", m.LoanID)
	checkVersion(v, "seq", m.Seq, 1)
	checkDate(v, "day", m.Day, true)
	checkJSON(v, "document", m.Document, true)
	return done(v)
}

// MoveFilter selects moves for Products.Moves; set fields combine with
// AND.
type MoveFilter struct {
	// LoanID selects one loan's moves; uuid.Nil selects every loan's.
	LoanID uuid.UUID
	// Days selects the moves whose Day lies in the range.
	Days *DateRange
}

// Matches reports whether m passes the filter.
func (f MoveFilter) Matches(m *ProductMove) bool {
	return (f.LoanID == uuid.Nil || f.LoanID == m.LoanID) && (f.Days == nil || f.Days.Contains(m.Day))
}
