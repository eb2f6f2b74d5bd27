package collateral

import (
	"testing"
	"time"

	"github.com/lendcore/lendcore/money"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Worked examples, each computed by hand in the comments. Thresholds are
// DefaultPolicy's: allowed 100 %, warning 90 %, margin call 105 %,
// liquidation 120 % of lending value; haircuts real estate 30 %, vehicle
// 40 %, listed securities 40 %, deposit 0 %.

func TestHaircutAndLTVPropertyAndVehicle(t *testing.T) {
	r := newRegister(t)
	on := day(2024, time.March, 1)
	house, car := id(1), id(2)
	loanH, loanC := id(101), id(102)
	pledged(t, r, house, RealEstate, cny("1000000.00"), on, Lien{LoanID: loanH, Rank: 1})
	pledged(t, r, car, Vehicle, cny("123456.78"), on, Lien{LoanID: loanC, Rank: 1})

	res, err := r.Evaluate(on, []Exposure{{loanH, cny("560000.00")}, {loanC, cny("70000.00")}})
	require.NoError(t, err)
	require.Len(t, res, 2)

	// Property: lending value 1,000,000 × (1 − 30 %) = 700,000.00.
	// LTV 560,000 / 700,000 = 0.8 (below the 90 % warning); market LTV
	// 560,000 / 1,000,000 = 0.56; coverage 700,000 / 560,000 = 1.25.
	h := res[0]
	assert.Equal(t, cny("700000.00"), h.LendingValue)
	assert.Equal(t, cny("1000000.00"), h.MarketValue)
	ltv, ok := h.LTV()
	require.True(t, ok)
	assert.Equal(t, rate("0.8"), ltv)
	mltv, _ := h.MarketLTV()
	assert.Equal(t, rate("0.56"), mltv)
	cov, _ := h.Coverage()
	assert.Equal(t, rate("1.25"), cov)
	assert.Equal(t, ActionNone, h.Action)
	assert.True(t, h.Shortfall.IsZero())

	// Vehicle: 123,456.78 × 60 % = 74,074.068, rounded down to 74,074.06.
	// LTV 70,000 / 74,074.06 ≈ 94.5 %: above 90 % (warn), below 105 %.
	// Shortfall: 70,000 ≤ 74,074.06 × 100 %, so none.
	c := res[1]
	assert.Equal(t, cny("74074.06"), c.LendingValue)
	ltv, _ = c.LTV()
	want, err := money.NewRate(7000000, 7407406)
	require.NoError(t, err)
	assert.Equal(t, want, ltv)
	assert.Equal(t, ActionWarn, c.Action)
	assert.True(t, c.Shortfall.IsZero())
	assert.Zero(t, c.CallStatus)
}

func TestOneItemTwoLoansByPriority(t *testing.T) {
	r := newRegister(t)
	on := day(2024, time.March, 1)
	senior, junior := id(101), id(102)
	// A 1,000,000 property; lending value 700,000. Loan "senior" has rank
	// 1 on it, "junior" rank 2.
	pledged(t, r, id(1), RealEstate, cny("1000000.00"), on,
		Lien{LoanID: junior, Rank: 2}, Lien{LoanID: senior, Rank: 1})

	res, err := r.Evaluate(on, []Exposure{{senior, cny("500000.00")}, {junior, cny("220000.00")}})
	require.NoError(t, err)

	// Senior takes its 500,000 in full; junior gets the remaining 200,000
	// of lending value (and 500,000 of the 1,000,000 market value, the
	// junior taking the residual).
	assert.Equal(t, cny("500000.00"), res[0].LendingValue)
	assert.Equal(t, cny("500000.00"), res[0].MarketValue)
	assert.Equal(t, cny("200000.00"), res[1].LendingValue)
	assert.Equal(t, cny("500000.00"), res[1].MarketValue)
	// Senior LTV 500,000 / 500,000 = 100 %: above the 90 % warning, no
	// shortfall at the 100 % allowed LTV.
	assert.Equal(t, ActionWarn, res[0].Action)
	assert.True(t, res[0].Shortfall.IsZero())
	// Junior LTV 220,000 / 200,000 = 110 % > 105 %: margin call for the
	// shortfall 220,000 − 200,000 × 100 % = 20,000, due in 10 days.
	assert.Equal(t, ActionCall, res[1].Action)
	assert.Equal(t, cny("20000.00"), res[1].Shortfall)
	assert.Equal(t, CallOpen, res[1].CallStatus)
	assert.Equal(t, day(2024, time.March, 11), res[1].CallDeadline)
}

func TestAllocateValueWithinRankProRata(t *testing.T) {
	// Two rank-1 loans of 300,000 and 600,000 share 700,000: exact shares
	// 233,333.333… and 466,666.666…; in fen 23,333,333 r ⅓ and 46,666,666
	// r ⅔; the one leftover fen goes to the larger remainder.
	got, err := AllocateValue(cny("700000.00"), []Claim{{1, cny("300000.00")}, {1, cny("600000.00")}})
	require.NoError(t, err)
	assert.Equal(t, []money.Amount{cny("233333.33"), cny("466666.67")}, got)

	// Excess value over every claim goes to the junior rank:
	// 1,000 − 300 (rank 1) = 700 to rank 2 although it claims only 100.
	got, err = AllocateValue(cny("1000.00"), []Claim{{2, cny("100.00")}, {1, cny("300.00")}})
	require.NoError(t, err)
	assert.Equal(t, []money.Amount{cny("700.00"), cny("300.00")}, got)

	// A value that does not reach rank 2 leaves it nothing.
	got, err = AllocateValue(cny("250.00"), []Claim{{2, cny("100.00")}, {1, cny("300.00")}})
	require.NoError(t, err)
	assert.Equal(t, []money.Amount{cny("0.00"), cny("250.00")}, got)
}

func TestMarginCallRaisedThenCuredByTopUp(t *testing.T) {
	r := newRegister(t)
	loan := id(101)
	d0 := day(2024, time.May, 6)
	// 10,000 shares at CNY 10.00 = 100,000; lending value 60 % = 60,000.
	require.NoError(t, r.Add(Item{ID: id(1), Kind: Securities, Owner: "Li Lei", Currency: money.CNY,
		Registration: Registration{Authority: "CSDC", Rank: 1}, Liens: []Lien{{loan, 1}},
		Instrument: "600000", Units: 10000}))
	require.NoError(t, r.Pledge(id(1), d0))
	_, err := r.Revalue(id(1), d0, MarketData{Prices: map[string]money.Amount{"600000": cny("10.00")}})
	require.NoError(t, err)
	out := []Exposure{{loan, cny("55000.00")}}

	// LTV 55,000 / 60,000 ≈ 91.7 %: warning only.
	res, err := r.Evaluate(d0, out)
	require.NoError(t, err)
	assert.Equal(t, ActionWarn, res[0].Action)

	// The price falls to 8.50: value 85,000, lending value 51,000; LTV
	// 55,000 / 51,000 ≈ 107.8 % > 105 %: a call for 55,000 − 51,000 = 4,000
	// with a deadline 10 days on.
	d1 := day(2024, time.May, 7)
	_, err = r.Revalue(id(1), d1, MarketData{Prices: map[string]money.Amount{"600000": cny("8.50")}})
	require.NoError(t, err)
	res, err = r.Evaluate(d1, out)
	require.NoError(t, err)
	assert.Equal(t, ActionCall, res[0].Action)
	assert.Equal(t, cny("4000.00"), res[0].Shortfall)
	call, ok := r.Call(loan)
	require.True(t, ok)
	assert.Equal(t, MarginCall{LoanID: loan, RaisedOn: d1, Deadline: day(2024, time.May, 17),
		Demanded: cny("4000.00"), Shortfall: cny("4000.00"), Status: CallOpen}, call)

	// The next day nothing has changed: the same call stands, not a new one.
	res, err = r.Evaluate(day(2024, time.May, 8), out)
	require.NoError(t, err)
	assert.Equal(t, ActionCall, res[0].Action)
	call, _ = r.Call(loan)
	assert.Equal(t, d1, call.RaisedOn)

	// Top-up: a CNY 5,000 cash deposit pledged (0 % haircut). Lending value
	// 51,000 + 5,000 = 56,000 ≥ 55,000: shortfall gone, the call is cured
	// and closed; LTV 55,000 / 56,000 ≈ 98.2 % still warns.
	d2 := day(2024, time.May, 10)
	pledged(t, r, id(2), Deposit, cny("5000.00"), d2, Lien{loan, 1})
	res, err = r.Evaluate(d2, out)
	require.NoError(t, err)
	assert.Equal(t, ActionWarn, res[0].Action)
	assert.True(t, res[0].Shortfall.IsZero())
	assert.Zero(t, res[0].CallStatus)
	_, ok = r.Call(loan)
	assert.False(t, ok)
	cured := r.CuredCalls()
	require.Len(t, cured, 1)
	assert.Equal(t, CallCured, cured[0].Status)
	assert.Equal(t, d2, cured[0].ClosedOn)
}

func TestMarginCallEscalatesAfterDeadline(t *testing.T) {
	r := newRegister(t)
	loan := id(101)
	d0 := day(2024, time.May, 7)
	// Lending value 70,000 (100,000 at a 30 % haircut); outstanding
	// 74,000: LTV 105.7 % → call for 4,000, deadline 17 May.
	pledged(t, r, id(1), RealEstate, cny("100000.00"), d0, Lien{loan, 1})
	out := []Exposure{{loan, cny("74000.00")}}
	res, err := r.Evaluate(d0, out)
	require.NoError(t, err)
	require.Equal(t, ActionCall, res[0].Action)
	require.Equal(t, cny("4000.00"), res[0].Shortfall)

	// On the deadline the call is still open; the day after, uncured, it
	// escalates to liquidation.
	res, err = r.Evaluate(day(2024, time.May, 17), out)
	require.NoError(t, err)
	assert.Equal(t, ActionCall, res[0].Action)
	res, err = r.Evaluate(day(2024, time.May, 18), out)
	require.NoError(t, err)
	assert.Equal(t, ActionLiquidate, res[0].Action)
	assert.Equal(t, CallEscalated, res[0].CallStatus)
}

func TestLiquidationThresholdAndStaleValuation(t *testing.T) {
	r := newRegister(t)
	loan := id(101)
	d0 := day(2024, time.January, 10)
	// Lending value 700,000; outstanding 850,000 → LTV 121.4 % > 120 %.
	pledged(t, r, id(1), RealEstate, cny("1000000.00"), d0, Lien{loan, 1})
	res, err := r.Evaluate(d0, []Exposure{{loan, cny("850000.00")}})
	require.NoError(t, err)
	assert.Equal(t, ActionLiquidate, res[0].Action)
	assert.Equal(t, cny("150000.00"), res[0].Shortfall)

	// A real-estate valuation is valid 15 months: from 2024-01-10 through
	// 2025-04-10. On 2025-04-11 it has expired: flagged, counted as zero,
	// and since at its last value the loan (500,000 against 700,000) would
	// be fine, the action is to revalue, not to call.
	later := day(2025, time.April, 11)
	res, err = r.Evaluate(later, []Exposure{{loan, cny("500000.00")}})
	require.NoError(t, err)
	assert.Equal(t, ActionRevalue, res[0].Action)
	assert.True(t, res[0].LendingValue.IsZero())
	assert.Equal(t, []StaleItem{{ItemID: id(1), State: ExpiredValue}}, res[0].Stale)
	_, hasCall := r.Call(loan)
	assert.False(t, hasCall)
	// The day before it was still valid.
	v, err := r.ValueAt(id(1), day(2025, time.April, 10))
	require.NoError(t, err)
	assert.Equal(t, ValidValue, v.State)
}

func TestLiquidationProceedsSplitAcrossTwoLoans(t *testing.T) {
	tests := []struct {
		name       string
		rankB      int
		priorClaim money.Amount
		wantA      money.Amount
		wantB      money.Amount
		wantPrior  money.Amount
		wantSurp   money.Amount
	}{
		// Proceeds 900,000 − costs 50,000 = 850,000 net. A (rank 1) owes
		// 600,000 and is paid in full; B (rank 2) gets the other 250,000
		// of its 400,000.
		{"by rank", 2, money.Amount{}, cny("600000.00"), cny("250000.00"), cny("0.00"), cny("0.00")},
		// Same rank: 850,000 pro rata to 600,000 : 400,000 → 510,000 and
		// 340,000.
		{"pro rata", 1, money.Amount{}, cny("510000.00"), cny("340000.00"), cny("0.00"), cny("0.00")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRegister(t)
			a, b := id(101), id(102)
			on := day(2024, time.June, 1)
			pledged(t, r, id(1), RealEstate, cny("1000000.00"), on, Lien{a, 1}, Lien{b, tc.rankB})
			require.NoError(t, r.Seize(id(1), on))
			liq, err := r.Liquidate(id(1), Sale{Day: day(2024, time.September, 1), Proceeds: cny("900000.00"), Costs: cny("50000.00")},
				[]Exposure{{a, cny("600000.00")}, {b, cny("400000.00")}})
			require.NoError(t, err)
			assert.Equal(t, cny("850000.00"), liq.Net)
			assert.Equal(t, []Recovery{{a, tc.wantA}, {b, tc.wantB}}, liq.Recoveries)
			assert.Equal(t, tc.wantSurp, liq.Surplus)
			it, _ := r.Item(id(1))
			assert.Equal(t, Liquidated, it.Status)
		})
	}
}

