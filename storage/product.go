package storage

import (
	"context"
	"encoding/json"
	"iter"
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
}
