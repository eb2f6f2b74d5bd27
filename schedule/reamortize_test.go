package schedule_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// TestReamortize: 10,000 at 12% for 12 months from 2026-01-15, re-amortised
// on the 6th due date (2026-07-15) with principal outstanding cut to 3,000
// by a prepayment. Keeping the term: 6 payments of
// 3,000 × 0.01 × 1.01⁶/(1.01⁶ − 1) = 517.645… → 517.65. Keeping the installment 888.49:
// 3 periods would need 1,020.07, 4 periods 768.84 — so 4 periods.
// (Each row's interest: 3,000 × 1% = 30.00.)
func TestReamortize(t *testing.T) {
	orig := generate(t, monthly("10000", "12%", 12, schedule.EqualInstallment))
	cases := []struct {
		name     string
		from     string
		keep     schedule.Keep
		periods  int
		payment  string
		firstDue string
		firstInt string
	}{
		{"keep term", "2026-07-15", schedule.KeepTerm, 6, "517.65", "2026-08-15", "30.00"},
		{"keep installment", "2026-07-15", schedule.KeepInstallment, 4, "768.84", "2026-08-15", "30.00"},
		// Mid-period: 2026-07-30 → 08-15 is 16 days of ACT/360 interest on
		// 3,000 at 12%: 16.00; the principal part stays the regular one.
		{"mid-period keeps the calendar", "2026-07-30", schedule.KeepTerm, 6, "", "2026-08-15", "16.00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := orig.Reamortize(d(c.from), cny("3000"), c.keep)
			require.NoError(t, err)
			require.Len(t, s.Installments, c.periods)
			first := s.Installments[0]
			if c.payment != "" {
				assert.Equal(t, cny(c.payment), first.Payment)
			}
			assert.Equal(t, d(c.firstDue), first.Due)
			assert.Equal(t, cny(c.firstInt), first.Interest)
			assert.Equal(t, cny("3000"), s.Totals().Principal)
			if c.keep == schedule.KeepTerm {
				assert.Equal(t, orig.Maturity(), s.Maturity())
			}
		})
	}
}

// TestReamortizeMonthEnd: a loan started on Jan 31 re-amortised on its
// Feb 28 due date keeps to month ends (Mar 31, Apr 30), not to the 28th.
func TestReamortizeMonthEnd(t *testing.T) {
	terms := monthly("10000", "12%", 4, schedule.EqualPrincipal)
	terms.Start = d("2026-01-31")
	s, err := generate(t, terms).Reamortize(d("2026-02-28"), cny("6000"), schedule.KeepTerm)
	require.NoError(t, err)
	assert.Equal(t, []string{"2026-03-31", "2026-04-30", "2026-05-31"}, []string{
		s.Installments[0].Due.String(), s.Installments[1].Due.String(), s.Installments[2].Due.String()})
	// A regular period: 6,000 × 1% = 60.00, principal 6,000/3 = 2,000.00.
	assert.Equal(t, cny("60.00"), s.Installments[0].Interest)
	assert.Equal(t, cny("2000.00"), s.Installments[0].Principal)
}

func TestReamortizeErrors(t *testing.T) {
	orig := generate(t, monthly("10000", "12%", 12, schedule.EqualInstallment))
	for _, c := range []struct {
		name        string
		from        string
		outstanding money.Amount
		keep        schedule.Keep
		field       string
	}{
		{"after maturity", "2027-02-01", cny("100"), schedule.KeepTerm, "from"},
		{"before the start", "2025-12-01", cny("100"), schedule.KeepTerm, "from"},
		{"zero outstanding", "2026-07-15", cny("0"), schedule.KeepTerm, "outstanding"},
		{"other currency", "2026-07-15", money.MustParse("100", money.USD), schedule.KeepTerm, "outstanding"},
		{"unknown keep", "2026-07-15", cny("100"), schedule.Keep(0), "keep"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := orig.Reamortize(d(c.from), c.outstanding, c.keep)
			var ve *fault.Fields
			require.ErrorAs(t, err, &ve)
			assert.True(t, ve.Has(c.field), "%v", err)
		})
	}
	bullet := generate(t, monthly("10000", "12%", 12, schedule.Bullet))
	_, err := bullet.Reamortize(d("2026-07-15"), cny("100"), schedule.KeepTerm)
	assert.ErrorIs(t, err, schedule.ErrInvalidTerms)
}
