package memory

import (
	"context"
	"fmt"
	"iter"
	"maps"
	"slices"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/storage"
)

type monthEnds struct {
	s *Store
	t *txn
}

// MonthEnds returns the repository of the close's month-end figures.
func (s *Store) MonthEnds() storage.MonthEnds { return monthEnds{s, nil} }

// Add stores a month end once; see storage.MonthEnds.
func (r monthEnds) Add(ctx context.Context, m storage.MonthEnd) error {
	if err := m.Validate(); err != nil {
		return err
	}
	m = m.Clone()
	return r.s.write(ctx, r.t, func(t *txn) error {
		if old, ok := r.s.months[m.Day]; ok {
			if storage.SameJSON(old.Document, m.Document) {
				return nil
			}
			return fmt.Errorf("%w: the month end %s is stored with another document", storage.ErrConflict, m.Day)
		}
		r.s.months[m.Day] = m
		t.onUndo(func() { delete(r.s.months, m.Day) })
		return nil
	})
}

// Get returns a month end; see storage.MonthEnds.
func (r monthEnds) Get(ctx context.Context, day date.Date) (storage.MonthEnd, error) {
	var out storage.MonthEnd
	err := r.s.read(ctx, r.t, func() error {
		m, ok := r.s.months[day]
		if !ok {
			return fmt.Errorf("%w: month end %s", storage.ErrNotFound, day)
		}
		out = m.Clone()
		return nil
	})
	return out, err
}

// Scan yields the month ends in days, oldest first; see storage.MonthEnds.
// There are twelve a year, so it copies them all under one read lock.
func (r monthEnds) Scan(ctx context.Context, days storage.DateRange) iter.Seq2[storage.MonthEnd, error] {
	return func(yield func(storage.MonthEnd, error) bool) {
		var out []storage.MonthEnd
		err := r.s.read(ctx, r.t, func() error {
			for _, d := range slices.SortedFunc(maps.Keys(r.s.months), func(a, b date.Date) int { return int(a.Sub(b)) }) {
				if days.Contains(d) {
					out = append(out, r.s.months[d].Clone())
				}
			}
			return nil
		})
		if err != nil {
			yield(storage.MonthEnd{}, err)
			return
		}
		for _, m := range out {
			if !yield(m, nil) {
				return
			}
		}
	}
}
