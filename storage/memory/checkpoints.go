package memory

import (
	"context"
	"fmt"

	"github.com/lendcore/lendcore/storage"
)

type ckKey struct{ scope, key string }

type checkpoints struct {
	s *Store
	t *txn
}

// Get returns a checkpoint; see storage.Checkpoints.
func (r checkpoints) Get(ctx context.Context, scope, key string) (storage.Checkpoint, error) {
	var c storage.Checkpoint
	err := r.s.read(ctx, r.t, func() error {
		got, ok := r.s.checkpoints[ckKey{scope, key}]
		if !ok {
			return fmt.Errorf("%w: checkpoint %s/%s", storage.ErrNotFound, scope, key)
		}
		c = got.Clone()
		return nil
	})
	return c, err
}

// Put stores a checkpoint, replacing the previous one; see
// storage.Checkpoints.
func (r checkpoints) Put(ctx context.Context, c storage.Checkpoint) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return r.s.write(ctx, r.t, func(t *txn) error {
		k := ckKey{c.Scope, c.Key}
		old, had := r.s.checkpoints[k]
		r.s.checkpoints[k] = c.Clone()
		t.onUndo(func() {
			if had {
				r.s.checkpoints[k] = old
			} else {
				delete(r.s.checkpoints, k)
			}
		})
		return nil
	})
}
