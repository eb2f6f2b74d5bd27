package lendcore

import (
	"bytes"
	"slices"
	"sync"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/invest"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage"
)

// memo is what the Engine remembers between commands and closes so it does
// not replay every journal every day: decoded loans by version and derived
// states by the day they were stored for. Every entry is keyed by what the
// store holds (a loan version, an index AsOf), so a stale entry simply
// misses: a replica's memo never needs to hear of another replica's
// writes, and the Engine gives the same results with no memo at all
// (WithLoanCache(false)).
type memo interface {
	loan(id uuid.UUID, version int64) (*loan.Loan, bool)
	keepLoan(id uuid.UUID, version int64, l *loan.Loan)
	state(id uuid.UUID, asOf date.Date) (LoanState, bool)
	keepState(id uuid.UUID, asOf date.Date, s LoanState)
	forget(id uuid.UUID)
}

// WithLoanCache turns the Engine's memory of decoded loans, derived
// states, investor books and facts on (the default) or off. Off, every
// command and every close decodes from the store: slower, with the same
// results.
func WithLoanCache(on bool) Option {
	return func(e *Engine) error {
		if on {
			e.loans, e.books, e.facts = newLoanCache(), &bookCache{}, &factCache{}
		} else {
			e.loans, e.books, e.facts = noMemo{}, nil, nil
		}
		return nil
	}
}

// noMemo remembers nothing.
type noMemo struct{}

func (noMemo) loan(uuid.UUID, int64) (*loan.Loan, bool)     { return nil, false }
func (noMemo) keepLoan(uuid.UUID, int64, *loan.Loan)        {}
func (noMemo) state(uuid.UUID, date.Date) (LoanState, bool) { return LoanState{}, false }
func (noMemo) keepState(uuid.UUID, date.Date, LoanState)    {}
func (noMemo) forget(uuid.UUID)                             {}

// decode returns the domain loan of rec, which must carry its journal:
// the remembered decoding of its version, or a fresh one. The loan is
// read-only: a command clones it before posting to it.
func (e *Engine) decode(rec *storage.Loan) (*loan.Loan, error) {
	if l, ok := e.loans.loan(rec.ID, rec.Version); ok {
		return l, nil
	}
	l, err := rec.Decode()
	if err != nil {
		return nil, err
	}
	e.loans.keepLoan(rec.ID, rec.Version, l)
	return l, nil
}

// stateOf returns the derived state stored with rec: the remembered one
// when it was kept for rec's AsOf, else rec's document decoded.
func (e *Engine) stateOf(rec *storage.Loan) (LoanState, error) {
	if s, ok := e.loans.state(rec.ID, rec.Index.AsOf); ok {
		return s, nil
	}
	s, err := storedState(rec)
	if err != nil {
		return s, err
	}
	if len(rec.Index.State) > 0 {
		e.loans.keepState(rec.ID, rec.Index.AsOf, s)
	}
	return s, nil
}

// loanCache is the memo the Engine keeps by default: one map under one
// lock, which the close's workers share.
type loanCache struct {
	mu sync.RWMutex
	// Entries by pointer: a lookup reads an entry's fields under the lock
	// rather than copying its few hundred bytes.
	m map[uuid.UUID]*cachedLoan
}

type cachedLoan struct {
	version int64
	loan    *loan.Loan
	// The state last derived or decoded for the loan, and the index AsOf
	// stored with it. Only the daily close writes a state, always with its
	// AsOf, so a stored AsOf equal to stateAsOf means the stored state is
	// this one: a quiet loan's document is neither read nor decoded.
	state     LoanState
	stateAsOf date.Date
	hasState  bool
}

func newLoanCache() *loanCache { return &loanCache{m: make(map[uuid.UUID]*cachedLoan)} }

// entry returns id's entry for updating, adding an empty one; c.mu must
// be held for writing.
func (c *loanCache) entry(id uuid.UUID) *cachedLoan {
	e := c.m[id]
	if e == nil {
		e = &cachedLoan{}
		c.m[id] = e
	}
	return e
}

func (c *loanCache) loan(id uuid.UUID, version int64) (*loan.Loan, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if e := c.m[id]; e != nil && e.loan != nil && e.version == version {
		return e.loan, true
	}
	return nil, false
}

func (c *loanCache) keepLoan(id uuid.UUID, version int64, l *loan.Loan) {
	c.mu.Lock()
	if e := c.entry(id); e.loan == nil || e.version <= version {
		e.version, e.loan = version, l
	}
	c.mu.Unlock()
}

func (c *loanCache) state(id uuid.UUID, asOf date.Date) (LoanState, bool) {
	c.mu.RLock()
	e := c.m[id]
	if e == nil || !e.hasState || e.stateAsOf != asOf {
		c.mu.RUnlock()
		return LoanState{}, false
	}
	s := e.state
	c.mu.RUnlock()
	s.Day = asOf
	if !s.Day.IsZero() && s.Status != 0 {
		s.Track.Last = s.Day
	}
	return s, true
}

func (c *loanCache) keepState(id uuid.UUID, asOf date.Date, s LoanState) {
	c.mu.Lock()
	e := c.entry(id)
	e.hasState, e.state, e.stateAsOf = true, s, asOf
	c.mu.Unlock()
}

// forget drops id: the close calls it once a closed loan is final and
// leaves the scans, so the cache holds only loans still being closed.
func (c *loanCache) forget(id uuid.UUID) {
	c.mu.Lock()
	delete(c.m, id)
	c.mu.Unlock()
}

// cached reports whether the memo holds anything for id (for tests).
func (c *loanCache) cached(id uuid.UUID) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	_, ok := c.m[id]
	return ok
}

