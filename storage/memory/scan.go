package memory

import (
	"context"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

// examineFactor bounds the records one batch examines to examineFactor×batch,
// so a selective filter does not hold the lock over the whole portfolio.
const examineFactor = 16

// sorter is an index that may need sorting (under the write lock) before a
// batch reads it; nil when none does.
type sorter interface {
	needsSort() bool
	sortIDs()
}

// batches drives a scan. fill runs under the store's lock — a read lock
// outside a unit of work, the unit's write lock inside one — and appends
// to buf at most n values, copies of what it picked (it may carve them out
// of the batch's slab), returning whether more may follow. The values are
// yielded with the lock released, so the caller's loop may write to the
// store, and a record written between two batches is seen at most once:
// fill resumes from the key it stopped at, not from a position.
func batches[T any](ctx context.Context, s *Store, t *txn, n int, idx sorter,
	fill func(buf []T, sl *slab) ([]T, bool), yield func(T, error) bool) {
	var zero T
	// The batch grows as it fills: a partition or a selective filter
	// yields far fewer values than n, and n large records cost a large
	// allocation per scan.
	var buf []T
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
		var more bool
		sl := &slab{}
		s.locked(t, idx, func() { buf, more = fill(buf, sl) })
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
// unit's write lock), after sorting idx under the write lock when it needs
// it.
func (s *Store) locked(t *txn, idx sorter, f func()) {
	if t != nil {
		t.enter()
		if idx != nil && idx.needsSort() {
			idx.sortIDs()
		}
		f()
		return
	}
	s.mu.RLock()
	if idx == nil || !idx.needsSort() {
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

// scanIndex yields, batch by batch in id order, what pick appends to the
// batch for the records of idx. pick runs under the lock and must append a
// copy (or nothing, for a record the filter leaves out); appending in place
// spares a scan of large records a copy of each.
func scanIndex[R, T any](ctx context.Context, s *Store, t *txn, idx *idIndex[R], n int,
	pick func(rec *R, buf []T, sl *slab) []T, yield func(T, error) bool) {
	scanRange(ctx, s, t, idx, nil, n, pick, yield)
}

// scanRange is scanIndex over the ids in r only (all when r is nil): it
// starts at r.From and stops at r.To, so a close partition costs its own
// loans, not a pass over the whole portfolio.
func scanRange[R, T any](ctx context.Context, s *Store, t *txn, idx *idIndex[R], r *storage.IDRange, n int,
	pick func(rec *R, buf []T, sl *slab) []T, yield func(T, error) bool) {
	var cursor uuid.UUID
	started := false
	batches(ctx, s, t, n, idx, func(buf []T, sl *slab) ([]T, bool) {
		i := idx.from(cursor, started)
		if !started && r != nil {
			i = idx.atOrAfter(r.From)
		}
		end := len(idx.items)
		if r != nil && r.To != uuid.Nil {
			end = idx.atOrAfter(r.To)
		}
		limit := min(end, i+examineFactor*n)
		for ; i < limit && len(buf) < n; i++ {
			buf = pick(idx.items[i].rec, buf, sl)
			cursor, started = idx.items[i].id, true
		}
		return buf, i < end
	}, yield)
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
