package collect_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/collect"
)

func TestPerformance(t *testing.T) {
	at := func(d int, who string, o collect.Outcome) collect.ContactRecord {
		return collect.ContactRecord{At: time.Date(2024, 6, d, 10, 0, 0, 0, cst), Collector: who, Channel: collect.Phone, Outcome: o}
	}
	act := collect.Activity{
		Cases: []collect.CaseOutcome{
			{Collector: "ann", From: collect.M1, To: collect.PreDue, Cured: true},
			{Collector: "ann", From: collect.M1, To: collect.M2},
			{Collector: "ann", From: collect.M2, To: collect.M2},
			{Collector: "ann", From: collect.M2, To: collect.PreDue, Cured: true},
			{Collector: "bob", From: collect.M3, To: collect.LegalReview},
		},
		Contacts: []collect.ContactRecord{
			at(3, "ann", collect.Reached), at(3, "ann", collect.NoAnswer), at(4, "ann", collect.PromisedPay),
			at(5, "ann", collect.WrongNumber), at(5, "bob", collect.Refused),
			at(1, "bob", collect.Reached), // 2024-06-01 is in the period
			{At: time.Date(2024, 7, 1, 10, 0, 0, 0, cst), Collector: "bob", Outcome: collect.Reached}, // July: out
		},
		Promises: []collect.PromiseOutcome{
			{Collector: "ann", Made: day(2024, 6, 4), Status: collect.Kept},
			{Collector: "ann", Made: day(2024, 6, 10), Status: collect.Broken},
			{Collector: "ann", Made: day(2024, 6, 20), Status: collect.Kept},
			{Collector: "bob", Made: day(2024, 5, 20), Status: collect.Kept}, // May: out
		},
		Recoveries: []collect.Recovery{
			{Day: day(2024, 6, 5), Amount: cny("1000"), Collector: "ann"},
			{Day: day(2024, 6, 25), Amount: cny("250.50"), Collector: "ann"},
			{Day: day(2024, 6, 26), Amount: cny("400"), Collector: "bob"},
		},
	}
	cards, teams, err := collect.Performance(act, day(2024, 6, 1), day(2024, 6, 30), map[string]string{"ann": "east", "bob": "east"})
	require.NoError(t, err)
	require.Len(t, cards, 2)
	ann := cards[0]
	// ann: 4 cases, 2 cured (1/2), 1 rolled forward M1→M2 (1/4); 4 attempts,
	// 2 spoke (reached, promised) → 1/2; promises 2 kept 1 broken → 2/3;
	// recovered 1,000 + 250.50 = 1,250.50.
	assert.Equal(t, "ann", ann.Name)
	assert.Equal(t, [4]int{4, 2, 1, 4}, [4]int{ann.Cases, ann.Cured, ann.RolledForward, ann.Attempts})
	assert.Equal(t, frac(1, 2), ann.CureRate)
	assert.Equal(t, frac(1, 4), ann.RollForwardRate)
	assert.Equal(t, frac(1, 2), ann.ContactRate)
	assert.Equal(t, frac(2, 3), ann.Promises.Rate)
	assert.Equal(t, cny("1250.50"), ann.Recovered)
	// bob: 1 case rolled forward; 2 attempts in June, both spoke.
	assert.Equal(t, frac(1, 1), cards[1].RollForwardRate)
	assert.Equal(t, frac(1, 1), cards[1].ContactRate)
	assert.Equal(t, 0, cards[1].Promises.Made)

	// Team east: 5 cases, 2 cured (2/5), 2 rolled (2/5); 6 attempts, 4 spoke (2/3).
	require.Len(t, teams, 1)
	east := teams[0]
	assert.Equal(t, frac(2, 5), east.CureRate)
	assert.Equal(t, frac(2, 5), east.RollForwardRate)
	assert.Equal(t, frac(2, 3), east.ContactRate)
	assert.Equal(t, cny("1650.50"), east.Recovered)
}
