// Package memory is the in-memory storage adapter, lendcore's embedded
// default for tests, prototypes and single-process hosts that keep state
// elsewhere.
//
// A Store implements every repository of package storage with the same
// semantics as the SQL adapter (versions, conflicts, idempotent replays,
// all-or-nothing writes, batched scans in the documented order) and passes
// the same conformance suite. It is safe for concurrent use. Records are
// copied on the way in and on the way out, so a caller can never alias
// stored state.
//
// WithTx holds the store's write lock from the unit of work's first call
// until it returns, so units of work run one at a time; a failed one is
// undone from an undo log, and so is a failed write inside one, which
// leaves the unit usable. Plain repository calls outside WithTx take the
// lock per call, and a scan takes it per batch: a record written between
// two batches is seen at most once.
//
// Memory: a loan costs a 208-byte record, each journal entry 104 bytes,
// plus their documents. Nothing is ever deleted but delivered outbox
// messages: Outbox.Purge releases them (the host calls it with its
// retention, as it would on a database), so a process that purges holds a
// bounded outbox however long it runs.
package memory
