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
//     their operations, debtors and their contact log. A loan's two JSON
//     documents, its terms and policies and the Engine's derived state,
//     are rows of their own (lendcore_loan_documents,
//     lendcore_loan_states) so that lendcore_loans stays the narrow,
//     indexed header the daily close rewrites for every loan every day;
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
// the same one statement per batch on PostgreSQL; a state document is
// written only for the loans whose state changed, after the fenced update.
// Every write outside WithTx is its own transaction (a write of one
// statement runs as that statement alone, without BEGIN and COMMIT);
// inside WithTx it runs in a SAVEPOINT, so a failed write changes nothing
// and leaves the unit of work usable. SQLite connections
// use WAL, a busy timeout and BEGIN IMMEDIATE, so writers (of one process
// or several on one file) queue rather than fail. Serialization failures
// and deadlocks (SQLSTATE 40001, 40P01) and SQLite's BUSY map to
// ErrConflict.
//
// # Speed
//
// What a statement costs differs between the two databases, and so does
// the form of a batch write. PostgreSQL is across a network: a statement
// is a round trip, so a batch (the close's index updates, state documents
// and outbox messages) is one statement that takes its rows as one text
// array per column ("... FROM unnest(CAST(CAST($1 AS TEXT[]) AS
// UUID[]), ...)"): one statement text for any number of rows, which pgx
// prepares once per connection, where a VALUES list had a text, a parse
// and a plan per length. A write's savepoint is released by the next
// write in the message that opens its own. SQLite runs in the process:
// there is no round trip, and what costs is parsing, so rows go one per
// statement, and the store keeps each statement text prepared (a cache
// of database/sql statements; IN lists are padded to a power of two so
// they take few texts). On both, a day's close plan is read before it is
// written, and a loan's index update leaves its documents alone.
//
// # Settings
//
// OpenSQLite sets, per connection: journal_mode=WAL (readers do not
// block the writer), synchronous=NORMAL (no fsync per commit: a power
// loss may lose the last commits but never corrupts the file; set
// synchronous(FULL) in your own DSN when every commit must survive one),
// busy_timeout=30000 (writers of several processes queue for up to 30 s
// rather than fail), foreign_keys=1, temp_store=MEMORY (savepoint
// journals stay in memory rather than in temporary files) and BEGIN
// IMMEDIATE for transactions (a transaction takes the write lock when it
// begins, so two never deadlock upgrading a read lock). A host that
// opens the pool itself and calls New should set the same. SQLite admits
// one writer at a time, whatever the pool size.
//
// OpenPostgres keeps up to 16 idle connections. The store relies on
// pgx's default statement cache (QueryExecModeCacheStatement): behind a
// connection pooler in transaction mode (PgBouncer before 1.21) prepared
// statements do not survive, so connect directly or switch pgx to
// QueryExecModeExec in the DSN (default_query_exec_mode=exec) at some
// cost per statement. lendcore_loans has fillfactor 70 (migration 0004), so
// the daily update of a loan whose indexed columns do not change stays
// on its page (a heap-only update that writes no index entry); this
// needs autovacuum, or a regular VACUUM, to reclaim the old versions,
// and a long-running transaction elsewhere in the database holds it up.
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
// and BOOLEAN types and arrays of them; multi-row INSERT; INSERT ... ON
// CONFLICT DO NOTHING and DO UPDATE; INSERT ... SELECT and UPDATE ...
// FROM over a multi-argument unnest of arrays; IS NOT DISTINCT FROM;
// row-value comparisons; RETURNING; SAVEPOINT / ROLLBACK TO SAVEPOINT /
// RELEASE SAVEPOINT, two in one simple-protocol message; CAST(x AS
// TEXT); LIMIT; IN lists and IN subqueries. No advisory locks, sequences
// by name, triggers, JSONB operators or stored procedures are used. BIGSERIAL becomes unique_rowid() on CockroachDB:
// outbox order is then approximately, not strictly, insertion order.
// CockroachDB runs SERIALIZABLE transactions and asks clients to retry on
// SQLSTATE 40001: that surfaces as ErrConflict, which callers already
// retry after a reload. Its DDL inside a transaction has restrictions; the
// migrations are CREATE TABLE, CREATE INDEX, ALTER TABLE ADD COLUMN and
// DROP COLUMN, and two data moves (INSERT ... SELECT), which it documents
// as accepted; it accepts and ignores the fillfactor setting.
package sqlstore
