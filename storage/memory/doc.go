// Package memory is the in-memory storage adapter, lendcore's embedded
// default for tests, prototypes and single-process hosts that keep state
// elsewhere.
//
// A Store is safe for concurrent use. Records are copied on the way in and
// on the way out, so a caller can never alias stored state. It has the same
// semantics as the SQL adapter (versions, conflicts, idempotency, all-or-
// nothing writes, batched scans in id order) and passes the same
// conformance suite.
//
// WithTx holds the store's write lock for the whole unit of work, so units
// of work run one at a time; a failed one is undone from an undo log. Plain
// repository calls outside WithTx take the lock per call, and a scan takes
// it per batch.
package memory
