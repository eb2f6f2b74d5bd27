package memory

import (
	"context"
	"sync"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/storage"
)

// Store is an in-memory storage.Store. The zero value is not usable; call
// New.
type Store struct {
	mu      sync.RWMutex
	loans   map[uuid.UUID]*loanRec
	loanIDs idIndex[loanRec]
	apps    table[storage.Application]
	books   map[uuid.UUID]*bookRec
	bookIDs idIndex[bookRec]
	colls   table[storage.Collection]
	debtors debtorStore
	reserve reserveState
	insp    inspectionStore
	items   table[storage.Item]
	covers  table[storage.Cover]
	guars   table[storage.Guarantor]
	closes  closeState
	outbox  outboxState

	accounts accountState
	listings listingState
	lines    table[storage.Line]
	facts    factStore
	months   map[date.Date]storage.MonthEnd
	products map[string][]storage.Product        // by name, version i+1 at i
	moves    map[uuid.UUID][]storage.ProductMove // by loan, move i+1 at i
}

var _ storage.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	s := &Store{
		loans: map[uuid.UUID]*loanRec{},
		books: map[uuid.UUID]*bookRec{},
		apps: newTable("application", func(a *storage.Application) *int64 { return &a.Version },
			storage.Application.Clone),
		colls: newTable("collection record", func(c *storage.Collection) *int64 { return &c.Version },
			storage.Collection.Clone),
		items: newTable("collateral item", func(it *storage.Item) *int64 { return &it.Version },
			storage.Item.Clone),
		covers: newTable("cover", func(c *storage.Cover) *int64 { return &c.Version },
			storage.Cover.Clone),
		guars: newTable("guarantor", func(g *storage.Guarantor) *int64 { return &g.Version },
			storage.Guarantor.Clone),
		lines: newTable("line", func(l *storage.Line) *int64 { return &l.Version }, storage.Line.Clone),
	}
	s.debtors.init()
	s.reserve.init()
	s.insp.init()
	s.closes.init()
	s.outbox.init()
	s.accounts.init()
	s.listings.init()
	s.facts.init()
	s.months = map[date.Date]storage.MonthEnd{}
	s.products = map[string][]storage.Product{}
	s.moves = map[uuid.UUID][]storage.ProductMove{}
	return s
}

// Loans returns the loan repository; each call is its own unit of work.
func (s *Store) Loans() storage.Loans { return loans{s, nil} }

// Applications returns the application repository.
func (s *Store) Applications() storage.Applications { return apps{s, nil} }

// Books returns the repository of investor books.
func (s *Store) Books() storage.Books { return books{s, nil} }

// Collections returns the repository of collection records.
func (s *Store) Collections() storage.Collections { return collections{s, nil} }

// Debtors returns the repository of debtors' contact records.
func (s *Store) Debtors() storage.Debtors { return debtors{s, nil} }

// Reserve returns the repository of the risk reserve's movements.
func (s *Store) Reserve() storage.Reserve { return reserve{s, nil} }

// Inspections returns the repository of post-loan inspections.
func (s *Store) Inspections() storage.Inspections { return inspections{s, nil} }

// Collateral returns the repository of the collateral register.
func (s *Store) Collateral() storage.Collateral { return collateral{s, nil} }

// Closes returns the repository of the daily close's progress.
func (s *Store) Closes() storage.Closes { return closes{s, nil} }

// Outbox returns the outbox.
func (s *Store) Outbox() storage.Outbox { return outbox{s, nil} }

// Accounts returns the repository of members' cash accounts.
func (s *Store) Accounts() storage.Accounts { return accounts{s, nil} }

// Listings returns the repository of loan listings.
func (s *Store) Listings() storage.Listings { return listings{s, nil} }

// Facts returns the repository of facts journals.
func (s *Store) Facts() storage.Facts { return facts{s, nil} }

// Close does nothing; it exists to satisfy storage.Store.
func (s *Store) Close() error { return nil }

