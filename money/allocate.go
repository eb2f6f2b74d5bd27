package money

import (
	"fmt"
	"math/bits"
	"slices"
)

// Allocate splits total into len(weights) parts proportional to the weights
// by the largest-remainder method, so the parts always sum exactly to total.
//
// Each part first gets the truncated quotient total·wᵢ/Σw in minor units;
// the minor units left over go one each to the parts with the largest
// remainders. Ties are broken deterministically: the larger weight first,
// then the lower index (the earlier holder). A negative total is split as its
// magnitude and negated, so refunds mirror payments.
//
// Weights must be non-negative with a positive sum (a zero total may be
// split over any weights); otherwise ErrInvalidWeights.
func Allocate(total Amount, weights []int64) ([]Amount, error) {
	dst := make([]Amount, len(weights))
	if err := AllocateInto(dst, total, weights); err != nil {
		return nil, err
	}
	return dst, nil
}

// AllocateAmounts is Allocate with the weights given as amounts (for
// example principal held by each investor). Every weight must be in the
// total's currency (the currency-less zero Amount fits any); otherwise
// ErrCurrencyMismatch.
func AllocateAmounts(total Amount, weights []Amount) ([]Amount, error) {
	w := make([]int64, len(weights))
	cur := total // the first real currency seen, checked against all
	for i, a := range weights {
		if !a.SameCurrency(cur) {
			return nil, fmt.Errorf("%w: weight %d is %s, the total is %s", ErrCurrencyMismatch, i, a.cur, cur.cur)
		}
		if !a.cur.IsZero() && cur.cur.IsZero() {
			cur = a
		}
		w[i] = a.minor
	}
	return Allocate(total, w)
}

// remainder is a part's leftover fraction of a unit, with the keys that
// break ties.
type remainder struct {
	rem uint64
	w   int64
	i   int
}

// AllocateInto is Allocate writing into dst, which must have len(weights)
// elements; it allocates only when more than 64 parts have a remainder (a
// fraction of a unit left over after the truncated quotients).
func AllocateInto(dst []Amount, total Amount, weights []int64) error {
	if len(dst) != len(weights) {
		return fmt.Errorf("%w: %d destinations for %d weights", ErrInvalidWeights, len(dst), len(weights))
	}
	if len(weights) == 0 {
		return fmt.Errorf("%w: no weights", ErrInvalidWeights)
	}
	var sum uint64
	for i, w := range weights {
		if w < 0 {
			return fmt.Errorf("%w: weight %d is negative (%d)", ErrInvalidWeights, i, w)
		}
		var carry uint64
		sum, carry = bits.Add64(sum, uint64(w), 0)
		if carry != 0 || sum > 1<<63-1 {
			return fmt.Errorf("%w: weights overflow", ErrInvalidWeights)
		}
	}
	if sum == 0 {
		if total.minor != 0 {
			return fmt.Errorf("%w: weights sum to zero", ErrInvalidWeights)
		}
		for i := range dst {
			dst[i] = Amount{0, total.cur}
		}
		return nil
	}
	neg := total.minor < 0
	t := abs64(total.minor)
	var given uint64
	var stack [64]remainder
	rems := stack[:0] // append moves it to the heap past 64 remainders
	for i, w := range weights {
		hi, lo := bits.Mul64(t, uint64(w))
		q, r := bits.Div64(hi, lo, sum) // hi < sum since w ≤ sum
		given += q
		dst[i] = Amount{int64(q), total.cur}
		if r != 0 {
			rems = append(rems, remainder{r, w, i})
		}
	}
	// Fewer than len(rems) units are left over (each remainder is less than
	// one unit): they go to the largest remainders. Only which parts get
	// them matters, not their order, so a selection of the top ones is
	// enough; the key (remainder, weight, index) is a total order, so the
	// selected set is the same whatever the algorithm.
	for _, r := range topRemainders(rems, int(t-given)) {
		dst[r.i].minor++
	}
	if neg {
		for i := range dst {
			dst[i].minor = -dst[i].minor
		}
	}
	return nil
}

// before orders remainders: larger remainder first, then larger weight,
// then lower index.
func (a remainder) before(b remainder) bool {
	if a.rem != b.rem {
		return a.rem > b.rem
	}
	if a.w != b.w {
		return a.w > b.w
	}
	return a.i < b.i
}

// topRemainders returns the k first remainders in the order of before,
// reordering rems in place: a min-heap of the best k for a small k, else
// quickselect, with a sort when the partitions keep coming out lopsided.
// Kept for speed: a sort makes BenchmarkDistribute/010k_holders 2–3× slower (target ≤ 2 ms).
func topRemainders(rems []remainder, k int) []remainder {
	if k <= 0 {
		return nil
	}
	if k >= len(rems) {
		return rems
	}
	if k > len(rems)/8 {
		selectFirst(rems, k)
		return rems[:k]
	}
	// rems[:k] is a heap whose root is the worst of the best k.
	h := rems[:k]
	for i := k/2 - 1; i >= 0; i-- {
		siftDown(h, i)
	}
	for _, r := range rems[k:] {
		if r.before(h[0]) {
			h[0] = r
			siftDown(h, 0)
		}
	}
	return h
}

// selectFirst reorders rems so that its first k elements are the k first
// in the order of before (in no particular order among themselves).
func selectFirst(rems []remainder, k int) {
	lo, hi := 0, len(rems) // the k-th element's place lies in [lo, hi)
	budget := 2 * bits.Len(uint(len(rems)))
	for hi-lo > 1 {
		if budget == 0 {
			slices.SortFunc(rems[lo:hi], func(a, b remainder) int {
				if a.before(b) {
					return -1
				}
				if b.before(a) {
					return 1
				}
				return 0
			})
			return
		}
		budget--
		// Median of three as the pivot, moved to the end.
		mid := lo + (hi-lo)/2
		if rems[mid].before(rems[lo]) {
			rems[mid], rems[lo] = rems[lo], rems[mid]
		}
		if rems[hi-1].before(rems[lo]) {
			rems[hi-1], rems[lo] = rems[lo], rems[hi-1]
		}
		if rems[mid].before(rems[hi-1]) {
			rems[mid], rems[hi-1] = rems[hi-1], rems[mid]
		}
		pivot := rems[hi-1]
		store := lo
		for i := lo; i < hi-1; i++ {
			if rems[i].before(pivot) {
				rems[i], rems[store] = rems[store], rems[i]
				store++
			}
		}
		rems[store], rems[hi-1] = rems[hi-1], rems[store]
		switch {
		case store == k || store == k-1:
			return
		case store > k:
			hi = store
		default:
			lo = store + 1
		}
	}
}

// siftDown restores the heap property below i: a parent is never before
// its children (the worst remainder sits at the root).
func siftDown(h []remainder, i int) {
	for {
		c := 2*i + 1
		if c >= len(h) {
			return
		}
		if c+1 < len(h) && h[c].before(h[c+1]) {
			c++
		}
		if !h[i].before(h[c]) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}
