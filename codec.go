package lendcore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/schedule"
	"github.com/lendcore/lendcore/storage"
)

// loanDoc is the header document of a stored loan: what loan.New needs.
// The journal lives in its own rows.
type loanDoc struct {
	Terms  schedule.Terms `json:"terms"`
	Policy loan.Policy    `json:"policy"`
}

// toStorage turns a new (not yet journaled) loan into a storage record.
func toStorage(l *loan.Loan) (storage.Loan, error) {
	doc, err := json.Marshal(loanDoc{Terms: l.Terms(), Policy: l.Policy()})
	if err != nil {
		return storage.Loan{}, err
	}
	rec := storage.Loan{ID: l.ID(), Status: l.Status().String(), Currency: l.Currency(), Document: doc}
	for _, en := range l.Journal() {
		se, err := entryRecord(en)
		if err != nil {
			return storage.Loan{}, err
		}
		rec.Journal = append(rec.Journal, se)
	}
	return rec, nil
}

// entryRecord is the journal row of a loan entry.
func entryRecord(en loan.Entry) (storage.Entry, error) {
	seq := en.Seq
	en.Seq = 0 // the store assigns the row's position
	payload, err := json.Marshal(en)
	if err != nil {
		return storage.Entry{}, err
	}
	_ = seq
	return storage.Entry{ID: en.ID, IdempotencyKey: en.IdempotencyKey, ValueDate: en.ValueDate,
		Kind: en.Kind.String(), Amount: en.Amount, Payload: payload}, nil
}

// fromStorage rebuilds a loan by replaying its stored journal through
// loan.Post, so a stored loan is checked exactly like a live one.
func fromStorage(rec storage.Loan) (*loan.Loan, error) {
	var doc loanDoc
	if err := guardedUnmarshal(rec.Document, &doc); err != nil {
		return nil, fmt.Errorf("%w: loan %s document: %v", storage.ErrCorrupt, rec.ID, err)
	}
	l, err := loan.New(rec.ID, doc.Terms, doc.Policy)
	if err != nil {
		return nil, fmt.Errorf("%w: loan %s: %w", storage.ErrCorrupt, rec.ID, err)
	}
	for _, row := range rec.Journal {
		var en loan.Entry
		if err := guardedUnmarshal(row.Payload, &en); err != nil {
			return nil, fmt.Errorf("%w: loan %s entry %d: %v", storage.ErrCorrupt, rec.ID, row.Seq, err)
		}
		en.Seq = 0
		if _, err := l.Post(en); err != nil {
			return nil, fmt.Errorf("%w: loan %s entry %d: %w", storage.ErrCorrupt, rec.ID, row.Seq, err)
		}
	}
	return l, nil
}

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
	l, err := fromStorage(rec)
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
	c.putState(rec.ID, rec.Index.State, s)
	return s, nil
}

// putState remembers the decoded form of a state document.
func (c *loanCache) putState(id uuid.UUID, raw []byte, s LoanState) {
	c.mu.Lock()
	if hit, ok := c.m[id]; ok {
		hit.stateRaw, hit.state = raw, s
		c.m[id] = hit
	}
	c.mu.Unlock()
}

func (c *loanCache) drop(id uuid.UUID) {
	c.mu.Lock()
	delete(c.m, id)
	c.mu.Unlock()
}
