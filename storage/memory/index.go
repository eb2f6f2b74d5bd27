package memory

import (
	"bytes"
	"slices"
	"sort"

	"github.com/google/uuid"
)

// idIndex keeps ids for scans in ascending order. Inserts append and mark
// the index unsorted; the next scan sorts once (n log n) rather than every
// insert paying O(n).
type idIndex struct {
	ids    []uuid.UUID
	sorted bool
}

func (x *idIndex) add(id uuid.UUID) {
	switch {
	case len(x.ids) == 0:
		x.sorted = true
	case cmpID(x.ids[len(x.ids)-1], id) >= 0:
		x.sorted = false
	}
	x.ids = append(x.ids, id)
}

// remove deletes id (used only to undo an add, so it is usually last).
func (x *idIndex) remove(id uuid.UUID) {
	for i := len(x.ids) - 1; i >= 0; i-- {
		if x.ids[i] == id {
			x.ids = slices.Delete(x.ids, i, i+1)
			return
		}
	}
}

// needsSort reports whether sortIDs must run before the next from.
func (x *idIndex) needsSort() bool { return !x.sorted }

func (x *idIndex) sortIDs() {
	slices.SortFunc(x.ids, cmpID)
	x.sorted = true
}

// from returns the position of the first id after cursor (of the first id
// when started is false). The index must be sorted.
func (x *idIndex) from(cursor uuid.UUID, started bool) int {
	if !started {
		return 0
	}
	return sort.Search(len(x.ids), func(i int) bool { return cmpID(x.ids[i], cursor) > 0 })
}

func cmpID(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }
