package money_test

import (
	"encoding/json"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// TestRateUnmarshalFraction: "num/den" is exactly two base-10 integers.
func TestRateUnmarshalFraction(t *testing.T) {
	var r money.Rate
	require.NoError(t, r.UnmarshalText([]byte("49/1000")))
	assert.Equal(t, money.MustRate("4.9%"), r)
	require.NoError(t, r.UnmarshalText([]byte("-1/3")))
	assert.Equal(t, "-1/3", r.String())
	for _, bad := range []string{"0x31/1000", "49abc/1000", "1/2/3", "1_0/3", "1/ 3", " 1/3", "1/", "/3", "1/0", "1/-3", "+-1/3"} {
		var v money.Rate
		assert.ErrorIs(t, v.UnmarshalText([]byte(bad)), money.ErrInvalidRate, bad)
	}
}

// TestAllocateAmountsCurrency: every weight must be in the total's currency
// (or be the currency-less zero).
func TestAllocateAmountsCurrency(t *testing.T) {
	usd := money.New(1, money.USD)
	_, err := money.AllocateAmounts(money.New(100, money.CNY), []money.Amount{usd, usd})
	assert.ErrorIs(t, err, money.ErrCurrencyMismatch)
	_, err = money.AllocateAmounts(money.New(100, money.CNY), []money.Amount{{}, usd})
	assert.ErrorIs(t, err, money.ErrCurrencyMismatch)
	_, err = money.AllocateAmounts(money.New(100, money.CNY), []money.Amount{{}, money.New(1, money.CNY), usd})
	assert.ErrorIs(t, err, money.ErrCurrencyMismatch)
	parts, err := money.AllocateAmounts(money.New(100, money.CNY), []money.Amount{{}, money.New(1, money.CNY), money.New(3, money.CNY)})
	require.NoError(t, err)
	assert.Equal(t, []int64{0, 25, 75}, minors(parts))
}

// TestInvalidRoundingMode: a mode outside the defined ones is an error, not
// a silent Down or HalfUp.
func TestInvalidRoundingMode(t *testing.T) {
	bad := money.RoundingMode(9)
	a := money.New(105, money.CNY)
	_, err := a.MulRate(money.MustRate("0.1"), bad)
	assert.ErrorIs(t, err, money.ErrInvalidRounding)
	_, err = a.MulFrac(1, 10, bad)
	assert.ErrorIs(t, err, money.ErrInvalidRounding)
	_, err = money.RoundDecimal(decimal.RequireFromString("1.005"), money.CNY, bad)
	assert.ErrorIs(t, err, money.ErrInvalidRounding)
	_, err = a.RoundToMultiple(money.New(100, money.CNY), bad)
	assert.ErrorIs(t, err, money.ErrInvalidRounding)
	// HalfUp is explicit in Rounding.Decimal.
	assert.Equal(t, "1.01", money.Rounding{Mode: money.HalfUp, Scale: 2}.Decimal(decimal.RequireFromString("1.005")).String())
	assert.Equal(t, "-1.01", money.Rounding{Mode: money.HalfUp, Scale: 2}.Decimal(decimal.RequireFromString("-1.005")).String())
}

// TestUnknownRoundingModeListsTheAllowed: an unknown name is a
// *fault.Fields naming "rounding" that lists every mode, and leaves the
// destination as it was.
func TestUnknownRoundingModeListsTheAllowed(t *testing.T) {
	m := money.HalfEven
	err := json.Unmarshal([]byte(`"half-down"`), &m)
	assert.ErrorIs(t, err, money.ErrInvalidRounding)
	assert.Equal(t, money.HalfEven, m, "unchanged on error")
	var bad *fault.Fields
	require.ErrorAs(t, err, &bad)
	f, ok := bad.Get("rounding")
	require.True(t, ok, "%v", err)
	assert.Equal(t, "half-down", f.Value)
	assert.Equal(t, `unknown rounding "half-down"; want one of: half-up, half-even, down, up, ceiling, floor`, f.Problem)
	assert.Equal(t, fault.CodeInvalid, fault.CodeOf(err))
	_, err = money.RoundingMode(9).MarshalText()
	assert.ErrorIs(t, err, money.ErrInvalidRounding)
	for _, name := range []string{"half-up", "half-even", "down", "up", "ceiling", "floor"} {
		m, err := money.ParseRoundingMode(name)
		require.NoError(t, err)
		assert.Equal(t, name, m.String())
	}
}

// TestMulFracRange: MulFrac keeps results within MaxMinor, like MulRate.
func TestMulFracRange(t *testing.T) {
	_, err := money.New(money.MaxMinor, money.CNY).MulFrac(1000, 1, money.HalfUp)
	assert.ErrorIs(t, err, money.ErrOutOfRange)
	_, err = money.New(-money.MaxMinor, money.CNY).MulFrac(2, 1, money.HalfUp)
	assert.ErrorIs(t, err, money.ErrOutOfRange)
	got, err := money.New(money.MaxMinor, money.CNY).MulFrac(1, 1, money.HalfUp)
	require.NoError(t, err)
	assert.Equal(t, int64(money.MaxMinor), got.Minor())
}

// TestAllocateIntoNoAllocs: an exact split over more than 64 weights leaves
// no remainders, so nothing is allocated.
func TestAllocateIntoNoAllocs(t *testing.T) {
	weights := make([]int64, 100)
	for i := range weights {
		weights[i] = 1
	}
	dst := make([]money.Amount, len(weights))
	total := money.New(10000, money.CNY)
	allocs := testing.AllocsPerRun(100, func() {
		if err := money.AllocateInto(dst, total, weights); err != nil {
			t.Fatal(err)
		}
	})
	assert.Equal(t, 0.0, allocs)
	for _, p := range dst {
		require.Equal(t, int64(100), p.Minor())
	}
}
