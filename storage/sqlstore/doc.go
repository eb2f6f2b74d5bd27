// Package sqlstore is the database/sql storage adapter: SQLite through the
// pure-Go modernc.org/sqlite driver ("sqlite") for a single embedded
// process, and PostgreSQL through pgx ("pgx") for production, where several
// replicas of a host service share one database. Both pass the conformance
// suite in storage/storagetest, two stores on one database included.
//
//	s, err := sqlstore.OpenSQLite("/var/lib/app/lendcore.db")   // or
//	s, err := sqlstore.OpenPostgres("postgres://app@db:5432/lendcore")
//	err = s.Migrate(ctx) // explicit; a second run is a no-op
//
// A store used before Migrate, or on a database an older release migrated,
// answers every query that needs the missing tables or columns with an
// error wrapping storage.ErrNotMigrated.
//
// # Schema
//
// The schema is a set of versioned migrations embedded in the binary
// (migrations/NNNN_name.sql), applied by Migrate and recorded in
// lendcore_schema; each runs in one transaction that first claims its
// version, so two processes migrating at once apply it once. Tables are
// prefixed lendcore_ so they can live in a host's database. Every
// aggregate of the port has its tables, in one of three shapes:
//
//   - a versioned record, rewritten with a compare-and-set on its version
//     ("UPDATE ... WHERE key = $1 AND version = $2", an INSERT ... ON
//     CONFLICT DO NOTHING for version 0): applications, collection
//     records, inspections, collateral items, covers, guarantors, close
//     partitions;
//   - a versioned header with an append-only child list keyed by (parent,
//     seq) and an idempotency key unique per parent: loans and their
//     journal (lendcore_loans, lendcore_loan_entries), investor books and
//     their operations, debtors and their contact log;
//   - rows only inserted, with a key unique in the table: the outbox, and
//     the reserve's movements (a payout also compares-and-sets the one
//     row of lendcore_reserve, so two payouts cannot spend one balance).
//
// The loans a record concerns (an item's, a guarantor's, a book's holders)
// are link tables with each link's position, indexed by loan. Each filter
// of a scan has an index whose last column is the scan's order.
//
// # Exactness
//
// Loan amounts are NUMERIC in PostgreSQL and TEXT in SQLite. They are
// written as decimal text and read back with CAST(amount AS TEXT) into a
// string, then parsed by money.Parse: no float64 is ever on the path
// (shopspring's decimal Scan would convert a float64 through a float).
// Reserve amounts are BIGINT minor units, so their SUM is exact on SQLite
// too. Dates are DATE in PostgreSQL and ISO-8601 TEXT in SQLite, written
// as text and parsed by a strict parser (the date library's own parser can
// panic on bad input). Points in time are TEXT in one fixed-width UTC form
// to the microsecond (storage.StoredTime) on both, so text order is time
// order. JSON documents are TEXT, so they come back byte for byte.
//
// # Concurrency
//
// Every write states the version it read: the compare-and-set UPDATE is
// where racing writers are decided (the loser updates no row and gets
// ErrConflict), and primary keys are a second line of defence. An append
// whose idempotency keys are all stored with the same content is a replay
// (nothing written, the first result returned); some keys stored, or other
// content, is ErrDuplicate. The daily close's index update is fenced on
// the AsOf the close read (as_of IS NOT DISTINCT FROM the PrevAsOf), in
// the same one statement per batch. Every write outside WithTx is its own
// transaction; inside WithTx it runs in a SAVEPOINT, so a failed write
// changes nothing and leaves the unit of work usable. SQLite connections
// use WAL, a busy timeout and BEGIN IMMEDIATE, so writers (of one process
// or several on one file) queue rather than fail. Serialization failures
// and deadlocks (SQLSTATE 40001, 40P01) and SQLite's BUSY map to
// ErrConflict.
//
// # Portfolio scans
//
// Scans are keyset-paginated on their order ("WHERE (k1, k2) > (last1,
// last2) ORDER BY k1, k2 LIMIT n"), one query per batch (two when journals
// or links are loaded: one IN query for the batch's), so the daily close
// makes no per-loan round trip and sees every loan exactly once. Rows are
// read and closed before they are yielded.
//
// # CockroachDB and other PostgreSQL-compatible databases
//
// The SQL avoids PostgreSQL-only features where a portable form exists,
// and was checked against CockroachDB's documented SQL (not run against a
// CockroachDB server here): UUID, DATE, NUMERIC (DECIMAL), TEXT, BIGINT
// and BOOLEAN types; multi-row INSERT; INSERT ... ON CONFLICT DO NOTHING;
// UPDATE ... FROM (VALUES ...); IS NOT DISTINCT FROM; row-value
// comparisons; RETURNING; SAVEPOINT / ROLLBACK TO SAVEPOINT / RELEASE
// SAVEPOINT; CAST(x AS TEXT); LIMIT; IN lists and IN subqueries. No
// advisory locks, sequences by name, triggers, JSONB operators or stored
// procedures are used. BIGSERIAL becomes unique_rowid() on CockroachDB:
// outbox order is then approximately, not strictly, insertion order.
// CockroachDB runs SERIALIZABLE transactions and asks clients to retry on
// SQLSTATE 40001: that surfaces as ErrConflict, which callers already
// retry after a reload. Its DDL inside a transaction has restrictions; the
// migrations are CREATE TABLE, CREATE INDEX, ALTER TABLE ADD COLUMN and
// one data move, which it documents as accepted.
package sqlstore
