package lendcore

import (
	"encoding/binary"
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
// not replay every journal every day. A closed loan's entry is dropped once
// the close has finalised it (see drop). Entries are read-only: commands
// decode their own copy and replace the cached one after a commit.
//
// The cache is split into shards by id, so the close's workers, each on
// loans of its own, almost never wait on one another's lock. Waiting is
// dearer than it looks: the waiting worker is parked, and the one that
// wakes it keeps its processor, so on a small machine one lock shared by
// every lookup ran the workers one at a time.
type loanCache struct {
	shards [cacheShards]cacheShard
}

const cacheShards = 64

type cacheShard struct {
	mu sync.RWMutex
	// Entries by pointer: a lookup reads an entry's fields under the lock
	// rather than copying its 384 bytes.
	m map[uuid.UUID]*cachedLoan
	_ [32]byte // about a cache line per shard: no false sharing
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

func newLoanCache() *loanCache {
	c := &loanCache{}
	for i := range c.shards {
		c.shards[i].m = make(map[uuid.UUID]*cachedLoan)
	}
	return c
}

// shard returns id's shard. The multiply mixes all of the id's random
// tail, whatever the UUID version.
func (c *loanCache) shard(id uuid.UUID) *cacheShard {
	h := binary.LittleEndian.Uint64(id[8:]) * 0x9E3779B97F4A7C15
	return &c.shards[h>>(64-6)] // 6 bits: cacheShards = 64
}

// entry returns id's entry for updating, adding an empty one; sh.mu must
// be held for writing.
func (sh *cacheShard) entry(id uuid.UUID) *cachedLoan {
	e := sh.m[id]
	if e == nil {
		e = &cachedLoan{}
		sh.m[id] = e
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
	sh := c.shard(id)
	sh.mu.Lock()
	if e := sh.entry(id); e.loan == nil || e.version <= version {
		e.version, e.loan = version, l
	}
	sh.mu.Unlock()
}

// get returns the cached loan of id at version, if any.
func (c *loanCache) get(id uuid.UUID, version int64) (*loan.Loan, bool) {
	sh := c.shard(id)
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	if e := sh.m[id]; e != nil && e.loan != nil && e.version == version {
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
	sh := c.shard(id)
	sh.mu.RLock()
	e := sh.m[id]
	if e == nil || !e.hasState || e.stateAsOf != asOf {
		sh.mu.RUnlock()
		return LoanState{}, false
	}
	s := e.state
	sh.mu.RUnlock()
	s.Day = asOf
	if !s.Day.IsZero() && s.Status != "" {
		s.Track.Last = s.Day
	}
	return s, true
}

// putState remembers the state stored (or about to be stored) with asOf.
func (c *loanCache) putState(id uuid.UUID, s LoanState, asOf date.Date) {
	sh := c.shard(id)
	sh.mu.Lock()
	e := sh.entry(id)
	e.hasState, e.state, e.stateAsOf = true, s, asOf
	sh.mu.Unlock()
}

// drop forgets id: the close calls it once a closed loan is final and
// leaves the scans, so the cache holds only loans still being closed. A
// later lookup misses and reads the store.
func (c *loanCache) drop(id uuid.UUID) {
	sh := c.shard(id)
	sh.mu.Lock()
	delete(sh.m, id)
	sh.mu.Unlock()
}
