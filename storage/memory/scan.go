package memory

import (
	"context"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

// examineFactor bounds the records one batch examines to examineFactor×batch,
// so a selective filter does not hold the lock over the whole portfolio.
const examineFactor = 16

// scan yields, batch by batch in id order, what pick returns for the
// records of idx. pick runs under the lock and must return a copy; it may
// carve copies out of the batch's slab (see slab).
func scan[T, R any](ctx context.Context, s *Store, t *txn, idx *idIndex[R], batch int,
	pick func(rec *R, sl *slab) (T, bool), yield func(T, error) bool) {
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
		clear(buf) // drop references to the last batch's slab
		buf = buf[:0]
		more := false
		sl := &slab{}
		s.locked(t, func() {
			if idx.needsSort() {
				idx.sortIDs()
			}
		}, func() bool { return idx.needsSort() }, func() {
			i := idx.from(cursor, started)
			limit := min(len(idx.items), i+examineFactor*batch)
			for ; i < limit && len(buf) < batch; i++ {
				if v, ok := pick(idx.items[i].rec, sl); ok {
					buf = append(buf, v)
				}
				cursor, started = idx.items[i].id, true
			}
			more = i < len(idx.items)
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

// locked runs f with the store locked for reading (or inside t, under the
// unit's write lock), after running prepare under the write lock when
// needed reports it must.
func (s *Store) locked(t *txn, prepare func(), needed func() bool, f func()) {
	if t != nil {
		t.enter()
		prepare()
		f()
		return
	}
	s.mu.RLock()
	if !needed() {
		defer s.mu.RUnlock()
		f()
		return
	}
	s.mu.RUnlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	prepare()
	f()
}

// slab hands out copies of byte slices from one shared allocation per
// batch, so a scan allocates per batch rather than per record. Each copy is
// capped at its own length: appending to one reallocates instead of
// overwriting its neighbour.
type slab struct{ buf []byte }

const slabSize = 64 << 10

func (s *slab) clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	if cap(s.buf)-len(s.buf) < len(b) {
		if len(b) > slabSize/4 {
			return append([]byte(nil), b...)
		}
		s.buf = make([]byte, 0, slabSize)
	}
	start := len(s.buf)
	s.buf = append(s.buf, b...)
	return s.buf[start:len(s.buf):len(s.buf)]
}