func TestLiquidationSecondChargeAndSurplus(t *testing.T) {
	r := newRegister(t)
	a := id(101)
	on := day(2024, time.June, 1)
	// A second mortgage: a bank ranking ahead is owed 300,000.
	require.NoError(t, r.Add(Item{ID: id(1), Kind: RealEstate, Owner: "Wang", Currency: money.CNY,
		Registration: Registration{Rank: 2, PriorClaims: cny("300000.00")}, Liens: []Lien{{a, 1}}}))
	require.NoError(t, r.Pledge(id(1), on))
	require.NoError(t, r.AddValuation(id(1), Valuation{Date: on, Amount: cny("1000000.00"), Method: Appraisal, Source: "v"}, on))
	// Lending value 1,000,000 × 70 % − 300,000 = 400,000; available market
	// value 1,000,000 − 300,000 = 700,000.
	v, err := r.ValueAt(id(1), on)
	require.NoError(t, err)
	assert.Equal(t, cny("400000.00"), v.Lending)
	assert.Equal(t, cny("700000.00"), v.Available)

	require.NoError(t, r.Seize(id(1), on))
	// 800,000 − 20,000 costs = 780,000; 300,000 to the prior bank; 480,000
	// left; loan a owes 450,000 → recovery 450,000, surplus 30,000.
	liq, err := r.Liquidate(id(1), Sale{Day: on, Proceeds: cny("800000.00"), Costs: cny("20000.00")}, []Exposure{{a, cny("450000.00")}})
	require.NoError(t, err)
	assert.Equal(t, cny("300000.00"), liq.PriorPaid)
	assert.Equal(t, cny("480000.00"), liq.Net)
	assert.Equal(t, []Recovery{{a, cny("450000.00")}}, liq.Recoveries)
	assert.Equal(t, cny("30000.00"), liq.Surplus)
}

