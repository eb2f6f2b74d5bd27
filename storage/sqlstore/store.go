package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver

	"github.com/lendcore/lendcore/storage"
)

// Store is a storage.Store on a database/sql database. It is safe for
// concurrent use, and several Stores (in one process or in replicas of a
// service) may share one database.
type Store struct {
	repo  // the repositories outside a unit of work: each call is its own transaction
	db    *sql.DB
	d     *Dialect
	stmts stmtCache
}

var _ storage.Store = (*Store)(nil)

// New returns a store on db, a pool the caller opened with the driver that
// matches d ("pgx" for Postgres, "sqlite" for SQLite). Call Migrate before
// first use. Close closes db.
func New(db *sql.DB, d *Dialect) *Store {
	s := &Store{db: db, d: d}
	s.repo = repo{s: s}
	return s
}

// OpenPostgres opens a store on the PostgreSQL (or CockroachDB) database
// named by dsn, a pgx connection string such as
// "postgres://user@127.0.0.1:5432/lendcore". Call Migrate before first use.
func OpenPostgres(dsn string) (*Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	// Keep enough idle connections for concurrent writers: the default
	// of 2 would close and reopen connections under load.
	db.SetMaxIdleConns(16)
	return New(db, Postgres), nil
}

// OpenSQLite opens (creating if needed) a store in the SQLite database
// file at path. The connection uses write-ahead logging with
// synchronous=NORMAL, a busy timeout, foreign keys, temporary storage in
// memory, and BEGIN IMMEDIATE for writes, so concurrent writers queue
// instead of failing (see the package documentation, "Settings"). Call
// Migrate before first use.
func OpenSQLite(path string) (*Store, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("sqlstore: SQLite path %q must not contain ? or #", path)
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(30000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Set("_txlock", "immediate")

	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxIdleConns(16)
	return New(db, SQLite), nil
}

// DB returns the underlying pool.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect returns the store's SQL dialect.
func (s *Store) Dialect() *Dialect { return s.d }

// Close closes the pool.
func (s *Store) Close() error {
	s.stmts.close()
	return s.db.Close()
}

// WithTx runs fn in one database transaction; see storage.Store. A
// cancelled ctx rolls the transaction back (database/sql does so as soon as
// it notices). Errors: fn's error, ctx's error, ErrConflict when the
// database aborts the commit because of a concurrent writer.
func (s *Store) WithTx(ctx context.Context, fn func(tx storage.Tx) error) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap(err)
	}
	t := &txn{tx: tx}
	defer func() {
		t.done = true
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(repo{s, t}); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := ctx.Err(); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return s.wrap(err)
	}
	return nil
}

// txn is an open unit of work.
type txn struct {
	tx   *sql.Tx
	done bool

	mu        sync.Mutex
	stmts     map[string]*sql.Stmt // the cached statements bound to tx, by text
	savepoint bool                 // a savepoint of a write that succeeded is open (see Store.write)
}

// repo is the set of repositories bound to a unit of work t, or to none
// (t nil: each call is its own transaction).
type repo struct {
	s *Store
	t *txn
}

// Loans returns the loan repository.
func (r repo) Loans() storage.Loans { return loans{r} }

// Applications returns the application repository.
func (r repo) Applications() storage.Applications { return apps{r} }

// Books returns the repository of investor books.
func (r repo) Books() storage.Books { return books{r} }

// Collections returns the repository of collection records.
func (r repo) Collections() storage.Collections { return collections{r} }

// Debtors returns the repository of debtors' contact records.
func (r repo) Debtors() storage.Debtors { return debtors{r} }

// Reserve returns the repository of the risk reserve's movements.
func (r repo) Reserve() storage.Reserve { return reserve{r} }

// Inspections returns the repository of post-loan inspections.
func (r repo) Inspections() storage.Inspections { return inspections{r} }

// Collateral returns the collateral register.
func (r repo) Collateral() storage.Collateral { return collateralRepo{r} }

// Closes returns the repository of the daily close's progress.
func (r repo) Closes() storage.Closes { return closes{r} }

// Outbox returns the outbox.
func (r repo) Outbox() storage.Outbox { return outbox{r} }

// Accounts returns the repository of members' cash accounts.
func (r repo) Accounts() storage.Accounts { return accounts{r} }

// Listings returns the repository of loan listings.
func (r repo) Listings() storage.Listings { return listings{r} }