// partCache remembers decoded parts of the collateral register by id and
// version, so the daily close, which reads the whole live register every
// day, decodes only what changed since. Like the loan memo it is keyed by
// what the store holds: a stale entry misses, and Restore copies what it
// is given, so the remembered value is never changed.
type partCache[T any] struct {
	mu sync.Mutex
	m  map[uuid.UUID]versioned[T]
}

type versioned[T any] struct {
	version int64
	value   T
}

// get returns the decoding of raw, the document of id at version.
func (c *partCache[T]) get(id uuid.UUID, version int64, raw []byte, decode func([]byte) (T, error)) (T, error) {
	c.mu.Lock()
	hit, ok := c.m[id]
	c.mu.Unlock()
	if ok && hit.version == version {
		return hit.value, nil
	}
	v, err := decode(raw)
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[uuid.UUID]versioned[T]{}
	}
	c.m[id] = versioned[T]{version, v}
	c.mu.Unlock()
	return v, nil
}

// keep forgets every id not in live: the close calls it with the whole
// live register, so the cache holds no more than the register does.
func (c *partCache[T]) keep(live map[uuid.UUID]int64) {
	c.mu.Lock()
	for id := range c.m {
		if _, ok := live[id]; !ok {
			delete(c.m, id)
		}
	}
	c.mu.Unlock()
}

// bookCache keeps each investor book's decoded opening and operations, so
// a read decodes only the operations added since the last one: a book's
// operations are append-only and its opening never changes (a P2P loan's
// monthly distribution would otherwise decode its whole history again).
// An entry is used only while the stored opening and the keys of the
// operations it holds are what the store returns, so another replica's
// writes make it miss, not lie. A nil cache (WithLoanCache(false))
// decodes everything every time.
type bookCache struct {
	mu sync.Mutex
	m  map[uuid.UUID]*bookParts
}

// bookParts is one book decoded: never changed once cached, so readers
// share it without a lock.
type bookParts struct {
	doc  []byte
	open invest.Opening
	keys []string
	ops  []invest.BookOp
}

// decode returns the opening and the first n operations of rec.
func (c *bookCache) decode(rec *storage.Book, n int) (invest.Opening, []invest.BookOp, error) {
	var open invest.Opening
	if c == nil {
		ops, err := decodeBook(rec, 0, n, &open, make([]invest.BookOp, 0, n))
		return open, ops, err
	}
	c.mu.Lock()
	hit := c.m[rec.LoanID]
	c.mu.Unlock()
	if hit != nil && hit.matches(rec, n) {
		open = hit.open
		if len(hit.ops) >= n {
			return open, hit.ops[:n:n], nil
		}
	} else {
		hit = nil
	}
	from := 0
	var ops []invest.BookOp
	if hit != nil {
		from = len(hit.ops)
		ops = append(make([]invest.BookOp, 0, n), hit.ops...)
	} else {
		ops = make([]invest.BookOp, 0, n)
	}
	ops, err := decodeBook(rec, from, n, &open, ops)
	if err != nil {
		return open, nil, err
	}
	keys := make([]string, n)
	for i := range n {
		keys[i] = rec.Ops[i].Key
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[uuid.UUID]*bookParts{}
	}
	c.m[rec.LoanID] = &bookParts{doc: slices.Clone(rec.Document), open: open, keys: keys, ops: ops}
	c.mu.Unlock()
	return open, ops[:n:n], nil
}

// matches reports whether p is a prefix of rec's first n operations under
// the same opening.
func (p *bookParts) matches(rec *storage.Book, n int) bool {
	if !bytes.Equal(p.doc, rec.Document) || len(p.keys) > n {
		return false
	}
	for i, k := range p.keys {
		if rec.Ops[i].Key != k {
			return false
		}
	}
	return true
}

// forget drops a book the close has finished with.
func (c *bookCache) forget(id uuid.UUID) {
	if c == nil {
		return
	}
	c.mu.Lock()
	delete(c.m, id)
	c.mu.Unlock()
}

// factCache keeps each stored fact decoded, so the daily close, which
// reads every fact in force each day, decodes a fact once rather than once
// a day. A stored fact never changes (a journal is append-only; a
// correction is a new fact), and an entry is used only while its key is
// the one stored at its place in the journal. A nil cache
// (WithLoanCache(false)) decodes every time.
type factCache struct {
	mu sync.Mutex
	m  map[factAt]cachedFact
}

// factAt is a fact's place: its journal and its position in it.
type factAt struct {
	subject uuid.UUID
	seq     int64
}

type cachedFact struct {
	key  string
	fact classify.Fact
}

// decode returns s decoded and checked.
func (c *factCache) decode(s *storage.Fact) (classify.Fact, error) {
	at := factAt{s.Subject, s.Seq}
	if c != nil {
		c.mu.Lock()
		hit, ok := c.m[at]
		c.mu.Unlock()
		if ok && hit.key == s.Key {
			return hit.fact, nil
		}
	}
	f, err := decodeFacts([]storage.Fact{*s})
	if err != nil {
		return classify.Fact{}, err
	}
	if c != nil {
		c.mu.Lock()
		if c.m == nil {
			c.m = map[factAt]cachedFact{}
		}
		c.m[at] = cachedFact{s.Key, f[0]}
		c.mu.Unlock()
	}
	return f[0], nil
}

// decodeAll returns the facts of a journal decoded.
func (c *factCache) decodeAll(stored []storage.Fact) ([]classify.Fact, error) {
	out := make([]classify.Fact, len(stored))
	for i := range stored {
		f, err := c.decode(&stored[i])
		if err != nil {
			return nil, err
		}
		out[i] = f
	}
	return out, nil
}
