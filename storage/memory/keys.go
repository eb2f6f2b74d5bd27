package memory

// keyIndex finds the rows of an append-only log (a loan's journal, a
// book's operations, a debtor's contacts) by idempotency key: by scanning
// while the log is short, with a map once it is long enough for a map to
// beat a scan. Most logs never get one, and a map costs a few hundred bytes.
type keyIndex struct{ m map[string]int }

// keyMapAt is the log length from which a log gets a key map.
const keyMapAt = 16

// find returns the position of the row with key k in a log of n rows
// whose i-th key is keyAt(i).
func (x *keyIndex) find(n int, keyAt func(int) string, k string) (int, bool) {
	if x.m != nil {
		i, ok := x.m[k]
		return i, ok
	}
	for i := range n {
		if keyAt(i) == k {
			return i, true
		}
	}
	return 0, false
}

// sync keeps the map in step with the log after rows were appended or
// removed (by an undo).
func (x *keyIndex) sync(n int, keyAt func(int) string) {
	switch {
	case n < keyMapAt:
		x.m = nil
	case x.m != nil && len(x.m) <= n:
		// Keys are unique in a log: the map covers a prefix of it.
		for i := len(x.m); i < n; i++ {
			x.m[keyAt(i)] = i
		}
	default:
		x.m = make(map[string]int, n)
		for i := range n {
			x.m[keyAt(i)] = i
		}
	}
}
