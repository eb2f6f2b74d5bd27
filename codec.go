package lendcore

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage"
)

// guardedUnmarshal decodes JSON, turning a panic in a third-party decoder
// (the date library's parser panics on some malformed dates) into an error.
func guardedUnmarshal(b []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed JSON: %v", r)
		}
	}()
	return json.Unmarshal(b, v)
}

// loanCache keeps decoded loans by id and version so the daily close does
// not replay every journal every day. Entries are read-only: commands
// decode their own copy and replace the cached one after a commit.
type loanCache struct {
	mu sync.RWMutex
	// Entries by pointer: a map holding 384-byte values in its slots
	// spends its spare capacity at that size too, and copies a whole entry
	// on every lookup.
	m map[uuid.UUID]*cachedLoan
}

type cachedLoan struct {
	version int64
	loan    *loan.Loan
	// The state this Engine last derived or decoded for the loan, and the
	// index AsOf stored with it. Only the daily close writes a state, always
	// with its AsOf, so a stored AsOf equal to stateAsOf means the stored
	// state is this one: a quiet loan's document is neither read nor decoded.
	state     LoanState
	stateAsOf date.Date
	hasState  bool // last: with stateAsOf it fills one word, no padding
}

func newLoanCache() *loanCache { return &loanCache{m: make(map[uuid.UUID]*cachedLoan)} }

// entry returns id's entry for updating, adding an empty one; c.mu must be
// held for writing.
func (c *loanCache) entry(id uuid.UUID) *cachedLoan {
	e := c.m[id]
	if e == nil {
		e = &cachedLoan{}
		c.m[id] = e
	}
	return e
}

// load returns the decoded loan of rec, from the cache when its version
// matches.
func (c *loanCache) load(rec storage.Loan) (*loan.Loan, error) {
	if l, ok := c.get(rec.ID, rec.Version); ok {
		return l, nil
	}
	l, err := rec.Decode()
	if err != nil {
		return nil, err
	}
	c.put(rec.ID, rec.Version, l)
	return l, nil
}

func (c *loanCache) put(id uuid.UUID, version int64, l *loan.Loan) {
	c.mu.Lock()
	if e := c.entry(id); e.loan == nil || e.version <= version {
		e.version, e.loan = version, l
	}
	c.mu.Unlock()
}

// get returns the cached loan of id at version, if any.
func (c *loanCache) get(id uuid.UUID, version int64) (*loan.Loan, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if e := c.m[id]; e != nil && e.loan != nil && e.version == version {
		return e.loan, true
	}
	return nil, false
}

// state returns the decoded state of rec: the cached one when it was
// stored with rec's AsOf, else rec's document decoded.
func (c *loanCache) state(rec *storage.Loan) (LoanState, error) {
	if s, ok := c.stateAt(rec.ID, rec.Index.AsOf); ok {
		return s, nil
	}
	s, err := stateOf(rec)
	if err != nil {
		return s, err
	}
	if len(rec.Index.State) > 0 {
		c.putState(rec.ID, s, rec.Index.AsOf)
	}
	return s, nil
}

// stateAt returns the state this Engine holds for a loan whose index was
// stored with AsOf asOf.
func (c *loanCache) stateAt(id uuid.UUID, asOf date.Date) (LoanState, bool) {
	c.mu.RLock()
	e := c.m[id]
	if e == nil || !e.hasState || e.stateAsOf != asOf {
		c.mu.RUnlock()
		return LoanState{}, false
	}
	s := e.state
	c.mu.RUnlock()
	s.Day = asOf
	if !s.Day.IsZero() && s.Status != "" {
		s.Track.Last = s.Day
	}
	return s, true
}

// putState remembers the state stored (or about to be stored) with asOf.
func (c *loanCache) putState(id uuid.UUID, s LoanState, asOf date.Date) {
	c.mu.Lock()
	e := c.entry(id)
	e.hasState, e.state, e.stateAsOf = true, s, asOf
	c.mu.Unlock()
}
