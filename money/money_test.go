package money_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
)

func TestParse(t *testing.T) {
	kwd3, err := money.NewCurrency("XTS", 3)
	require.NoError(t, err)
	cases := []struct {
		in    string
		cur   money.Currency
		minor int64
		err   error
	}{
		{"1234.56", money.CNY, 123456, nil},
		{"1,234.56", money.CNY, 123456, nil},
		{"-0.5", money.CNY, -50, nil},
		{"+7", money.CNY, 700, nil},
		{" 10.10 ", money.CNY, 1010, nil},
		{"1.500", money.CNY, 150, nil}, // trailing zeros beyond the scale are harmless
		{"1.005", money.CNY, 0, money.ErrTooManyDecimals},
		{"100.5", money.JPY, 0, money.ErrTooManyDecimals}, // JPY has no minor unit
		{"100", money.JPY, 100, nil},
		{"1.234", money.KWD, 1234, nil}, // KWD: 3 decimals
		{"1.2345", money.BHD, 0, money.ErrTooManyDecimals},
		{"0.001", kwd3, 1, nil},
		{"1e3", money.CNY, 0, money.ErrInvalidAmount},
		{"", money.CNY, 0, money.ErrInvalidAmount},
		{"1.", money.CNY, 0, money.ErrInvalidAmount},
		{".", money.CNY, 0, money.ErrInvalidAmount},
		{"1..2", money.CNY, 0, money.ErrInvalidAmount},
		{",100", money.CNY, 0, money.ErrInvalidAmount},
		{"1,234,567.89", money.CNY, 123456789, nil},
		{"-12,345", money.CNY, -1234500, nil},
		{"12,3", money.CNY, 0, money.ErrInvalidAmount},
		{"1,,,2", money.CNY, 0, money.ErrInvalidAmount},
		{"1,2345.00", money.CNY, 0, money.ErrInvalidAmount},
		{"1234,567", money.CNY, 0, money.ErrInvalidAmount},
		{"100,", money.CNY, 0, money.ErrInvalidAmount},
		{"1,234.5,6", money.CNY, 0, money.ErrInvalidAmount},
		{"12a", money.CNY, 0, money.ErrInvalidAmount},
		{"10000000000000.01", money.CNY, 0, money.ErrOutOfRange}, // above MaxMinor (10¹⁵ fen)
		{"1", money.Currency{}, 0, money.ErrInvalidCurrency},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := money.Parse(c.in, c.cur)
			if c.err != nil {
				assert.ErrorIs(t, err, c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, money.New(c.minor, c.cur), got)
		})
	}
}

// TestRoundingModes: every mode on exact halves, on other fractions and on
// negatives, through MulFrac (amount · 1/10, so 5 fen → 0.5 fen).
// Definitions: issue 2 — half-up is half away from zero; up/down are about
// magnitude, ceiling/floor about sign.
func TestRoundingModes(t *testing.T) {
	cases := []struct {
		mode  money.RoundingMode
		minor int64 // tenths of a fen after · 1/10
		want  int64
	}{
		{money.HalfUp, 5, 1}, {money.HalfUp, -5, -1}, {money.HalfUp, 4, 0}, {money.HalfUp, 15, 2}, {money.HalfUp, -15, -2},
		{money.HalfEven, 5, 0}, {money.HalfEven, 15, 2}, {money.HalfEven, 25, 2}, {money.HalfEven, -5, 0}, {money.HalfEven, -15, -2}, {money.HalfEven, 6, 1},
		{money.Down, 7, 0}, {money.Down, -7, 0}, {money.Down, 19, 1},
		{money.Up, 2, 1}, {money.Up, -2, -1}, {money.Up, 10, 1},
		{money.Ceiling, 2, 1}, {money.Ceiling, -2, 0}, {money.Ceiling, -12, -1},
		{money.Floor, 2, 0}, {money.Floor, -2, -1}, {money.Floor, 12, 1},
	}
	for _, c := range cases {
		got, err := money.New(c.minor, money.CNY).MulFrac(1, 10, c.mode)
		require.NoError(t, err)
		assert.Equal(t, c.want, got.Minor(), "%s of %d/10", c.mode, c.minor)
		// The same rule through decimals.
		d := decimal.New(c.minor, -3) // minor/10 fen = minor/1000 yuan
		r, err := money.RoundDecimal(d, money.CNY, c.mode)
		require.NoError(t, err)
		assert.Equal(t, c.want, r.Minor(), "RoundDecimal %s of %s", c.mode, d)
	}
}

