package collateral

import (
	"fmt"

	"github.com/lendcore/lendcore/money"
)

// Claim is one loan's claim on an item's value: its rank on the item and
// what it has outstanding.
type Claim struct {
	Rank        int          `json:"rank"`
	Outstanding money.Amount `json:"outstanding"`
}

// AllocateValue splits an item's value across the loans it secures, for
// coverage: rank 1 first, each loan receiving up to its outstanding; when
// what is left does not cover a rank, the rank shares it pro rata to
// outstanding by the largest-remainder method (money.Allocate). Whatever
// exceeds every claim goes to the most junior rank (pro rata, or equally if
// it has nothing outstanding), since the junior lender takes the residual
// value. The parts always sum to value.
func AllocateValue(value money.Amount, claims []Claim) ([]money.Amount, error) {
	if err := checkClaims(value, claims); err != nil {
		return nil, err
	}
	dst := make([]money.Amount, len(claims))
	waterfall(dst, value, claims, false)
	return dst, nil
}

// DistributeProceeds splits the net proceeds of a sale across the loans
// the item secured: by rank, each loan up to its outstanding, pro rata
// within a rank that cannot be paid in full. What exceeds every claim is
// the surplus, due back to the owner. Shares plus surplus equal net.
func DistributeProceeds(net money.Amount, claims []Claim) (shares []money.Amount, surplus money.Amount, err error) {
	if err := checkClaims(net, claims); err != nil {
		return nil, money.Amount{}, err
	}
	shares = make([]money.Amount, len(claims))
	surplus = waterfall(shares, net, claims, true)
	return shares, surplus, nil
}

func checkClaims(total money.Amount, claims []Claim) error {
	v := invalid(ErrInvalidInput)
	if total.IsNegative() {
		v.Addf("value", "%s must not be negative", total)
	}
	if len(claims) == 0 {
		v.Add("claims", "at least one claim is needed")
	}
	for i, c := range claims {
		f := fmt.Sprintf("claims[%d]", i)
		if c.Rank < 1 {
			v.Addf(f+".rank", "%d must be at least 1", c.Rank)
		}
		checkAmount(v, f+".outstanding", c.Outstanding, total.Currency(), false)
	}
	return v.Err()
}

// waterfall writes each claim's share of total into dst (len(claims)) and
// returns what is left over when capJunior holds (zero otherwise). Claims
// must be valid. It allocates only for ranks of more than eight loans.
func waterfall(dst []money.Amount, total money.Amount, claims []Claim, capJunior bool) money.Amount {
	cur := total.Currency()
	if len(claims) == 1 { // the common case: one item, one loan
		share := total
		if capJunior {
			share = money.Min(total, claims[0].Outstanding)
		}
		dst[0] = share
		return total.Sub(share)
	}
	for i := range dst {
		dst[i] = money.Zero(cur)
	}
	junior := 0
	for _, c := range claims {
		junior = max(junior, c.Rank)
	}
	left := total
	for rank := 0; ; {
		// The next rank present after `rank`.
		next := junior + 1
		var need money.Amount
		for _, c := range claims {
			if c.Rank > rank && c.Rank < next {
				next = c.Rank
			}
		}
		if next > junior || !left.IsPositive() {
			return left
		}
		rank = next
		for _, c := range claims {
			if c.Rank == rank {
				need = need.Add(c.Outstanding)
			}
		}
		last := rank == junior
		if need.Cmp(left) <= 0 && (capJunior || !last) {
			for i, c := range claims {
				if c.Rank == rank {
					dst[i] = c.Outstanding
				}
			}
			left = left.Sub(need)
			continue
		}
		// The rank takes all that is left, shared pro rata to outstanding
		// (equally when nothing is outstanding).
		splitRank(dst, left, claims, rank, need.IsZero())
		return money.Zero(cur)
	}
}

// splitRank shares amount among the claims of one rank by largest remainder.
func splitRank(dst []money.Amount, amount money.Amount, claims []Claim, rank int, equal bool) {
	var wbuf [8]int64
	var pbuf [8]money.Amount
	var ibuf [8]int
	weights, parts, idx := wbuf[:0], pbuf[:0], ibuf[:0]
	for i, c := range claims {
		if c.Rank != rank {
			continue
		}
		w := c.Outstanding.Minor()
		if equal {
			w = 1
		}
		weights = append(weights, w)
		parts = append(parts, money.Amount{})
		idx = append(idx, i)
	}
	// Cannot fail: the weights are non-negative with a positive sum.
	_ = money.AllocateInto(parts, amount, weights)
	for k, i := range idx {
		dst[i] = parts[k]
	}
}
