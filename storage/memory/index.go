package memory

import (
	"bytes"
	"slices"
	"sort"

	"github.com/google/uuid"
)

// idIndex keeps records for scans in ascending id order. Inserts append and
// mark the index unsorted; the next scan sorts once (n log n) rather than
// every insert paying O(n). Holding the record pointers spares a scan a map
// lookup per record.
type idIndex[T any] struct {
	items  []item[T]
	sorted bool
}

type item[T any] struct {
	id  uuid.UUID
	rec *T
}

func (x *idIndex[T]) add(id uuid.UUID, rec *T) {
	switch {
	case len(x.items) == 0:
		x.sorted = true
	case cmpID(x.items[len(x.items)-1].id, id) >= 0:
		x.sorted = false
	}
	x.items = append(x.items, item[T]{id, rec})
}

// remove deletes id (used only to undo an add, so it is usually last).
func (x *idIndex[T]) remove(id uuid.UUID) {
	for i := len(x.items) - 1; i >= 0; i-- {
		if x.items[i].id == id {
			x.items = slices.Delete(x.items, i, i+1)
			return
		}
	}
}

// needsSort reports whether sortIDs must run before the next from.
func (x *idIndex[T]) needsSort() bool { return !x.sorted }

func (x *idIndex[T]) sortIDs() {
	slices.SortFunc(x.items, func(a, b item[T]) int { return cmpID(a.id, b.id) })
	x.sorted = true
}

// from returns the position of the first id after cursor (of the first id
// when started is false). The index must be sorted.
func (x *idIndex[T]) from(cursor uuid.UUID, started bool) int {
	if !started {
		return 0
	}
	return sort.Search(len(x.items), func(i int) bool { return cmpID(x.items[i].id, cursor) > 0 })
}

func cmpID(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }
