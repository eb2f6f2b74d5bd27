package memory

import (
	"context"
	"fmt"
	"iter"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

type apps struct {
	s *Store
	t *txn
}

// Create stores a new application; see storage.Applications.
func (r apps) Create(ctx context.Context, a storage.Application) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return r.s.write(ctx, r.t, func(t *txn) error {
		if r.s.apps[a.ID] != nil {
			return fmt.Errorf("%w: application %s exists", storage.ErrDuplicate, a.ID)
		}
		c := a.Clone()
		c.Version = 1
		r.s.apps[a.ID] = &c
		r.s.appIDs.add(a.ID, &c)
		t.onUndo(func() {
			delete(r.s.apps, a.ID)
			r.s.appIDs.remove(a.ID)
		})
		return nil
	})
}

// Get returns an application; see storage.Applications.
func (r apps) Get(ctx context.Context, id uuid.UUID) (storage.Application, error) {
	var a storage.Application
	err := r.s.read(ctx, r.t, func() error {
		p := r.s.apps[id]
		if p == nil {
			return fmt.Errorf("%w: application %s", storage.ErrNotFound, id)
		}
		a = p.Clone()
		return nil
	})
	return a, err
}

// Update replaces an application at its expected version; see
// storage.Applications.
func (r apps) Update(ctx context.Context, a storage.Application) (storage.Application, error) {
	if err := a.Validate(); err != nil {
		return storage.Application{}, err
	}
	var out storage.Application
	err := r.s.write(ctx, r.t, func(t *txn) error {
		p := r.s.apps[a.ID]
		if p == nil {
			return fmt.Errorf("%w: application %s", storage.ErrNotFound, a.ID)
		}
		if p.Version != a.Version {
			return fmt.Errorf("%w: application %s is at version %d, not %d",
				storage.ErrConflict, a.ID, p.Version, a.Version)
		}
		old := *p
		*p = a.Clone()
		p.Version = old.Version + 1
		p.SubmittedOn = old.SubmittedOn // the submission day is a fact, not updatable
		out = p.Clone()
		t.onUndo(func() { *p = old })
		return nil
	})
	return out, err
}

// Scan yields matching applications in id order; see storage.Applications.
func (r apps) Scan(ctx context.Context, f storage.ApplicationFilter) iter.Seq2[storage.Application, error] {
	if f.Statuses != nil {
		f.Statuses = append([]string(nil), f.Statuses...)
	}
	return func(yield func(storage.Application, error) bool) {
		scan(ctx, r.s, r.t, &r.s.appIDs, f.Batch(), func(p *storage.Application, sl *slab) (storage.Application, bool) {
			if !f.Matches(p) {
				return storage.Application{}, false
			}
			a := *p
			a.Document = sl.clone(a.Document)
			return a, true
		}, yield)
	}
}