func TestRoundToUnits(t *testing.T) {
	// 1234.50 to whole yuan: half-up 1235, half-even 1234 (4 is even), down 1234.
	a := money.MustParse("1234.50", money.CNY)
	assert.Equal(t, "1235.00", a.Round(money.Rounding{Mode: money.HalfUp, Scale: 0}).Number())
	assert.Equal(t, "1234.00", a.Round(money.Rounding{Mode: money.HalfEven, Scale: 0}).Number())
	assert.Equal(t, "-1235.00", a.Neg().Round(money.Rounding{Mode: money.HalfUp, Scale: 0}).Number())
	m, err := a.RoundToMultiple(money.MustParse("5", money.CNY), money.Up)
	require.NoError(t, err)
	assert.Equal(t, "1235.00", m.Number())
	_, err = a.RoundToMultiple(money.Zero(money.CNY), money.Up)
	assert.ErrorIs(t, err, money.ErrInvalidRounding)
}

// TestAllocateConserves: the largest-remainder split always sums to the
// whole (property over random totals and weights, fixed seed).
func TestAllocateConserves(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		n := 1 + rng.IntN(70) // past 64 parts: the heap path
		w := make([]int64, n)
		var sum int64
		for i := range w {
			w[i] = rng.Int64N(1_000_000)
			sum += w[i]
		}
		if sum == 0 {
			w[0] = 1
		}
		total := money.New(rng.Int64N(2*money.MaxMinor)-money.MaxMinor, money.CNY)
		parts, err := money.Allocate(total, w)
		require.NoError(t, err)
		got := money.Zero(money.CNY)
		for i, p := range parts {
			got = got.Add(p)
			if w[i] == 0 {
				assert.True(t, p.IsZero())
			}
		}
		require.Equal(t, total, got)
	}
}

// TestAllocateTies: 100 fen over weights 1:1:1 gives 34, 33, 33 — the
// remainders tie and the leftover fen goes to the earlier holder; 102 fen
// over 1:2:1 ties index 0 and 2 at ½ (index 1 divides exactly), so index 0
// wins: 26, 51, 25. 2 fen over 1:3 gives 0.5 and 1.5: both remainders are
// ½ and the larger weight wins over the earlier index: 0, 2.
func TestAllocateTies(t *testing.T) {
	parts, err := money.Allocate(money.New(100, money.CNY), []int64{1, 1, 1})
	require.NoError(t, err)
	assert.Equal(t, []int64{34, 33, 33}, minors(parts))
	parts, err = money.Allocate(money.New(-100, money.CNY), []int64{1, 1, 1})
	require.NoError(t, err)
	assert.Equal(t, []int64{-34, -33, -33}, minors(parts))
	parts, err = money.Allocate(money.New(102, money.CNY), []int64{1, 2, 1})
	require.NoError(t, err)
	// 102·¼ = 25.5, 102·½ = 51, 25.5: the one leftover fen goes to index 0.
	assert.Equal(t, []int64{26, 51, 25}, minors(parts))
	parts, err = money.Allocate(money.New(2, money.CNY), []int64{1, 3})
	require.NoError(t, err)
	assert.Equal(t, []int64{0, 2}, minors(parts))
	parts, err = money.Allocate(money.New(2, money.CNY), []int64{3, 1})
	require.NoError(t, err)
	assert.Equal(t, []int64{2, 0}, minors(parts))

	_, err = money.Allocate(money.New(1, money.CNY), []int64{0, 0})
	assert.ErrorIs(t, err, money.ErrInvalidWeights)
	_, err = money.Allocate(money.New(1, money.CNY), []int64{1, -1})
	assert.ErrorIs(t, err, money.ErrInvalidWeights)
	_, err = money.Allocate(money.New(1, money.CNY), nil)
	assert.ErrorIs(t, err, money.ErrInvalidWeights)
}

func minors(as []money.Amount) []int64 {
	out := make([]int64, len(as))
	for i, a := range as {
		out[i] = a.Minor()
	}
	return out
}

func TestRates(t *testing.T) {
	cases := []struct {
		in       string
		num, den int64
	}{
		{"0.12", 3, 25},
		{"12%", 3, 25},
		{"4.9%", 49, 1000},
		{" 12.5 % ", 1, 8},
		{"0", 0, 1},
		{"-1%", -1, 100},
	}
	for _, c := range cases {
		r, err := money.ParseRate(c.in)
		require.NoError(t, err, c.in)
		assert.Equal(t, []int64{c.num, c.den}, []int64{r.Num(), r.Den()}, c.in)
	}
	for _, bad := range []string{"", "%", "12e-2", "abc", "0.0000000000001", "100001%", "1_0"} {
		_, err := money.ParseRate(bad)
		assert.ErrorIs(t, err, money.ErrInvalidRate, bad)
	}
	// Monthly rate of 4.9%: 49/12000, exact; its text is a fraction since it
	// does not terminate.
	m, err := money.MustRate("4.9%").PerPeriod(12)
	require.NoError(t, err)
	assert.Equal(t, []int64{49, 12000}, []int64{m.Num(), m.Den()})
	assert.Equal(t, "49/12000", m.String())
	assert.Equal(t, "4.9%", money.MustRate("0.049").Percent(4))
	assert.Equal(t, 1, money.MustRate("12%").Cmp(money.MustRate("11.99%")))
	assert.Equal(t, 0, money.MustRate("12%").Cmp(money.MustRate("0.120")))
	// 1,000,000 yuan = 100,000,000 fen; · 49/12000 = 408,333.33… fen,
	// rounded once to 408,333 fen = 4083.33 yuan.
	i, err := money.MustParse("1000000", money.CNY).MulRate(m, money.HalfUp)
	require.NoError(t, err)
	assert.Equal(t, "4083.33", i.Number())
	_, err = money.MustRate("1%").PerPeriod(0)
	assert.ErrorIs(t, err, money.ErrInvalidRate)
}

