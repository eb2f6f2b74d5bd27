package memory

import (
	"cmp"
	"encoding/binary"
	"slices"
	"sort"

	"github.com/google/uuid"
)

// idIndex keeps records for scans in ascending id order. Inserts append;
// the next scan sorts what was appended out of order and merges it in, so
// a day's new loans cost a sort of themselves rather than of the whole
// portfolio. Holding the record pointers spares a scan a map lookup per
// record.
type idIndex[T any] struct {
	items  []item[T]
	sorted int // items[:sorted] is in id order
}

type item[T any] struct {
	id  uuid.UUID
	rec *T
}

func (x *idIndex[T]) add(id uuid.UUID, rec *T) {
	if x.sorted == len(x.items) && (x.sorted == 0 || cmpID(x.items[x.sorted-1].id, id) < 0) {
		x.sorted++
	}
	x.items = append(x.items, item[T]{id, rec})
}

// remove deletes id (used only to undo an add, so it is usually last).
func (x *idIndex[T]) remove(id uuid.UUID) {
	for i := len(x.items) - 1; i >= 0; i-- {
		if x.items[i].id == id {
			x.items = slices.Delete(x.items, i, i+1)
			x.sorted = min(x.sorted, i)
			return
		}
	}
}

// needsSort reports whether sortIDs must run before the next from.
func (x *idIndex[T]) needsSort() bool { return x.sorted < len(x.items) }

func (x *idIndex[T]) sortIDs() {
	byID := func(a, b item[T]) int { return cmpID(a.id, b.id) }
	head, tail := x.items[:x.sorted], x.items[x.sorted:]
	slices.SortFunc(tail, byID)
	if len(head) > 0 && len(tail) > 0 && byID(head[len(head)-1], tail[0]) > 0 {
		merged := make([]item[T], 0, len(x.items))
		for len(head) > 0 && len(tail) > 0 {
			if byID(head[0], tail[0]) <= 0 {
				merged, head = append(merged, head[0]), head[1:]
			} else {
				merged, tail = append(merged, tail[0]), tail[1:]
			}
		}
		merged = append(append(merged, head...), tail...)
		x.items = merged
	}
	x.sorted = len(x.items)
}

// from returns the position of the first id after cursor (of the first id
// when started is false). The index must be sorted.
func (x *idIndex[T]) from(cursor uuid.UUID, started bool) int {
	if !started {
		return 0
	}
	return sort.Search(len(x.items), func(i int) bool { return cmpID(x.items[i].id, cursor) > 0 })
}

// atOrAfter returns the position of the first id not before id. The index
// must be sorted.
func (x *idIndex[T]) atOrAfter(id uuid.UUID) int {
	return sort.Search(len(x.items), func(i int) bool { return cmpID(x.items[i].id, id) >= 0 })
}

// cmpID orders ids as bytes.Compare would, as two big-endian words.
func cmpID(a, b uuid.UUID) int {
	if c := cmp.Compare(binary.BigEndian.Uint64(a[:8]), binary.BigEndian.Uint64(b[:8])); c != 0 {
		return c
	}
	return cmp.Compare(binary.BigEndian.Uint64(a[8:]), binary.BigEndian.Uint64(b[8:]))
}
