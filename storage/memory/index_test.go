package memory

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/uuid"
)

// TestIDIndexOrder: after any mix of adds (in order and out of it), undone
// adds and sorts, the index holds exactly the ids added, in byte order.
func TestIDIndexOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for round := range 200 {
		var x idIndex[int]
		var want []uuid.UUID
		for range rng.IntN(300) {
			var id uuid.UUID
			for i := range id {
				id[i] = byte(rng.IntN(4)) // few values: shared prefixes and ties in the first word
			}
			if slices.Contains(want, id) {
				continue
			}
			switch op := rng.IntN(10); {
			case op == 0 && len(want) > 0: // undo the last add
				x.remove(want[len(want)-1])
				want = want[:len(want)-1]
			case op == 1:
				x.sortIDs()
			default:
				x.add(id, nil)
				want = append(want, id)
			}
		}
		if x.needsSort() {
			x.sortIDs()
		}
		slices.SortFunc(want, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
		got := make([]uuid.UUID, len(x.items))
		for i, it := range x.items {
			got[i] = it.id
		}
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: index %v, want %v", round, got, want)
		}
	}
}