func TestCurrencies(t *testing.T) {
	for _, c := range []struct {
		code  string
		scale int
	}{{"CNY", 2}, {"USD", 2}, {"EUR", 2}, {"JPY", 0}, {"KRW", 0}, {"KWD", 3}, {"BHD", 3}} {
		cur, err := money.CurrencyOf(c.code)
		require.NoError(t, err)
		assert.Equal(t, c.scale, cur.Scale(), c.code)
	}
	_, err := money.CurrencyOf("XTS")
	assert.ErrorIs(t, err, money.ErrUnknownCurrency) // unknown codes need an explicit scale
	_, err = money.NewCurrency("JPY", 2)
	assert.ErrorIs(t, err, money.ErrInvalidCurrency)
	_, err = money.NewCurrency("cny", 2)
	assert.ErrorIs(t, err, money.ErrInvalidCurrency)
}

func TestAmountJSON(t *testing.T) {
	xts, err := money.NewCurrency("XTS", 4)
	require.NoError(t, err)
	for _, a := range []money.Amount{money.MustParse("1234.50", money.CNY), money.MustParse("-5", money.JPY), money.New(12345, xts), {}} {
		b, err := json.Marshal(a)
		require.NoError(t, err)
		var back money.Amount
		require.NoError(t, json.Unmarshal(b, &back), string(b))
		assert.Equal(t, a, back)
	}
	b, _ := json.Marshal(money.MustParse("1234.5", money.CNY))
	assert.Equal(t, `"CNY 1234.50"`, string(b))
	var a money.Amount
	assert.Error(t, json.Unmarshal([]byte(`1234.5`), &a)) // a float is refused
	assert.Error(t, json.Unmarshal([]byte(`"1234.5"`), &a))
}

func TestArithmetic(t *testing.T) {
	a, b := money.MustParse("10.25", money.CNY), money.MustParse("0.75", money.CNY)
	assert.Equal(t, money.MustParse("11", money.CNY), a.Add(b))
	assert.Equal(t, money.MustParse("9.50", money.CNY), a.Sub(b))
	assert.True(t, b.Less(a))
	assert.Equal(t, b, money.Min(a, b))
	assert.Equal(t, a, money.Sum(money.Amount{}, a)) // the zero Amount takes any currency
	_, err := money.New(1, money.CNY).MulFrac(1, 0, money.HalfUp)
	assert.ErrorIs(t, err, money.ErrDivisionByZero)
	_, err = money.New(money.MaxMinor, money.CNY).MulRate(money.MustRate("1000"), money.HalfUp)
	assert.ErrorIs(t, err, money.ErrOutOfRange)
	dec, err := money.FromDecimal(decimal.RequireFromString("1.005"), money.CNY)
	assert.ErrorIs(t, err, money.ErrTooManyDecimals, dec.String())
}

// FuzzParse: the amount and rate parsers return errors, never panic, and a
// parsed amount prints back to text that parses to the same amount.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"1234.56", "-0.5", "1,234", "1e5", "", "12%", "0.049", "999999999999999999999", "CNY 1.00", "XTS/3", "1/3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range []money.Currency{money.CNY, money.JPY, money.KWD} {
			a, err := money.Parse(s, c)
			if err != nil {
				continue
			}
			back, err := money.Parse(a.Number(), c)
			if err != nil || back != a {
				t.Fatalf("%q → %s → %v, %v", s, a.Number(), back, err)
			}
		}
		if r, err := money.ParseRate(s); err == nil {
			var back money.Rate
			if err := back.UnmarshalText([]byte(r.String())); err != nil || back.Cmp(r) != 0 {
				t.Fatalf("rate %q → %s → %v, %v", s, r, back, err)
			}
		}
		_, _ = money.ParseWithCode(s)
		var cur money.Currency
		_ = cur.UnmarshalText([]byte(s))
		var r money.Rate
		_ = r.UnmarshalText([]byte(s))
		_, _ = money.ParseRoundingMode(s)
	})
}
