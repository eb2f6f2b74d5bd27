package schedule_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

func generate(t *testing.T, terms schedule.Terms) *schedule.Schedule {
	t.Helper()
	s, err := schedule.Generate(terms)
	require.NoError(t, err)
	return s
}

// TestRoundingModes: 1000.50 at 1% a month gives 10.005 of interest, exactly
// half a fen — the case that tells the modes apart (issue 2: half-even, down,
// up are options; half-up is the default).
func TestRoundingModes(t *testing.T) {
	for _, c := range []struct {
		mode money.RoundingMode
		want string
	}{
		{money.HalfUp, "10.01"},
		{money.HalfEven, "10.00"}, // 1000 is even
		{money.Down, "10.00"},
		{money.Up, "10.01"},
	} {
		terms := monthly("1000.50", "12%", 2, schedule.InterestOnly)
		terms.Rounding = c.mode
		s := generate(t, terms)
		assert.Equal(t, cny(c.want), s.Installments[0].Interest, c.mode.String())
	}
}

// TestInstallmentMultiple: the level payment 888.4879 of 10,000 at 12% for
// 12 months rounded to whole yuan: nearest 888, up 889; principal =
// installment − interest (888 − 100.00 = 788.00).
func TestInstallmentMultiple(t *testing.T) {
	for _, c := range []struct {
		mode      money.RoundingMode
		pay, prin string
	}{
		{money.HalfUp, "888.00", "788.00"},
		{money.Up, "889.00", "789.00"},
	} {
		terms := monthly("10000", "12%", 12, schedule.EqualInstallment)
		terms.InstallmentMultiple, terms.InstallmentRounding = cny("1"), c.mode
		s := generate(t, terms)
		assert.Equal(t, cny(c.pay), s.Installments[0].Payment)
		assert.Equal(t, cny(c.prin), s.Installments[0].Principal)
		for _, in := range s.Installments[:11] {
			assert.Equal(t, cny(c.pay), in.Payment)
		}
		assert.Equal(t, cny("10000"), s.Totals().Principal)
	}
}

// TestGrace: issue 2 — N interest-only periods before amortising; N periods
// with no payment whose interest is capitalised or deferred to the first
// payment. Level payments: 10,000 over 10 months at 1% = 1055.82;
// 10,201 over 10 months = 1077.04.
func TestGrace(t *testing.T) {
	t.Run("principal grace", func(t *testing.T) {
		terms := monthly("10000", "12%", 12, schedule.EqualInstallment)
		terms.PrincipalGrace = 2
		s := generate(t, terms)
		for _, in := range s.Installments[:2] {
			assert.Equal(t, cny("100.00"), in.Payment)
			assert.True(t, in.Principal.IsZero())
		}
		assert.Equal(t, cny("1055.82"), s.Installments[2].Payment)
	})
	t.Run("interest grace, deferred", func(t *testing.T) {
		terms := monthly("10000", "12%", 12, schedule.EqualInstallment)
		terms.InterestGrace = 2
		s := generate(t, terms)
		for _, in := range s.Installments[:2] {
			assert.True(t, in.Payment.IsZero())
		}
		// 100.00 of its own + 2 × 100.00 deferred; principal 1055.82 − 100.00.
		assert.Equal(t, cny("300.00"), s.Installments[2].Interest)
		assert.Equal(t, cny("955.82"), s.Installments[2].Principal)
		assert.Equal(t, cny("1055.82"), s.Installments[3].Payment)
	})
	t.Run("interest grace, capitalised", func(t *testing.T) {
		terms := monthly("10000", "12%", 12, schedule.EqualInstallment)
		terms.InterestGrace, terms.CapitalizeGrace = 2, true
		s := generate(t, terms)
		// 10,000 × 1% = 100.00 then 10,100 × 1% = 101.00 added to the balance.
		assert.Equal(t, cny("100.00"), s.Installments[0].Capitalized)
		assert.Equal(t, cny("10201.00"), s.Installments[1].Balance)
		assert.Equal(t, cny("1077.04"), s.Installments[2].Payment)
		tot := s.Totals()
		assert.Equal(t, cny("10201.00"), tot.Principal)
		assert.Equal(t, cny("201.00"), tot.Capitalized)
	})
}

// TestZeroRate: with no interest the installment is P/n and the last takes
// the remainder: 100.00 / 3 = 33.33, 33.33, 33.34.
func TestZeroRate(t *testing.T) {
	for _, m := range []schedule.Method{schedule.EqualInstallment, schedule.EqualPrincipal, schedule.Flat} {
		s := generate(t, monthly("100", "0", 3, m))
		assert.Equal(t, cny("33.33"), s.Installments[0].Payment, m.String())
		assert.Equal(t, cny("33.34"), s.Installments[2].Payment, m.String())
	}
}

// TestActualBasis: interest by actual days (ACT/365F) on a monthly loan:
// 2026-01-15 → 02-15 is 31 days, 10,000 × 12% × 31/365 = 101.917… → 101.92;
// 02-15 → 03-15 is 28 days on the balance.
func TestActualBasis(t *testing.T) {
	terms := monthly("10000", "12%", 12, schedule.EqualInstallment)
	terms.Basis, terms.DayCount = schedule.Actual, schedule.Actual365Fixed
	s := generate(t, terms)
	first := s.Installments[0]
	assert.Equal(t, cny("101.92"), first.Interest)
	assert.Equal(t, cny("888.49").Sub(cny("101.92")), first.Principal)
	want, err := schedule.Accrue(first.Balance, money.MustRate("12%"), d("2026-02-15"), d("2026-03-15"), schedule.Actual365Fixed, money.HalfUp)
	require.NoError(t, err)
	assert.Equal(t, want, s.Installments[1].Interest)
	assert.True(t, s.Installments[11].Balance.IsZero())
}

// TestOtherCurrencies: amounts keep the currency's scale (JPY 0, KWD 3).
func TestOtherCurrencies(t *testing.T) {
	for _, c := range []struct {
		cur  money.Currency
		amt  string
		want string
	}{
		// ¥1,000,000 at 12% for 12 months: 88,848.79 → ¥88,849.
		{money.JPY, "1000000", "88849"},
		// KWD 1,000 at 12% for 12 months: 88.8487… → 88.849.
		{money.KWD, "1000", "88.849"},
	} {
		terms := monthly("1", "12%", 12, schedule.EqualInstallment)
		terms.Principal = money.MustParse(c.amt, c.cur)
		s := generate(t, terms)
		assert.Equal(t, c.want, s.Installments[0].Payment.Number())
		assert.Equal(t, c.cur, s.Installments[0].Interest.Currency())
	}
}
