package memory

import (
	"context"
	"sync"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

// Store is an in-memory storage.Store. The zero value is not usable; call
// New.
type Store struct {
	mu          sync.RWMutex
	loans       map[uuid.UUID]*loanRec
	loanIDs     idIndex[loanRec]
	apps        map[uuid.UUID]*storage.Application
	appIDs      idIndex[storage.Application]
	outbox      map[string]*msgRec
	queue       []*msgRec // in Seq order
	head        int       // queue[:head] is all delivered
	nextSeq     int64
	checkpoints map[ckKey]storage.Checkpoint
}

var _ storage.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{
		loans:       map[uuid.UUID]*loanRec{},
		apps:        map[uuid.UUID]*storage.Application{},
		outbox:      map[string]*msgRec{},
		checkpoints: map[ckKey]storage.Checkpoint{},
	}
}

// Loans returns the loan repository; each call is its own unit of work.
func (s *Store) Loans() storage.Loans { return loans{s, nil} }

// Applications returns the application repository.
func (s *Store) Applications() storage.Applications { return apps{s, nil} }

// Outbox returns the outbox.
func (s *Store) Outbox() storage.Outbox { return outbox{s, nil} }

// Checkpoints returns the checkpoint repository.
func (s *Store) Checkpoints() storage.Checkpoints { return checkpoints{s, nil} }

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
				t.rollback()
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

func (t *txn) rollback() {
	for i := len(t.undo) - 1; i >= 0; i-- {
		t.undo[i]()
	}
	t.undo = nil
}

// onUndo registers how to revert a change just made.
func (t *txn) onUndo(f func()) { t.undo = append(t.undo, f) }

type txRepos struct {
	s *Store
	t *txn
}

func (r txRepos) Loans() storage.Loans               { return loans{r.s, r.t} }
func (r txRepos) Applications() storage.Applications { return apps{r.s, r.t} }
func (r txRepos) Outbox() storage.Outbox             { return outbox{r.s, r.t} }
func (r txRepos) Checkpoints() storage.Checkpoints   { return checkpoints{r.s, r.t} }

// write runs op with the lock held and an undo log: inside a unit of work
// the log is the unit's; outside, op is its own unit and is undone when it
// fails, so no write is ever half done.
func (s *Store) write(ctx context.Context, t *txn, op func(t *txn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if t != nil {
		if t.done {
			return storage.ErrTxDone
		}
		t.enter()
		return op(t)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	own := &txn{}
	if err := op(own); err != nil {
		own.rollback()
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
