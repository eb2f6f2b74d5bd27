package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSecured runs the walk-through and checks the figures a reader can
// work out by hand. Haircuts, frequencies, depreciation and thresholds are
// collateral.DefaultPolicy's: real estate 30 % yearly by index, vehicles
// 40 % quarterly by depreciation (100 % new, 80 % at one year, linear by
// month between); warn above 90 % LTV, call above 105 % with 10 days to
// cure (house figures: lender practice, no regulatory source found —
// configurable).
func TestSecured(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out))
	got := out.String()

	for _, want := range []string{
		// Lending value = value × (1 − haircut): 1,200,000 × 70 % =
		// 840,000 and 200,000 × 60 % = 120,000, together 960,000;
		// LTV 800,000 ÷ 960,000 = 83.3 %.
		"2025-01-10 flat    market 1200000.00 lending  840000.00",
		"2025-01-10 car     market  200000.00 lending  120000.00",
		"2025-01-10 loan    owes    800000.00 lending  960000.00 LTV 83.3% shortfall 0.00 → none",
		// Three months on, the car is due: 100 % − 20 % × 3/12 = 95 % of
		// its 200,000 cost = 190,000.
		"2025-04-10 revaluation due (car since 2025-04-10): scheduled by depreciation = 190000.00",
		// A year on: the flat (yearly) and the car both fall due. The index
		// went from 100.0 to 72.0: 1,200,000 × 72/100 = 864,000; the car is
		// at 80 % = 160,000.
		"2026-01-10 revaluation due (flat since 2026-01-10): scheduled by index = 864000.00",
		"2026-01-10 revaluation due (car since 2026-01-10): scheduled by depreciation = 160000.00",
		// Lending value 864,000 × 70 % + 160,000 × 60 % = 604,800 + 96,000
		// = 700,800; LTV 760,000 ÷ 700,800 = 108.4 % > 105 %: a margin call
		// for 760,000 − 700,800 = 59,200, due 10 days later.
		"2026-01-10 loan    owes    760000.00 lending  700800.00 LTV 108.4% shortfall 59200.00 → call",
		"margin call raised 2026-01-10: 59200.00 demanded by 2026-01-20",
		// A deposit has no haircut: 700,800 + 60,000 = 760,800 covers the
		// 760,000 owed; LTV 99.9 % still warns (above 90 %).
		"2026-01-15 loan    owes    760000.00 lending  760800.00 LTV 99.9% shortfall 0.00 → warn",
		"margin call of 2026-01-10 cured on 2026-01-15",
	} {
		assert.Contains(t, got, want)
	}
}