func (r repo) read(ctx context.Context, op func(c conn) error) error  { return r.s.read(ctx, r.t, op) }
func (r repo) write(ctx context.Context, op func(c conn) error) error { return r.s.write(ctx, r.t, op) }
func (r repo) writeOne(ctx context.Context, op func(c conn) error) error {
	return r.s.writeOne(ctx, r.t, op)
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn binds a querier to the store's dialect and, for the statement
// cache, to the store and the unit of work (nil on the pool) it is.
type conn struct {
	q querier
	d *Dialect
	s *Store
	t *txn
}

func (c conn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	q := c.d.q(query)
	if st := c.prepared(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return c.q.ExecContext(ctx, q, args...)
}

func (c conn) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	q := c.d.q(query)
	if st := c.prepared(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.q.QueryContext(ctx, q, args...)
}

func (c conn) row(ctx context.Context, query string, args ...any) *sql.Row {
	q := c.d.q(query)
	if st := c.prepared(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.q.QueryRowContext(ctx, q, args...)
}

// prepared returns the cached prepared statement of query, bound to c's
// unit of work, or nil to run query unprepared: on PostgreSQL, whose
// driver caches prepared statements itself, and once the cache is full.
func (c conn) prepared(ctx context.Context, query string) *sql.Stmt {
	if c.s == nil || !c.d.inProcess {
		return nil
	}
	st := c.s.stmts.get(ctx, c.s.db, query)
	if st == nil || c.t == nil {
		return st
	}
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	if ts, ok := c.t.stmts[query]; ok {
		return ts
	}
	if c.t.stmts == nil {
		c.t.stmts = map[string]*sql.Stmt{}
	}
	// Prepared on the transaction's connection once per connection (the
	// pool's statement remembers it), closed with the transaction.
	ts := c.t.tx.StmtContext(ctx, st)
	c.t.stmts[query] = ts
	return ts
}

// maxCachedStatements bounds the statement cache. The store's statements
// are a few hundred texts: IN lists are padded to a few lengths
// (args.in), and on SQLite each row is its own statement
// (rowsPerStatement).
const maxCachedStatements = 2048

// stmtCache holds prepared statements by query text. database/sql
// prepares each on a connection the first time it runs there and keeps it
// prepared, so a statement is parsed once per connection rather than once
// per call.
type stmtCache struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// get returns the statement of query, preparing it on first use; nil when
// the cache is full or query does not prepare (the caller runs it
// unprepared and gets the error there).
func (c *stmtCache) get(ctx context.Context, db *sql.DB, query string) *sql.Stmt {
	c.mu.Lock()
	st, ok := c.m[query]
	full := len(c.m) >= maxCachedStatements
	c.mu.Unlock()
	if ok || full {
		return st
	}
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if had, ok := c.m[query]; ok { // prepared meanwhile by another caller
		_ = st.Close()
		return had
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[query] = st
	return st
}

// close closes the cached statements.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		_ = st.Close()
	}
	c.m = nil
}

// read runs op on the transaction t, or on the pool outside one.
func (s *Store) read(ctx context.Context, t *txn, op func(c conn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if t == nil {
		return s.wrap(op(conn{q: s.db, d: s.d, s: s}))
	}
	if t.done {
		return storage.ErrTxDone
	}
	return s.wrap(op(conn{q: t.tx, d: s.d, s: s, t: t}))
}

// write runs op atomically: in its own transaction outside a unit of work,
// or inside a savepoint within one, so a failed write (a conflict, a
// duplicate) changes nothing and leaves the unit of work usable.
func (s *Store) write(ctx context.Context, t *txn, op func(c conn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if t == nil {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return s.wrap(err)
		}
		if err := op(conn{q: tx, d: s.d, s: s, t: &txn{tx: tx}}); err != nil {
			_ = tx.Rollback()
			return s.wrap(err)
		}
		return s.wrap(tx.Commit())
	}
	if t.done {
		return storage.ErrTxDone
	}
	c := conn{q: t.tx, d: s.d, s: s, t: t}
	if s.d.inProcess {
		return s.inSavepoint(ctx, c, op)
	}
	// Over the network each statement is a round trip, so the savepoint
	// of a write that succeeded stays open: the next write releases it in
	// the message that opens its own (a statement without arguments goes
	// by the simple protocol, which takes several), and COMMIT releases
	// the last. A unit of work of n writes makes n+1 round trips for its
	// savepoints rather than 2n.
	t.mu.Lock()
	open := "SAVEPOINT lendcore_write"
	if t.savepoint {
		open = "RELEASE SAVEPOINT lendcore_write; SAVEPOINT lendcore_write"
	}
	t.savepoint = false
	t.mu.Unlock()
	if _, err := c.exec(ctx, open); err != nil {
		return s.wrap(err)
	}
	if err := op(c); err != nil {
		if _, rerr := c.exec(ctx, "ROLLBACK TO SAVEPOINT lendcore_write; RELEASE SAVEPOINT lendcore_write"); rerr != nil {
			return s.wrap(errors.Join(err, rerr))
		}
		return s.wrap(err)
	}
	t.mu.Lock()
	t.savepoint = true
	t.mu.Unlock()
	return nil
}

// inSavepoint runs op inside a savepoint of c's unit of work, released
// when op succeeds and rolled back to when it fails.
func (s *Store) inSavepoint(ctx context.Context, c conn, op func(c conn) error) error {
	if _, err := c.exec(ctx, "SAVEPOINT lendcore_write"); err != nil {
		return s.wrap(err)
	}
	if err := op(c); err != nil {
		if _, rerr := c.exec(ctx, "ROLLBACK TO SAVEPOINT lendcore_write"); rerr != nil {
			return s.wrap(errors.Join(err, rerr))
		}
		_, _ = c.exec(ctx, "RELEASE SAVEPOINT lendcore_write")
		return s.wrap(err)
	}
	_, err := c.exec(ctx, "RELEASE SAVEPOINT lendcore_write")
	return s.wrap(err)
}

// writeOne is write for an op whose one change is its first statement
// (what follows only reads, to say why a compare-and-set failed). Outside
// a unit of work the statement runs on the pool as its own transaction:
// one round trip rather than three (BEGIN, the statement, COMMIT).
func (s *Store) writeOne(ctx context.Context, t *txn, op func(c conn) error) error {
	if t != nil {
		return s.write(ctx, t, op)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.wrap(op(conn{q: s.db, d: s.d, s: s}))
}

// wrap maps driver errors onto the storage sentinels: contention to
// ErrConflict, a finished transaction to ErrTxDone, a missing table or
// column to ErrNotMigrated. Errors that already wrap a storage sentinel
// pass through.
func (s *Store) wrap(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrTxDone):
		return fmt.Errorf("%w: %v", storage.ErrTxDone, err)
	case isContention(err) && !errors.Is(err, storage.ErrConflict):
		return fmt.Errorf("%w: %v", storage.ErrConflict, err)
	case isUndefined(err) && !errors.Is(err, storage.ErrNotMigrated):
		return fmt.Errorf("%w: %v", storage.ErrNotMigrated, err)
	}
	return err
}
