package collateral

import (
	"testing"

	"github.com/google/uuid"
	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzAllocateValue: however an item's value is split across loans of any
// ranks and outstandings, the parts sum to the value, none is negative, and
// a rank gets nothing while a more senior rank is not paid in full.
func FuzzAllocateValue(f *testing.F) {
	f.Add(int64(70000000), uint8(1), int64(30000000), uint8(1), int64(60000000), uint8(2), int64(5))
	f.Add(int64(100000), uint8(2), int64(10000), uint8(1), int64(30000), uint8(3), int64(0))
	f.Add(int64(0), uint8(1), int64(0), uint8(1), int64(0), uint8(1), int64(0))
	f.Add(int64(1), uint8(3), int64(0), uint8(3), int64(0), uint8(1), int64(7))
	f.Fuzz(func(t *testing.T, value int64, r1 uint8, o1 int64, r2 uint8, o2 int64, r3 uint8, o3 int64) {
		v := money.New(abs(value)%money.MaxMinor, money.CNY)
		claims := []Claim{
			{int(r1%4) + 1, money.New(abs(o1)%money.MaxMinor, money.CNY)},
			{int(r2%4) + 1, money.New(abs(o2)%money.MaxMinor, money.CNY)},
			{int(r3%4) + 1, money.New(abs(o3)%money.MaxMinor, money.CNY)},
		}
		parts, err := AllocateValue(v, claims)
		require.NoError(t, err)
		assert.Equal(t, v, money.Sum(parts...), "parts must sum to the value")
		junior := 0
		for _, c := range claims {
			junior = max(junior, c.Rank)
		}
		for i, p := range parts {
			assert.False(t, p.IsNegative())
			if claims[i].Rank == junior {
				continue
			}
			assert.False(t, claims[i].Outstanding.Less(p), "a senior claim never gets more than it is owed")
			if p.IsPositive() {
				for k, c := range claims {
					if c.Rank < claims[i].Rank {
						assert.Equal(t, c.Outstanding, parts[k], "rank %d paid before rank %d was full", claims[i].Rank, c.Rank)
					}
				}
			}
		}
		shares, surplus, err := DistributeProceeds(v, claims)
		require.NoError(t, err)
		assert.Equal(t, v, money.Sum(shares...).Add(surplus))
		for i, s := range shares {
			assert.False(t, s.IsNegative())
			assert.False(t, claims[i].Outstanding.Less(s))
		}
	})
}

func abs(v int64) int64 {
	if v < 0 {
		if v == -v {
			return 0
		}
		return -v
	}
	return v
}

// FuzzCoverageNeverNegative: whatever the valuations, haircuts, prior
// claims and outstandings, coverage, lending value and shortfall are never
// negative, and the shortfall is zero exactly when outstanding ≤ lending
// value × allowed LTV.
func FuzzCoverageNeverNegative(f *testing.F) {
	f.Add(int64(100000000), int64(56000000), int64(0), uint8(0), int64(10000000), uint8(2))
	f.Add(int64(1), int64(1000), int64(500), uint8(6), int64(0), uint8(1))
	f.Add(int64(0), int64(0), int64(0), uint8(3), int64(1), uint8(1))
	f.Fuzz(func(t *testing.T, value, outA, prior int64, kind uint8, outB int64, rankB uint8) {
		r, err := NewRegister(DefaultPolicy())
		require.NoError(t, err)
		on := date.New(2024, 1, 1)
		a, b := uuid.UUID{15: 1}, uuid.UUID{15: 2}
		pc := money.New(abs(prior)%money.MaxMinor, money.CNY)
		it := Item{ID: uuid.UUID{15: 9}, Kind: Kind(kind%uint8(kindEnd-1)) + 1, Owner: "o", Currency: money.CNY,
			Registration: Registration{Rank: 2, PriorClaims: pc}, Liens: []Lien{{a, 1}, {b, int(rankB%3) + 1}}}
		require.NoError(t, r.Add(it))
		require.NoError(t, r.Pledge(it.ID, on))
		require.NoError(t, r.AddValuation(it.ID, Valuation{Date: on, Amount: money.New(abs(value)%money.MaxMinor, money.CNY), Method: Appraisal, Source: "f"}, on))
		exp := []Exposure{{a, money.New(abs(outA)%money.MaxMinor, money.CNY)}, {b, money.New(abs(outB)%money.MaxMinor, money.CNY)}}
		res, err := r.Evaluate(on, exp)
		require.NoError(t, err)
		v, err := r.ValueAt(it.ID, on)
		require.NoError(t, err)
		assert.Equal(t, v.Lending, res[0].LendingValue.Add(res[1].LendingValue), "loans share exactly the item's lending value")
		for _, c := range res {
			assert.False(t, c.LendingValue.IsNegative())
			assert.False(t, c.MarketValue.IsNegative())
			assert.False(t, c.Shortfall.IsNegative())
			if cov, ok := c.Coverage(); ok {
				assert.False(t, cov.IsNegative())
			}
			assert.Equal(t, c.Shortfall.IsPositive(), c.Outstanding.Cmp(c.LendingValue) > 0, "allowed LTV is 100 %%")
		}
	})
}