func TestDepreciationScheduleOverFiveYears(t *testing.T) {
	// Default vehicle schedule: 100 %, 80 %, 68 %, 58 %, 49 %, 42 % of cost
	// at ages 0…5 years. Cost 200,000 bought 2020-03-15.
	residual := DefaultPolicy().Kinds[1].Residual
	cost := cny("200000.00")
	bought := day(2020, time.March, 15)
	tests := []struct {
		on   time.Month
		year int
		dd   int
		want string
		why  string
	}{
		{time.March, 2020, 15, "200000.00", "age 0: 100 %"},
		{time.March, 2021, 14, "163333.33", "11 full months: 100 % − 20 % × 11/12 = 81.666…% → 163,333.333… half-up"},
		{time.March, 2021, 15, "160000.00", "1 year: 80 %"},
		{time.September, 2021, 15, "148000.00", "18 months: halfway 80 % → 68 % = 74 %"},
		{time.March, 2022, 15, "136000.00", "2 years: 68 %"},
		{time.March, 2023, 15, "116000.00", "3 years: 58 %"},
		{time.March, 2024, 15, "98000.00", "4 years: 49 %"},
		{time.March, 2025, 15, "84000.00", "5 years: 42 %"},
		{time.March, 2027, 15, "84000.00", "7 years: past the schedule, stays at 42 %"},
	}
	for _, tc := range tests {
		t.Run(tc.why, func(t *testing.T) {
			got, err := DepreciatedValue(cost, bought, day(tc.year, tc.on, tc.dd), residual)
			require.NoError(t, err)
			assert.Equal(t, cny(tc.want), got)
		})
	}
	// Month-end: bought 31 January, a full month has passed on 29 February
	// (the day is clamped to the shorter month), not only on 2 March.
	assert.Equal(t, 1, fullMonths(day(2024, time.January, 31), day(2024, time.February, 29)))
	assert.Equal(t, 0, fullMonths(day(2024, time.January, 31), day(2024, time.February, 28)))
}

