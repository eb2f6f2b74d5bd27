// Package storage declares lendcore's repositories (the ports) and the
// errors every adapter returns; the adapters implement them and all pass
// the conformance suite in storage/storagetest.
//
// A loan is stored as a header (id, version, status, currency, the terms
// and servicing policy as one JSON document, and derived index columns the
// daily close filters on: next due date, days past due, classification,
// as-of day) plus an append-only journal of entries, each with a sequence
// number, an idempotency key unique per loan, a value date, a kind, an
// exact amount and its JSON payload. Nothing in the journal is ever
// updated or deleted.
//
// Concurrency is optimistic: Loans.Append names the version it read and
// fails with ErrConflict when another writer got there first; the caller
// reloads, re-folds and retries. Idempotency keys make retries safe: an
// append whose keys are already stored with the same content returns the
// first write's result instead of writing twice, and one with different
// content fails with ErrDuplicate. The outbox dedupes on its keys the same
// way, so a re-run business day emits nothing twice.
//
// Store.WithTx groups writes into one unit of work (a repayment, its
// postings and its outbox messages commit together or not at all).
// Portfolio scans are iter.Seq2 sequences read in batches, filtered by
// status, next due date, days past due and classification.
//
// Adapters:
//
//   - storage/memory: in-process, the embedded default for tests and
//     prototypes.
//   - storage/sqlstore: database/sql on SQLite (modernc.org/sqlite, pure
//     Go) or PostgreSQL (pgx), and PostgreSQL-compatible distributed
//     databases.
//
// Moving from one to the next is a one-line change of the constructor.
// Collateral, collection and investor records join through the same
// design: a record type with its Validate method here, a repository
// interface added to Tx, an implementation in every adapter, and cases in
// the conformance suite.
package storage
