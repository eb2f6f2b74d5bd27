package memory

import (
	"context"
	"fmt"
	"iter"
	"slices"

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
	a = a.Clone()
	return r.s.write(ctx, r.t, func(t *txn) error {
		if r.s.apps.m[a.ID] != nil {
			return fmt.Errorf("%w: application %s exists", storage.ErrDuplicate, a.ID)
		}
		a.Version = 0
		_, err := r.s.apps.save(t, a.ID, a, nil)
		return err
	})
}

// Get returns an application; see storage.Applications.
func (r apps) Get(ctx context.Context, id uuid.UUID) (storage.Application, error) {
	var a storage.Application
	err := r.s.read(ctx, r.t, func() (err error) {
		a, err = r.s.apps.get(id)
		return err
	})
	return a, err
}

// Update replaces an application at its expected version; see
// storage.Applications. The submission day is a fact of the application,
// not something an update changes.
func (r apps) Update(ctx context.Context, a storage.Application) (storage.Application, error) {
	if err := a.Validate(); err != nil {
		return storage.Application{}, err
	}
	var out storage.Application
	err := r.s.write(ctx, r.t, func(t *txn) (err error) {
		if r.s.apps.m[a.ID] == nil {
			return fmt.Errorf("%w: application %s", storage.ErrNotFound, a.ID)
		}
		out, err = r.s.apps.save(t, a.ID, a, func(old, next *storage.Application) {
			next.SubmittedOn = old.SubmittedOn
		})
		return err
	})
	return out, err
}

// Scan yields matching applications in id order; see storage.Applications.
func (r apps) Scan(ctx context.Context, f storage.ApplicationFilter) iter.Seq2[storage.Application, error] {
	f.Statuses = slices.Clone(f.Statuses)
	if f.Submitted != nil {
		d := *f.Submitted
		f.Submitted = &d
	}
	return func(yield func(storage.Application, error) bool) {
		scanIndex(ctx, r.s, r.t, &r.s.apps.ids, f.Batch(), func(p *storage.Application, buf []storage.Application, sl *slab) []storage.Application {
			if !f.Matches(p) {
				return buf
			}
			a := *p
			a.Document = sl.clone(a.Document)
			return append(buf, a)
		}, yield)
	}
}
