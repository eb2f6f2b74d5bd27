package collateral

import (
	"encoding/json"
	"testing"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultPolicyIsValidAndRoundTrips(t *testing.T) {
	p := DefaultPolicy()
	require.NoError(t, p.Validate())
	b, err := json.Marshal(p)
	require.NoError(t, err)
	var back Policy
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, p, back)
	// Rates travel as exact decimal text, never floats.
	assert.Contains(t, string(b), `"haircut":"0.3"`)
	assert.Contains(t, string(b), `"kind":"real-estate"`)
	// Civil Code art. 692: six months after maturity by default.
	assert.Equal(t, Period{Months: 6}, p.Guarantees.DefaultPeriod)
}

func TestPolicyValidateReportsEveryField(t *testing.T) {
	p := DefaultPolicy()
	p.Kinds[0].Haircut = money.MustRate("1")        // haircut must be below 1
	p.Kinds[1].Residual[2] = money.MustRate("0.9")  // rises above the year before
	p.Kinds[2].Every = Period{}                     // empty frequency
	p.Kinds[3].Residual = []money.Rate{rate("0.5")} // only depreciation takes one
	p.Kinds[4].Method = 0                           // unknown
	p.Kinds = p.Kinds[:7]                           // "other" missing
	p.Thresholds.WarningLTV = rate("1.1")           // above margin call 1.05
	p.Thresholds.CallDays = 0
	p.Custody.MaxCheckoutDays = -1
	p.Guarantees.DefaultPeriod = Period{Months: -6}
	err := p.Validate()
	var ve *fault.Fields
	require.ErrorAs(t, err, &ve)
	assert.ErrorIs(t, err, ErrInvalidPolicy)
	var fields []string
	for _, f := range ve.List {
		fields = append(fields, f.Name)
	}
	assert.ElementsMatch(t, []string{"kinds[0].haircut", "kinds[1].residual[2]", "kinds[2].every",
		"kinds[3].residual", "kinds[4].method", "kinds", "thresholds.warning_ltv", "thresholds.call_days",
		"custody.max_checkout_days", "guarantees.default_period"}, fields)

	_, err = NewRegister(p)
	assert.ErrorIs(t, err, ErrInvalidPolicy)
}

func TestPolicyUnmarshalRejectsUnknownNames(t *testing.T) {
	var k KindPolicy
	k.Kind = Vehicle
	err := json.Unmarshal([]byte(`{"kind":"spaceship"}`), &k)
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Equal(t, Vehicle, k.Kind, "a failed decode leaves the field as it was")
}

func TestItemLifecycleTable(t *testing.T) {
	// The collateral lifecycle of the issue: proposed → pledged/registered
	// → released, or → seized → liquidated.
	tests := []struct {
		from Status
		e    Event
		to   Status
		ok   bool
	}{
		{Proposed, EventPledge, Pledged, true},
		{Pledged, EventRelease, Released, true},
		{Pledged, EventSeize, Seized, true},
		{Seized, EventLiquidate, Liquidated, true},
		{Seized, EventRelease, Released, true},
		{Proposed, EventSeize, Proposed, false},
		{Proposed, EventLiquidate, Proposed, false},
		{Pledged, EventLiquidate, Pledged, false},
		{Released, EventPledge, Released, false},
		{Liquidated, EventRelease, Liquidated, false},
	}
	for _, tc := range tests {
		t.Run(tc.from.String()+" "+tc.e.String(), func(t *testing.T) {
			to, err := tc.from.Next(tc.e)
			assert.Equal(t, tc.to, to)
			if tc.ok {
				assert.NoError(t, err)
				return
			}
			var te *fault.Transition
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tc.from.String(), te.From)
			assert.Equal(t, "item", te.Machine)
			assert.Equal(t, tc.e.String(), te.Event)
			assert.ErrorIs(t, err, ErrIllegalTransition)
		})
	}
}

func TestPeriodAfterClampsMonthEnd(t *testing.T) {
	assert.Equal(t, day(2024, 2, 29), Period{Months: 1}.After(day(2024, 1, 31)))
	assert.Equal(t, day(2025, 2, 28), Period{Months: 12}.After(day(2024, 2, 29)))
	assert.Equal(t, day(2024, 3, 7), Period{Months: 1, Days: 7}.After(day(2024, 1, 31)))
}
