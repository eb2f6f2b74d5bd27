package storage

import (
	"github.com/lendcore/lendcore/fault"
)

// Sentinel errors of package storage. Every adapter returns errors that wrap
// one of them; test with errors.Is, or read fault.CodeOf.
var (
	// ErrNotFound: no record has the given key.
	ErrNotFound = fault.New(fault.CodeNotFound, "storage: not found")
	// ErrConflict: optimistic concurrency lost. The expected version is no
	// longer the stored one (another writer got there first), or the
	// database aborted the transaction because of a concurrent writer.
	// Read again and retry.
	ErrConflict = fault.New(fault.CodeConflict, "storage: version conflict")
	// ErrDuplicate: a key (idempotency key, id, outbox key) is already
	// stored with different content.
	ErrDuplicate = fault.New(fault.CodeDuplicate, "storage: duplicate key with different content")
	// ErrInvalid: the input is malformed; the error is a *fault.Fields
	// listing every bad field. Nothing was written.
	ErrInvalid = fault.New(fault.CodeInvalid, "storage: invalid input")
	// ErrCorrupt: a stored value cannot be decoded (an amount that is not a
	// number of the record's currency, a malformed date). It points at a
	// row written by something other than lendcore.
	ErrCorrupt = fault.New(fault.CodeCorrupt, "storage: corrupt stored value")
	// ErrTxDone: a Tx was used after its WithTx returned.
	ErrTxDone = fault.New(fault.CodeInternal, "storage: transaction already finished")
	// ErrNotMigrated: the database has no lendcore schema, or an older one
	// than this adapter needs: call Migrate.
	ErrNotMigrated = fault.New(fault.CodeInternal, "storage: schema missing or out of date: run Migrate")
)

// invalid returns an empty field list of kind ErrInvalid.
func invalid() *fault.Fields { return &fault.Fields{Kind: ErrInvalid} }

// done returns the error of a validation: nil when v lists no bad field,
// else a copy of v. Copying keeps v itself from escaping, so a validation
// that passes — every index update of the daily close — allocates nothing
// (BenchmarkStore/UpdateIndex1k: 7 allocations a loan before, 0 after).
func done(v *fault.Fields) error {
	if v.Len() == 0 {
		return nil
	}
	c := *v
	return &c
}
