package lendcore

import (
	"bytes"
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
	m  map[uuid.UUID]cachedLoan
}

type cachedLoan struct {
	version int64
	loan    *loan.Loan
	// The last decoded state document and its bytes: a quiet loan's
	// document does not change from day to day, so it is decoded once.
	stateRaw []byte
	state    LoanState
	// stateAsOf is the index AsOf stored with stateRaw when this Engine
	// wrote it: only the daily close writes a state, always with its AsOf,
	// so a stored AsOf equal to it means the stored state is stateRaw.
	stateAsOf date.Date
}

func newLoanCache() *loanCache { return &loanCache{m: make(map[uuid.UUID]cachedLoan)} }

// load returns the decoded loan of rec, from the cache when its version
// matches.
func (c *loanCache) load(rec storage.Loan) (*loan.Loan, error) {
	c.mu.RLock()
	hit, ok := c.m[rec.ID]
	c.mu.RUnlock()
	if ok && hit.version == rec.Version {
		return hit.loan, nil
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
	if old, ok := c.m[id]; !ok || old.version <= version {
		old.version, old.loan = version, l
		c.m[id] = old
	}
	c.mu.Unlock()
}

// get returns the cached loan of id at version, if any.
func (c *loanCache) get(id uuid.UUID, version int64) (*loan.Loan, bool) {
	c.mu.RLock()
	hit, ok := c.m[id]
	c.mu.RUnlock()
	return hit.loan, ok && hit.version == version
}

// state returns the decoded state of rec, from the cache when its bytes
// are the ones decoded last time.
func (c *loanCache) state(rec *storage.Loan) (LoanState, error) {
	c.mu.RLock()
	hit, ok := c.m[rec.ID]
	c.mu.RUnlock()
	if ok && hit.stateRaw != nil && bytes.Equal(hit.stateRaw, rec.Index.State) {
		s := hit.state
		s.Day = rec.Index.AsOf
		if !s.Day.IsZero() && s.Status != "" {
			s.Track.Last = s.Day
		}
		return s, nil
	}
	s, err := stateOf(rec)
	if err != nil {
		return s, err
	}
	c.putState(rec.ID, rec.Index.State, s, rec.Index.AsOf)
	return s, nil
}

// stateAt returns the state this Engine wrote for a loan with index AsOf
// asOf, and its bytes, if it still has them.
func (c *loanCache) stateAt(id uuid.UUID, asOf date.Date) (LoanState, []byte, bool) {
	c.mu.RLock()
	hit, ok := c.m[id]
	c.mu.RUnlock()
	if !ok || hit.stateRaw == nil || hit.stateAsOf != asOf {
		return LoanState{}, nil, false
	}
	s := hit.state
	s.Day = asOf
	if !s.Day.IsZero() && s.Status != "" {
		s.Track.Last = s.Day
	}
	return s, hit.stateRaw, true
}

// putState remembers the decoded form of a state document.
func (c *loanCache) putState(id uuid.UUID, raw []byte, s LoanState, asOf date.Date) {
	c.mu.Lock()
	hit := c.m[id]
	hit.stateRaw, hit.state, hit.stateAsOf = raw, s, asOf
	c.m[id] = hit
	c.mu.Unlock()
}

func (c *loanCache) drop(id uuid.UUID) {
	c.mu.Lock()
	delete(c.m, id)
	c.mu.Unlock()
}
