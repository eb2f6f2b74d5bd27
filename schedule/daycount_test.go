package schedule_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// TestYearFraction checks each day count against ISDA 2006 §4.16.
func TestYearFraction(t *testing.T) {
	cases := []struct {
		name     string
		dc       schedule.DayCount
		from, to string
		num, den int64
	}{
		// §4.16(f): D1 = 31 → 30; D2 = 28 stays: 30·1 + (28 − 30) = 28.
		{"30/360 month end into February", schedule.Thirty360, "2026-01-31", "2026-02-28", 28, 360},
		// D1 = 30, so D2 = 31 → 30: 30·2 + 0 = 60.
		{"30/360 end of month to end of month", schedule.Thirty360, "2026-01-30", "2026-03-31", 60, 360},
		// D1 = 15: D2 = 31 stays: 30·2 + 16 = 76.
		{"30/360 31st kept when the start is mid-month", schedule.Thirty360, "2026-01-15", "2026-03-31", 76, 360},
		{"30/360 half a year", schedule.Thirty360, "2026-01-15", "2026-07-15", 180, 360},
		{"ACT/360", schedule.Actual360, "2026-01-15", "2026-04-15", 90, 360},
		{"the zero day count is ACT/360", 0, "2026-01-15", "2026-04-15", 90, 360},
		{"ACT/365F over a leap year", schedule.Actual365Fixed, "2024-01-01", "2025-01-01", 366, 365},
		// §4.16(b): 17 days of 2023 /365 + 14 days of 2024 /366
		// = (17·366 + 14·365) / (365·366) = 11332/133590.
		{"ACT/ACT ISDA across a leap year start", schedule.ActualActualISDA, "2023-12-15", "2024-01-15", 11332, 133590},
		{"ACT/ACT ISDA inside a leap year", schedule.ActualActualISDA, "2024-03-01", "2024-04-01", 31, 366},
		{"ACT/ACT ISDA inside a common year", schedule.ActualActualISDA, "2025-03-01", "2025-04-01", 31, 365},
		{"backwards is negative", schedule.Actual365Fixed, "2026-04-15", "2026-01-15", -90, 365},
		{"an invalid day count is 0", schedule.DayCount(9), "2026-01-15", "2026-04-15", 0, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			num, den := c.dc.YearFraction(d(c.from), d(c.to))
			assert.Equal(t, []int64{c.num, c.den}, []int64{num, den})
		})
	}
}

func TestAccrue(t *testing.T) {
	cases := []struct {
		name     string
		amount   string
		rate     string
		from, to string
		dc       schedule.DayCount
		want     string
	}{
		// Issue 2: a 90-day bullet at 12% is 300.00 on ACT/360 and 295.89 on
		// ACT/365F (10,000 × 0.12 × 90/365 = 295.890…).
		{"90 days ACT/360", "10000", "12%", "2026-01-15", "2026-04-15", schedule.Actual360, "300.00"},
		{"90 days ACT/365F", "10000", "12%", "2026-01-15", "2026-04-15", schedule.Actual365Fixed, "295.89"},
		// 1,000,000 × 4.9% × 31/360 = 4219.444… → 4219.44.
		{"a month ACT/360", "1000000", "4.9%", "2026-01-15", "2026-02-15", schedule.Actual360, "4219.44"},
		// Ten calendar years are exactly 10 under ACT/ACT ISDA; with 12
		// decimals in the rate the fraction (…/10¹² × …/133590) overflows
		// int64 and takes the exact big-integer path:
		// 1,000 × 9.876543210123 × 10 = 98,765.432… → 98,765.43.
		{"many decimals, long span", "1000", "9.876543210123", "2026-01-01", "2036-01-01", schedule.ActualActualISDA, "98765.43"},
		{"no days", "1000", "12%", "2026-01-15", "2026-01-15", schedule.Actual360, "0.00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := schedule.Accrue(cny(c.amount), money.MustRate(c.rate), d(c.from), d(c.to), c.dc, money.HalfUp)
			require.NoError(t, err)
			assert.Equal(t, cny(c.want), got)
		})
	}
	_, err := schedule.Accrue(cny("1"), money.MustRate("1%"), d("2026-01-01"), d("2026-02-01"), schedule.DayCount(9), money.HalfUp)
	assert.ErrorIs(t, err, schedule.ErrInvalidName)
}
