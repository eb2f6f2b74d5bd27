// Package storage declares lendcore's repositories (the ports), one per
// aggregate, and the errors every adapter returns; the adapters implement
// them and all pass the conformance suite in storage/storagetest.
//
// The repositories, all reached through a Tx:
//
//   - Loans: a header (id, borrower, version, status, currency, the terms
//     and servicing policy as one JSON document, and derived index columns
//     the daily close and the back office filter on) plus an append-only
//     journal of entries, each with a sequence number, an idempotency key
//     unique per loan, a value date, a kind, an exact amount and its JSON
//     payload. Nothing in the journal is ever updated or deleted.
//   - Applications: a loan application's lifecycle status and document.
//   - Books: a P2P loan's investor book — the funding and an append-only
//     list of operations (distributions, claim transfers, payouts).
//   - Collections: a loan's collection record (promises to pay, demands,
//     legal proceedings), indexed by the next promise deadline and the
//     broken promises still to reach the collection ladder.
//   - Debtors: a borrower's contact state and append-only contact log,
//     shared by all their loans.
//   - Reserve: the risk reserve's movements, append-only; its balance is
//     their sum.
//   - Inspections: post-loan inspections, every one kept, by loan and day.
//   - Collateral: the collateral register in three parts — items (with
//     their title documents), each loan's cover (margin calls), guarantors
//     (with their guarantees) — linked to the loans they secure.
//   - Closes: the daily close's progress: the last day closed and each
//     day's partitions, which replicas claim with leases.
//   - Outbox: effects for the host to deliver, deduplicated by key,
//     queryable by loan, topic, day and delivery state, purged by
//     retention.
//   - Accounts: a P2P platform's cash accounts, each its entries; a post
//     that takes money from an account states its version, a credit does
//     not, and no post may leave an account overdrawn.
//   - Listings: loan listings, a header with the sum of the bids and the
//     bids as rows appended under the header's version.
//   - Lines: credit lines, each a versioned document linked to the loans
//     drawn under it (so a loan's line is an indexed query); every
//     drawdown writes its line, which serialises a line's drawdowns.
//   - MonthEnds: the portfolio figures the daily close records on each
//     month end, one document per day, written once: a second write of a
//     day is a replay (the same document) or a conflict, and the first
//     record stands.
//   - Products: loan products, each name a series of versions written once
//     (the next version or ErrConflict): a change is a new version.
//
// Concurrency is optimistic everywhere: each write names the version it
// read and fails with ErrConflict when another writer got there first; the
// caller reads again, decides again and retries. Two processes (two
// replicas of a host service) on one database are as safe as one, and no
// row is rewritten by every command: the reserve and the logs append rows,
// and what the close must find (promises due, revaluations due,
// inspections due, guarantees lapsing) is an indexed query. Idempotency
// keys make retries safe: an append whose keys are already stored with the
// same content returns the first write's result instead of writing twice,
// and one with different content fails with ErrDuplicate. The outbox
// dedupes on its keys the same way, so a re-run business day emits nothing
// twice.
//
// Store.WithTx groups writes into one unit of work (a repayment, its
// postings and its outbox messages commit together or not at all).
// Portfolio scans are iter.Seq2 sequences read in batches in ascending key
// order.
//
// Bad input is a *fault.Fields wrapping ErrInvalid that names every bad
// field. Each repository method lists the errors it returns.
//
// Adapters:
//
//   - storage/memory: in-process, the embedded default for tests and
//     prototypes.
//   - storage/sqlstore: database/sql on SQLite (modernc.org/sqlite, pure
//     Go) or PostgreSQL (pgx), and PostgreSQL-compatible distributed
//     databases; explicit, versioned migrations.
//
// Moving from one to the next is a one-line change of the constructor.
package storage
