package lendcore

import (
	"encoding/json"
	"testing"
	gotime "time"

	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// The hand-written encoder writes exactly what encoding/json writes from
// the field tags, byte for byte, and decodes back to the same state.
func TestLoanStateJSONMatchesReflection(t *testing.T) {
	type plain LoanState // the same fields and tags, without the method
	cny := func(s string) money.Amount { return money.MustParse(s, money.CNY) }
	d := func(y, m, dd int) date.Date { return date.New(y, gotime.Month(m), dd) }
	full := LoanState{
		Status: loan.Active, Balance: cny("9211.51"), Overdue: cny("890.71"), Claim: cny("0"), Exposure: cny("9302.22"), DPD: 5, MaxDPD: 40,
		Bucket: "M1", Grade: classify.SpecialMention, Stage: classify.Stage2, Level: classify.Yellow,
		LevelSince: d(2024, 3, 1), Rules: "CN23-DPD-1,IFRS9-S2-DPD",
		Track: classify.Track{Grade: classify.SpecialMention, Stage: classify.Stage2, Restructured: true,
			GradeCure: classify.Clock{Since: d(2024, 2, 1), Periods: 2}, Observation: classify.Clock{Since: d(2024, 4, 10)}},
		Provision: cny("184.23"), Collection: collect.M1, CollectionSince: d(2024, 3, 16),
		RestructuredOn: d(2024, 3, 10), Received: cny("888.49"),
		MonthEnd:    MonthEnd{Day: d(2024, 2, 29), DPD: 14, Balance: cny("10000")},
		Distributed: loan.Split{Principal: cny("788.49"), Interest: cny("100"), Penalty: cny("0"), Fee: money.Amount{}},
		LastDue:     d(2024, 3, 15), Maturity: d(2025, 1, 15), Disbursed: d(2024, 1, 15), LastInspection: d(2024, 2, 20),
		InspectionDue: d(2024, 3, 16), Version: 7, Guarantors: 2,
		Signals:   classify.Signals{}.With(classify.Litigation, classify.SeverityHigh).With(classify.FraudSignal, classify.SeverityLow),
		NonRetail: true, Posted: d(2024, 3, 15), Accrual: loan.AccrueMonthEnd,
	}
	odd := LoanState{Status: loan.WrittenOff, Bucket: `M6+ "quoted" <b> & \ é`, Rules: "\u2028"}
	for name, s := range map[string]LoanState{"zero": {}, "full": full, "odd": odd} {
		got, err := json.Marshal(s)
		require.NoError(t, err, name)
		want, err := json.Marshal(plain(s))
		require.NoError(t, err, name)
		assert.Equal(t, string(want), string(got), name)
		var back LoanState
		require.NoError(t, json.Unmarshal(got, &back), name)
		assert.Equal(t, s, back, name)
	}
}
