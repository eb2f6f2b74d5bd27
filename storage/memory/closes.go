package memory

import (
	"context"
	"fmt"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/storage"
)

// closeState is the last day closed and each planned day's partitions,
// by Part.
type closeState struct {
	last date.Date
	days map[date.Date][]storage.ClosePart
}

func (x *closeState) init() { x.days = map[date.Date][]storage.ClosePart{} }

type closes struct {
	s *Store
	t *txn
}

// Last returns the last day closed; see storage.Closes.
func (r closes) Last(ctx context.Context) (date.Date, error) {
	var d date.Date
	err := r.s.read(ctx, r.t, func() error {
		d = r.s.closes.last
		return nil
	})
	return d, err
}

// Plan creates a day's partitions once; see storage.Closes.
func (r closes) Plan(ctx context.Context, day date.Date, parts int) ([]storage.ClosePart, error) {
	if err := storage.ValidatePlan(day, parts); err != nil {
		return nil, err
	}
	var out []storage.ClosePart
	err := r.s.write(ctx, r.t, func(t *txn) error {
		x := &r.s.closes
		ps, ok := x.days[day]
		if !ok {
			ps = make([]storage.ClosePart, parts+1)
			for i := range ps {
				ps[i] = storage.ClosePart{Day: day, Part: i, Parts: parts, Version: 1}
			}
			x.days[day] = ps
			t.onUndo(func() { delete(x.days, day) })
		}
		out = make([]storage.ClosePart, len(ps))
		for i, p := range ps {
			out[i] = p.Clone()
		}
		return nil
	})
	return out, err
}

// Save stores a partition at the version read; see storage.Closes.
func (r closes) Save(ctx context.Context, p storage.ClosePart) (storage.ClosePart, error) {
	if err := p.Validate(); err != nil {
		return storage.ClosePart{}, err
	}
	p = p.Clone()
	p.LeaseUntil = storage.StoredTime(p.LeaseUntil)
	var out storage.ClosePart
	err := r.s.write(ctx, r.t, func(t *txn) error {
		ps := r.s.closes.days[p.Day]
		if p.Part >= len(ps) {
			return fmt.Errorf("%w: partition %d of the close of %s", storage.ErrNotFound, p.Part, p.Day)
		}
		stored := &ps[p.Part]
		bad := &fault.Fields{Kind: storage.ErrInvalid}
		if p.Parts != stored.Parts {
			bad.Addf("parts", "the close of %s was planned with %d partitions", p.Day, stored.Parts)
		}
		if stored.Done && !p.Done {
			bad.Add("done", "the partition is done: its work is written once")
		}
		if err := bad.Err(); err != nil {
			return err
		}
		if stored.Version != p.Version {
			return fmt.Errorf("%w: partition %d of the close of %s is at version %d, not %d",
				storage.ErrConflict, p.Part, p.Day, stored.Version, p.Version)
		}
		prev := *stored
		p.Version++
		*stored = p
		t.onUndo(func() { *stored = prev })
		out = p.Clone()
		return nil
	})
	return out, err
}

// Finish records the last day closed; see storage.Closes.
func (r closes) Finish(ctx context.Context, day date.Date) error {
	if err := storage.ValidateDay(day); err != nil {
		return err
	}
	return r.s.write(ctx, r.t, func(t *txn) error {
		x := &r.s.closes
		if !x.last.IsZero() && day != x.last.Add(1) {
			return fmt.Errorf("%w: the last day closed is %s: %s is not the next", storage.ErrConflict, x.last, day)
		}
		prev := x.last
		x.last = day
		t.onUndo(func() { x.last = prev })
		return nil
	})
}
