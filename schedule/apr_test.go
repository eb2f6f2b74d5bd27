package schedule_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/schedule"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// TestAPR: issue 2 — the true annual cost by the IRR method. A flat loan at
// 1% a month (12% "flat") for 12 months pays 933.33 a month on 10,000; its
// monthly IRR is about 1.788%, so the annualised rate is about 21.46%
// ("roughly 21.5%"). A level annuity's IRR is its own rate (up to the
// sub-fen rounding of the payment), and a 90-day loan paying 300 on 10,000
// returns 3% in 90 days: 3% × 365/90 = 12.1667%.
func TestAPR(t *testing.T) {
	cases := []struct {
		name   string
		terms  schedule.Terms
		lo, hi string
	}{
		{"flat 1% a month for 12 months", monthly("10000", "12%", 12, schedule.Flat), "0.2140", "0.2150"},
		{"equal installment at 12%", monthly("10000", "12%", 12, schedule.EqualInstallment), "0.11999", "0.12001"},
		{"equal installment at 4.9% for 30 years", monthly("1000000", "4.9%", 360, schedule.EqualInstallment), "0.04899", "0.04901"},
		{"equal principal at 12%", monthly("10000", "12%", 12, schedule.EqualPrincipal), "0.11999", "0.12001"},
		{"zero rate", monthly("10000", "0", 12, schedule.EqualInstallment), "0", "0"},
		{"90-day bullet", days90(schedule.Actual360), "0.1216666666", "0.1216666667"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := generate(t, c.terms)
			apr, err := s.APR()
			require.NoError(t, err)
			assert.True(t, apr.GreaterThanOrEqual(dec(c.lo)) && apr.LessThanOrEqual(dec(c.hi)), "APR %s not in [%s, %s]", apr, c.lo, c.hi)
			assert.LessOrEqual(t, -apr.Exponent(), int32(schedule.APRPlaces))
		})
	}
}

// TestAPRBrokenPeriod: a long first period (45 days for a 1-month loan)
// with its extra interest still costs 12% a year: Regulation Z, Appendix J
// discounts the stub with simple interest, so the APR stays near the rate.
func TestAPRBrokenPeriod(t *testing.T) {
	terms := monthly("10000", "12%", 12, schedule.EqualInstallment)
	terms.FirstDue = d("2026-03-01")
	apr, err := generate(t, terms).APR()
	require.NoError(t, err)
	assert.True(t, apr.Sub(dec("0.12")).Abs().LessThan(dec("0.002")), "APR %s", apr)
}

func TestIRRWithoutPayments(t *testing.T) {
	_, err := (&schedule.Schedule{Terms: monthly("10000", "12%", 12, schedule.Flat)}).IRR()
	assert.ErrorIs(t, err, schedule.ErrNoIRR)
}
