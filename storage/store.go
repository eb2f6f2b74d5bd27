package storage

import "context"

// Tx is the set of repositories, one per aggregate; inside WithTx every
// write through it belongs to one unit of work.
type Tx interface {
	Loans() Loans
	Applications() Applications
	Books() Books
	Collections() Collections
	Debtors() Debtors
	Reserve() Reserve
	Inspections() Inspections
	Collateral() Collateral
	Closes() Closes
	Outbox() Outbox
	Accounts() Accounts
	Listings() Listings
	Lines() Lines
	Facts() Facts
	MonthEnds() MonthEnds
	Products() Products
}

// Store is a storage adapter. Used directly, each repository call is its
// own unit of work.
type Store interface {
	Tx

	// WithTx runs fn in one unit of work: everything fn writes through tx
	// commits together when fn returns nil, and nothing does when fn
	// returns an error, panics (the panic is re-raised after the
	// rollback) or ctx is cancelled before the commit. fn must use only
	// tx, not the Store, and must not keep tx after it returns. Errors:
	// fn's error; ctx's error; ErrConflict when the database aborts the
	// commit because of a concurrent writer.
	WithTx(ctx context.Context, fn func(tx Tx) error) error

	// Close releases the store's resources.
	Close() error
}
