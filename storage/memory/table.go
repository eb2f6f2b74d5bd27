package memory

import (
	"fmt"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/storage"
)

// table holds versioned records by id with an index for scans in id
// order: applications, collection records and the three parts of the
// collateral register.
type table[T any] struct {
	m   map[uuid.UUID]*T
	ids idIndex[T]
	// what names the records in errors; version points into a record;
	// clone deep-copies one.
	what    string
	version func(*T) *int64
	clone   func(T) T
}

func newTable[T any](what string, version func(*T) *int64, clone func(T) T) table[T] {
	return table[T]{m: map[uuid.UUID]*T{}, what: what, version: version, clone: clone}
}

// get returns a copy of the record with id. Errors: ErrNotFound.
func (x *table[T]) get(id uuid.UUID) (T, error) {
	p := x.m[id]
	if p == nil {
		var zero T
		return zero, fmt.Errorf("%w: %s %s", storage.ErrNotFound, x.what, id)
	}
	return x.clone(*p), nil
}

// save stores a copy of rec, which was read at version read (0 for a new
// record), and returns a copy of what was stored, with its new version.
// keep, when not nil, carries what may not change from the stored record
// into the new one. Errors: ErrNotFound, ErrConflict.
func (x *table[T]) save(t *txn, id uuid.UUID, rec T, keep func(old, rec *T)) (T, error) {
	var zero T
	read := *x.version(&rec)
	old := x.m[id]
	switch {
	case old == nil && read != 0:
		return zero, fmt.Errorf("%w: %s %s", storage.ErrNotFound, x.what, id)
	case old == nil:
		p := new(T)
		*p = x.clone(rec)
		*x.version(p) = 1
		x.m[id] = p
		x.ids.add(id, p)
		t.onUndo(func() {
			delete(x.m, id)
			x.ids.remove(id)
		})
		return x.clone(*p), nil
	case *x.version(old) != read:
		return zero, fmt.Errorf("%w: %s %s is at version %d, not %d", storage.ErrConflict, x.what, id, *x.version(old), read)
	}
	prev := *old
	next := x.clone(rec)
	if keep != nil {
		keep(&prev, &next)
	}
	*x.version(&next) = read + 1
	*old = next
	t.onUndo(func() { *old = prev })
	return x.clone(next), nil
}