// WithTx runs fn as one unit of work; see storage.Store. The store's write
// lock is taken when fn first touches the store and held until fn returns,
// so whatever fn does before — and the validation and copying of its first
// call's input, which happen before the store is touched — does not hold
// up other readers and writers. Errors: fn's error, ctx's error.
func (s *Store) WithTx(ctx context.Context, fn func(tx storage.Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	t := &txn{s: s}
	defer func() {
		t.done = true
		p := recover()
		if p == nil && err == nil {
			err = ctx.Err() // cancelled before the commit: nothing is kept
		}
		if t.held {
			if p != nil || err != nil {
				t.rollback(0)
			}
			s.mu.Unlock()
		}
		if p != nil {
			panic(p)
		}
	}()
	return fn(txRepos{s, t})
}

// txn is an open unit of work: the undo log of what it changed.
type txn struct {
	s    *Store
	undo []func()
	held bool // the store's write lock is held for this unit
	done bool
}

// enter takes the store's write lock for the unit of work, the first time
// it touches the store.
func (t *txn) enter() {
	if !t.held {
		t.s.mu.Lock()
		t.held = true
	}
}

// rollback undoes the changes logged since the log had mark entries.
func (t *txn) rollback(mark int) {
	for i := len(t.undo) - 1; i >= mark; i-- {
		t.undo[i]()
		t.undo[i] = nil
	}
	t.undo = t.undo[:mark]
}

// onUndo registers how to revert a change just made.
func (t *txn) onUndo(f func()) { t.undo = append(t.undo, f) }

type txRepos struct {
	s *Store
	t *txn
}

func (r txRepos) Loans() storage.Loans               { return loans{r.s, r.t} }
func (r txRepos) Applications() storage.Applications { return apps{r.s, r.t} }
func (r txRepos) Books() storage.Books               { return books{r.s, r.t} }
func (r txRepos) Collections() storage.Collections   { return collections{r.s, r.t} }
func (r txRepos) Debtors() storage.Debtors           { return debtors{r.s, r.t} }
func (r txRepos) Reserve() storage.Reserve           { return reserve{r.s, r.t} }
func (r txRepos) Inspections() storage.Inspections   { return inspections{r.s, r.t} }
func (r txRepos) Collateral() storage.Collateral     { return collateral{r.s, r.t} }
func (r txRepos) Closes() storage.Closes             { return closes{r.s, r.t} }
func (r txRepos) Outbox() storage.Outbox             { return outbox{r.s, r.t} }
func (r txRepos) Accounts() storage.Accounts         { return accounts{r.s, r.t} }
func (r txRepos) Listings() storage.Listings         { return listings{r.s, r.t} }
func (r txRepos) Lines() storage.Lines               { return lines{r.s, r.t} }
func (r txRepos) Facts() storage.Facts               { return facts{r.s, r.t} }
func (r txRepos) MonthEnds() storage.MonthEnds       { return monthEnds{r.s, r.t} }
func (r txRepos) Products() storage.Products         { return products{r.s, r.t} }

// write runs op with the lock held and an undo log. A failed op is undone
// whether or not it runs in a unit of work, so no write is ever half done
// and a unit whose write failed can go on: inside a unit of work the
// unit's earlier changes stay; outside, op is its own unit.
func (s *Store) write(ctx context.Context, t *txn, op func(t *txn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if t != nil {
		if t.done {
			return storage.ErrTxDone
		}
		t.enter()
		mark := len(t.undo)
		err := op(t)
		if err != nil {
			t.rollback(mark)
		}
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	own := &txn{}
	if err := op(own); err != nil {
		own.rollback(0)
		return err
	}
	return nil
}

// read runs op with at least a read lock held.
func (s *Store) read(ctx context.Context, t *txn, op func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if t != nil {
		if t.done {
			return storage.ErrTxDone
		}
		t.enter()
		return op()
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return op()
}
