package money

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// referenceAllocate is the textbook largest-remainder method: sort every
// remainder by (remainder desc, weight desc, index asc) and hand the
// leftover units down the list. The heap selection in AllocateInto must
// pick exactly the same parts.
func referenceAllocate(total int64, weights []int64) []int64 {
	var sum int64
	for _, w := range weights {
		sum += w
	}
	out := make([]int64, len(weights))
	type rem struct{ r, w, i int64 }
	rems := make([]rem, len(weights))
	var given int64
	for i, w := range weights {
		out[i] = total * w / sum
		given += out[i]
		rems[i] = rem{total * w % sum, w, int64(i)}
	}
	slices.SortFunc(rems, func(a, b rem) int {
		switch {
		case a.r != b.r:
			return int(b.r - a.r)
		case a.w != b.w:
			return int(b.w - a.w)
		}
		return int(a.i - b.i)
	})
	for k := int64(0); k < total-given; k++ {
		out[rems[k].i]++
	}
	return out
}

func TestAllocateMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for trial := 0; trial < 3000; trial++ {
		n := 1 + rng.IntN(300)
		weights := make([]int64, n)
		for i := range weights {
			// Few distinct weights make ties common.
			weights[i] = int64(rng.IntN(1 + rng.IntN(50)))
		}
		weights[rng.IntN(n)]++ // a positive sum
		total := int64(rng.IntN(100000))
		got, err := Allocate(New(total, CNY), weights)
		require.NoError(t, err)
		want := referenceAllocate(total, weights)
		for i := range want {
			require.Equal(t, want[i], got[i].Minor(), "trial %d part %d (n=%d total=%d)", trial, i, n, total)
		}
	}
}

func BenchmarkAllocate10000(b *testing.B) {
	weights := make([]int64, 10000)
	for i := range weights {
		weights[i] = int64(1000 + i*7%5000)
	}
	dst := make([]Amount, len(weights))
	b.ReportAllocs()
	for b.Loop() {
		if err := AllocateInto(dst, New(88849, CNY), weights); err != nil {
			b.Fatal(err)
		}
	}
}
