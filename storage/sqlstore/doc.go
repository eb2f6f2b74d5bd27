// Package sqlstore is the database/sql storage adapter: SQLite through the
// pure-Go modernc.org/sqlite driver ("sqlite") for a single embedded
// process, and PostgreSQL through pgx ("pgx") for production. Both pass
// the conformance suite in storage/storagetest.
//
//	s, err := sqlstore.OpenSQLite("/var/lib/app/lendcore.db")   // or
//	s, err := sqlstore.OpenPostgres("postgres://app@db:5432/lendcore")
//	err = s.Migrate(ctx) // explicit; a second run is a no-op
//
// # Schema
//
// The schema is a set of versioned migrations embedded in the binary
// (migrations/NNNN_name.sql), applied by Migrate and recorded in
// lendcore_schema. Tables are prefixed lendcore_ so they can live in a
// host's database. A loan is a row of lendcore_loans (id, version,
// last_seq, status, currency, the terms and policy document, and the index
// columns next_due, days_past_due, classification, as_of) plus
// append-only rows of lendcore_loan_entries keyed by (loan_id, seq), with
// (loan_id, idempotency_key) unique.
//
// # Exactness
//
// Amounts are NUMERIC in PostgreSQL and TEXT in SQLite. They are written as
// decimal text and read back with CAST(amount AS TEXT) into a string, then
// parsed by money.Parse: no float64 is ever on the path (shopspring's
// decimal Scan would convert a float64 through a float). Dates are DATE in
// PostgreSQL and ISO-8601 TEXT in SQLite, written as text and parsed by a
// strict parser (the date library's own parser can panic on bad input).
// JSON documents are TEXT, so they come back byte for byte.
//
// # Concurrency
//
// Loans.Append reads the header, checks idempotency keys, then runs
// "UPDATE ... SET version = version + 1 WHERE id = ? AND version = ?": of
// two writers racing on one loan only one updates a row; the other gets
// ErrConflict. The (loan_id, seq) primary key is a second line of defence.
// Every write outside WithTx is its own transaction; inside WithTx it runs
// in a SAVEPOINT, so a failed write changes nothing and leaves the unit of
// work usable. SQLite connections use WAL, a busy timeout and BEGIN
// IMMEDIATE, so writers queue rather than fail. Serialization failures and
// deadlocks (SQLSTATE 40001, 40P01) and SQLite's BUSY map to ErrConflict.
//
// # Portfolio scans
//
// Scans are keyset-paginated on id ("WHERE id > last ORDER BY id LIMIT
// n"), one query per batch (two when journals are loaded: one IN query for
// the batch's entries), so the daily close makes no per-loan round trip
// and sees every loan exactly once. Rows are read and closed before they
// are yielded.
//
// # CockroachDB and other PostgreSQL-compatible databases
//
// The SQL avoids PostgreSQL-only features where a portable form exists,
// and was checked against CockroachDB's documented SQL (not run against a
// CockroachDB server here): UUID, DATE, NUMERIC (DECIMAL), TEXT, BIGINT
// and BOOLEAN types; multi-row INSERT; INSERT ... ON CONFLICT DO NOTHING /
// DO UPDATE with excluded; RETURNING; SAVEPOINT / ROLLBACK TO SAVEPOINT /
// RELEASE SAVEPOINT; CAST(x AS TEXT); LIMIT; IN lists. No advisory locks,
// sequences by name, triggers, JSONB operators or stored procedures are
// used. BIGSERIAL becomes unique_rowid() on CockroachDB: outbox order is
// then approximately, not strictly, insertion order. CockroachDB runs
// SERIALIZABLE transactions and asks clients to retry on SQLSTATE 40001:
// that surfaces as ErrConflict, which callers already retry after a
// reload. Its DDL inside a transaction has restrictions; each migration
// here is a set of CREATE TABLE / CREATE INDEX statements, which it
// accepts.
package sqlstore
