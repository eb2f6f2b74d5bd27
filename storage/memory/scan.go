package memory

import (
	"context"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

// examineFactor bounds the ids one batch examines to examineFactor×batch,
// so a selective filter does not hold the lock over the whole portfolio.
const examineFactor = 16

// scan yields, batch by batch in id order, what pick returns for the ids of
// idx. pick runs under the lock and must return a copy.
func scan[T any](ctx context.Context, s *Store, t *txn, idx *idIndex, batch int,
	pick func(id uuid.UUID) (T, bool), yield func(T, error) bool) {
	var zero T
	var cursor uuid.UUID
	started := false
	buf := make([]T, 0, batch)
	for {
		if err := ctx.Err(); err != nil {
			yield(zero, err)
			return
		}
		if t != nil && t.done {
			yield(zero, storage.ErrTxDone)
			return
		}
		buf = buf[:0]
		more := false
		s.locked(t, idx, func() {
			i := idx.from(cursor, started)
			limit := min(len(idx.ids), i+examineFactor*batch)
			for ; i < limit && len(buf) < batch; i++ {
				if v, ok := pick(idx.ids[i]); ok {
					buf = append(buf, v)
				}
				cursor, started = idx.ids[i], true
			}
			more = i < len(idx.ids)
		})
		for _, v := range buf {
			if !yield(v, nil) {
				return
			}
		}
		if !more {
			return
		}
	}
}

// locked runs f with idx sorted and the store locked for reading (or
// inside t, which already holds the write lock).
func (s *Store) locked(t *txn, idx *idIndex, f func()) {
	if t != nil {
		if idx.needsSort() {
			idx.sortIDs()
		}
		f()
		return
	}
	s.mu.RLock()
	if !idx.needsSort() {
		defer s.mu.RUnlock()
		f()
		return
	}
	s.mu.RUnlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if idx.needsSort() {
		idx.sortIDs()
	}
	f()
}
