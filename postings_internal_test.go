package lendcore

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// countedDelta is postingDelta without the shared-prefix shortcut: the
// multiset difference both ways, by counting alone.
func countedDelta(old, now []loan.Posting) []loan.Posting {
	count := map[loan.Posting]int{}
	for _, p := range old {
		count[p]++
	}
	var out []loan.Posting
	for _, p := range now {
		if count[p] > 0 {
			count[p]--
			continue
		}
		out = append(out, p)
	}
	for _, p := range old {
		if count[p] > 0 {
			count[p]--
			p.Debit, p.Credit, p.Kind = p.Credit, p.Debit, "restatement"
			out = append(out, p)
		}
	}
	return out
}

// TestPostingDeltaPrefixShortcut: skipping the common prefix must give
// exactly what counting the whole lists gives, duplicates included.
func TestPostingDeltaPrefixShortcut(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	posting := func() loan.Posting {
		// Few distinct values, so equal postings recur in both lists.
		return loan.Posting{Date: date.New(2024, 1, 1+rng.IntN(3)), Kind: "accrual",
			Debit: "cash", Credit: []string{"interest-receivable", "loans-receivable"}[rng.IntN(2)],
			Amount: money.New(int64(1+rng.IntN(3)), money.CNY)}
	}
	for i := range 2000 {
		old := make([]loan.Posting, rng.IntN(12))
		for j := range old {
			old[j] = posting()
		}
		now := slices.Clone(old[:rng.IntN(len(old)+1)])
		for range rng.IntN(8) {
			now = append(now, posting())
		}
		if got, want := postingDelta(old, now), countedDelta(old, now); !slices.Equal(got, want) {
			t.Fatalf("case %d:\nold %v\nnow %v\ngot  %v\nwant %v", i, old, now, got, want)
		}
	}
}