func TestRevalueVehicleByDepreciation(t *testing.T) {
	r := newRegister(t)
	require.NoError(t, r.Add(Item{ID: id(1), Kind: Vehicle, Owner: "Zhang", Currency: money.CNY,
		Registration: Registration{Rank: 1}, Liens: []Lien{{id(101), 1}},
		Cost: cny("200000.00"), AcquiredOn: day(2020, time.March, 15)}))
	// 2 years: 68 % of 200,000 = 136,000.
	v, err := r.Revalue(id(1), day(2022, time.March, 15), MarketData{})
	require.NoError(t, err)
	assert.Equal(t, cny("136000.00"), v.Value)
	assert.Equal(t, Depreciation, v.Method)
	// Vehicles: next revaluation in 3 months, valid 4 months.
	assert.Equal(t, day(2022, time.June, 15), v.NextDue)
	assert.Equal(t, day(2022, time.July, 15), v.ValidUntil)
}

func TestIndexBasedRevaluation(t *testing.T) {
	r := newRegister(t)
	require.NoError(t, r.Add(Item{ID: id(1), Kind: RealEstate, Owner: "Chen", Currency: money.CNY,
		Registration: Registration{Rank: 1}, Liens: []Lien{{id(101), 1}}, Region: "hangzhou"}))
	appraised := day(2023, time.June, 20)
	require.NoError(t, r.AddValuation(id(1), Valuation{Date: appraised, Amount: cny("2000000.00"), Method: Appraisal, Source: "Zhejiang Appraisal Co."}, appraised))
	m := MarketData{Source: "city price index", Indices: map[string]IndexSeries{"hangzhou": {
		{Month: day(2023, time.June, 1), Level: decimal.RequireFromString("100.0")},
		{Month: day(2024, time.May, 1), Level: decimal.RequireFromString("95.5")},
		{Month: day(2024, time.June, 1), Level: decimal.RequireFromString("96.2")},
	}}}
	// May 2024: 2,000,000 × 95.5 / 100.0 = 1,910,000.
	v, err := r.Revalue(id(1), day(2024, time.May, 31), m)
	require.NoError(t, err)
	assert.Equal(t, cny("1910000.00"), v.Value)
	// June 2024: the index applies to the last appraisal, not to the May
	// index valuation: 2,000,000 × 96.2 / 100.0 = 1,924,000.
	v, err = r.Revalue(id(1), day(2024, time.June, 25), m)
	require.NoError(t, err)
	assert.Equal(t, cny("1924000.00"), v.Value)
	assert.Equal(t, IndexMethod, v.Method)
	assert.Equal(t, "city price index", v.Source)

	// A region without an index, or a kind revalued by a valuer, is refused.
	_, err = r.Revalue(id(1), day(2024, time.June, 25), MarketData{})
	assert.ErrorIs(t, err, ErrNoValuation)
}

func TestValuationInAnotherCurrency(t *testing.T) {
	r := newRegister(t)
	pledged(t, r, id(1), Equipment, money.Amount{}, day(2024, time.January, 2), Lien{id(101), 1})
	// USD 10,000.00 at 7.1234 CNY per USD = CNY 71,234.00.
	on := day(2024, time.January, 2)
	require.NoError(t, r.AddValuation(id(1), Valuation{Date: on, Amount: money.MustParse("10000.00", money.USD),
		FXRate: rate("7.1234"), Method: Appraisal, Source: "valuer"}, on))
	v, err := r.ValueAt(id(1), on)
	require.NoError(t, err)
	assert.Equal(t, cny("71234.00"), v.Market)
	// JPY (no decimals) 1,000,000 at 0.0483 = CNY 48,300.00.
	require.NoError(t, r.AddValuation(id(1), Valuation{Date: on, Amount: money.MustParse("1000000", money.JPY),
		FXRate: rate("0.0483"), Method: Appraisal, Source: "valuer"}, on))
	v, _ = r.ValueAt(id(1), on)
	assert.Equal(t, cny("48300.00"), v.Market)
}
