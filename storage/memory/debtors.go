package memory

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

// debtorStore holds the debtors by id, with an index for scans of their
// contacts in debtor order.
type debtorStore struct {
	m   map[uuid.UUID]*debtorRec
	ids idIndex[debtorRec]
}

func (x *debtorStore) init() { x.m = map[uuid.UUID]*debtorRec{} }

// debtorRec is a stored debtor: version, state and contact log (each
// contact with Debtor and Seq set, Seq being its position plus one).
type debtorRec struct {
	id       uuid.UUID
	version  int64
	state    []byte
	contacts []storage.Contact
	keys     keyIndex
}

func (r *debtorRec) keyAt(i int) string { return r.contacts[i].Key }

func (r *debtorRec) syncKeys() { r.keys.sync(len(r.contacts), r.keyAt) }

type debtors struct {
	s *Store
	t *txn
}

// Get returns a debtor with the contacts since a time; see
// storage.Debtors.
func (r debtors) Get(ctx context.Context, id uuid.UUID, since time.Time) (storage.Debtor, error) {
	var d storage.Debtor
	err := r.s.read(ctx, r.t, func() error {
		rec := r.s.debtors.m[id]
		if rec == nil {
			return fmt.Errorf("%w: debtor %s", storage.ErrNotFound, id)
		}
		d = storage.Debtor{ID: id, Version: rec.version, State: bytes.Clone(rec.state)}
		since := storage.StoredTime(since)
		for _, c := range rec.contacts {
			if since.IsZero() || !c.At.Before(since) {
				d.Contacts = append(d.Contacts, c.Clone())
			}
		}
		return nil
	})
	return d, err
}

// Save appends contacts and replaces the state at the version read; see
// storage.Debtors.
func (r debtors) Save(ctx context.Context, s storage.DebtorSave) (version int64, replayed bool, err error) {
	if err := s.Validate(); err != nil {
		return 0, false, err
	}
	contacts := make([]storage.Contact, len(s.Contacts))
	for i, c := range s.Contacts {
		c.Debtor, c.At, c.Payload = s.ID, storage.StoredTime(c.At), bytes.Clone(c.Payload)
		contacts[i] = c
	}
	state := bytes.Clone(s.State)
	err = r.s.write(ctx, r.t, func(t *txn) error {
		rec := r.s.debtors.m[s.ID]
		if rec != nil && len(contacts) > 0 {
			stored := 0
			for _, c := range contacts {
				if j, ok := rec.keys.find(len(rec.contacts), rec.keyAt, c.Key); ok {
					if !rec.contacts[j].SameRequest(c) {
						return fmt.Errorf("%w: debtor %s contact key %q", storage.ErrDuplicate, s.ID, c.Key)
					}
					stored++
				}
			}
			switch {
			case stored == len(contacts):
				version, replayed = rec.version, true
				return nil
			case stored > 0:
				return fmt.Errorf("%w: only some contact keys of the save to debtor %s are stored", storage.ErrDuplicate, s.ID)
			}
		}
		switch {
		case rec == nil && s.ExpectedVersion != 0:
			return fmt.Errorf("%w: debtor %s", storage.ErrNotFound, s.ID)
		case rec == nil:
			rec = &debtorRec{id: s.ID}
			r.s.debtors.m[s.ID] = rec
			r.s.debtors.ids.add(s.ID, rec)
			t.onUndo(func() {
				delete(r.s.debtors.m, s.ID)
				r.s.debtors.ids.remove(s.ID)
			})
		case rec.version != s.ExpectedVersion:
			return fmt.Errorf("%w: debtor %s is at version %d, not %d", storage.ErrConflict, s.ID, rec.version, s.ExpectedVersion)
		}
		oldVersion, oldState, oldLen := rec.version, rec.state, len(rec.contacts)
		for i, c := range contacts {
			c.Seq = int64(oldLen + i + 1)
			rec.contacts = append(rec.contacts, c)
		}
		rec.syncKeys()
		rec.version++
		if state != nil {
			rec.state = state
		}
		version = rec.version
		t.onUndo(func() {
			clear(rec.contacts[oldLen:])
			rec.contacts = rec.contacts[:oldLen]
			rec.syncKeys()
			rec.version, rec.state = oldVersion, oldState
		})
		return nil
	})
	if err != nil {
		return 0, false, err
	}
	return version, replayed, nil
}

// Contacts yields matching contacts by debtor and Seq; see storage.Debtors.
func (r debtors) Contacts(ctx context.Context, f storage.ContactFilter) iter.Seq2[storage.Contact, error] {
	return func(yield func(storage.Contact, error) bool) {
		n := f.Batch()
		// The cursor is the last contact examined: its debtor and Seq
		// (contacts are never removed, so a Seq is a position).
		var debtor uuid.UUID
		var seq int64
		started := false
		x := &r.s.debtors
		batches(ctx, r.s, r.t, n, &x.ids, func(buf []storage.Contact, sl *slab) ([]storage.Contact, bool) {
			examined := 0
			i := 0 // position in the index of the debtor being read
			if f.Debtor != uuid.Nil {
				// One debtor's log: no need to walk the index.
				rec := x.m[f.Debtor]
				if rec == nil {
					return buf, false
				}
				for j := int(seq); j < len(rec.contacts) && len(buf) < n && examined < examineFactor*n; j++ {
					examined++
					if c := &rec.contacts[j]; f.Matches(c) {
						buf = append(buf, copyContact(c, sl))
					}
					seq = int64(j + 1)
				}
				return buf, int(seq) < len(rec.contacts)
			}
			if started {
				i = x.ids.atOrAfter(debtor)
			}
			for ; i < len(x.ids.items); i++ {
				rec := x.ids.items[i].rec
				if !started || rec.id != debtor {
					debtor, seq, started = rec.id, 0, true
				}
				for j := int(seq); j < len(rec.contacts); j++ {
					if len(buf) == n || examined == examineFactor*n {
						return buf, true
					}
					examined++
					if c := &rec.contacts[j]; f.Matches(c) {
						buf = append(buf, copyContact(c, sl))
					}
					seq = int64(j + 1)
				}
			}
			return buf, false
		}, yield)
	}
}

func copyContact(c *storage.Contact, sl *slab) storage.Contact {
	out := *c
	out.Payload = sl.clone(c.Payload)
	return out
}
