package memory

import (
	"context"
	"fmt"
	"iter"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

// factStore holds the facts journals by subject, with an index for scans
// in subject order.
type factStore struct {
	m   map[uuid.UUID]*factLog
	ids idIndex[factLog]
}

func (x *factStore) init() { x.m = map[uuid.UUID]*factLog{} }

// factLog is a subject's journal: its version and facts, each with
// Subject and Seq set (Seq being its position plus one).
type factLog struct {
	id      uuid.UUID
	version int64
	facts   []storage.Fact
	keys    keyIndex
}

func (l *factLog) keyAt(i int) string { return l.facts[i].Key }

type facts struct {
	s *Store
	t *txn
}

// Get returns a subject's journal; see storage.Facts.
func (r facts) Get(ctx context.Context, subject uuid.UUID) (storage.FactJournal, error) {
	var out storage.FactJournal
	err := r.s.read(ctx, r.t, func() error {
		l := r.s.facts.m[subject]
		if l == nil {
			return fmt.Errorf("%w: facts of %s", storage.ErrNotFound, subject)
		}
		out = storage.FactJournal{Subject: subject, Version: l.version, Facts: make([]storage.Fact, len(l.facts))}
		for i, f := range l.facts {
			out.Facts[i] = f.Clone()
		}
		return nil
	})
	return out, err
}

// Append appends facts at the version read; see storage.Facts.
func (r facts) Append(ctx context.Context, a storage.FactAppend) (version int64, replayed bool, err error) {
	if err := a.Validate(); err != nil {
		return 0, false, err
	}
	in := make([]storage.Fact, len(a.Facts))
	for i, f := range a.Facts {
		f = f.Clone()
		f.Subject = a.Subject
		in[i] = f
	}
	err = r.s.write(ctx, r.t, func(t *txn) error {
		x := &r.s.facts
		l := x.m[a.Subject]
		if l != nil {
			stored := 0
			for _, f := range in {
				if j, ok := l.keys.find(len(l.facts), l.keyAt, f.Key); ok {
					if !l.facts[j].SameRequest(f) {
						return fmt.Errorf("%w: facts of %s: key %q", storage.ErrDuplicate, a.Subject, f.Key)
					}
					stored++
				}
			}
			switch {
			case stored == len(in):
				version, replayed = l.version, true
				return nil
			case stored > 0:
				return fmt.Errorf("%w: only some fact keys of the append to %s are stored", storage.ErrDuplicate, a.Subject)
			}
		}
		switch {
		case l == nil && a.ExpectedVersion != 0:
			return fmt.Errorf("%w: facts of %s", storage.ErrNotFound, a.Subject)
		case l == nil:
			l = &factLog{id: a.Subject}
			x.m[a.Subject] = l
			x.ids.add(a.Subject, l)
			t.onUndo(func() {
				delete(x.m, a.Subject)
				x.ids.remove(a.Subject)
			})
		case l.version != a.ExpectedVersion:
			return fmt.Errorf("%w: facts of %s are at version %d, not %d", storage.ErrConflict, a.Subject, l.version, a.ExpectedVersion)
		}
		oldVersion, oldLen := l.version, len(l.facts)
		for i, f := range in {
			f.Seq = int64(oldLen + i + 1)
			l.facts = append(l.facts, f)
		}
		l.keys.sync(len(l.facts), l.keyAt)
		l.version++
		version = l.version
		t.onUndo(func() {
			clear(l.facts[oldLen:])
			l.facts = l.facts[:oldLen]
			l.keys.sync(len(l.facts), l.keyAt)
			l.version = oldVersion
		})
		return nil
	})
	if err != nil {
		return 0, false, err
	}
	return version, replayed, nil
}

// Scan yields matching facts by subject and Seq; see storage.Facts.
func (r facts) Scan(ctx context.Context, f storage.FactFilter) iter.Seq2[storage.Fact, error] {
	return func(yield func(storage.Fact, error) bool) {
		n := f.Batch()
		// The cursor is the last fact examined: its subject and Seq (facts
		// are never removed, so a Seq is a position).
		var subject uuid.UUID
		var seq int
		started := false
		x := &r.s.facts
		batches(ctx, r.s, r.t, n, &x.ids, func(buf []storage.Fact, sl *slab) ([]storage.Fact, bool) {
			examined := 0
			logs := x.ids.items
			i := 0
			if f.Subject != uuid.Nil {
				l := x.m[f.Subject]
				if l == nil {
					return buf, false
				}
				logs = []item[factLog]{{id: l.id, rec: l}}
			} else if started {
				i = x.ids.atOrAfter(subject)
			}
			for ; i < len(logs); i++ {
				l := logs[i].rec
				if !started || l.id != subject {
					subject, seq, started = l.id, 0, true
				}
				for ; seq < len(l.facts); seq++ {
					if len(buf) == n || examined == examineFactor*n {
						return buf, true
					}
					examined++
					if c := &l.facts[seq]; f.Matches(c) {
						out := *c
						out.Payload = sl.clone(c.Payload)
						buf = append(buf, out)
					}
				}
			}
			return buf, false
		}, yield)
	}
}
