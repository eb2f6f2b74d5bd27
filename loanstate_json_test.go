package lendcore

import (
	"encoding/json"
	"fmt"
	"testing"
	gotime "time"

	"github.com/google/uuid"
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
		Ahead: cny("12.34"), Product: ProductRef{Name: "consumer-unsecured", Version: 2, Segment: "vip"},
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

// The hand-written posting encoder writes what encoding/json writes.
func TestPostingJSONMatchesReflection(t *testing.T) {
	type plain loan.Posting
	for name, p := range map[string]loan.Posting{
		"zero":  {},
		"time":  {Date: date.New(2024, 1, 17), Kind: "accrual", Debit: "interest-receivable", Credit: "interest-income", Amount: money.MustParse("1.23", money.CNY)},
		"entry": {Date: date.New(2024, 12, 1), Entry: uuid.MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), Seq: 7, Kind: "repayment", Debit: "cash", Credit: "loans-receivable", Amount: money.MustParse("-0.01", money.USD), Owner: "fund-1"},
		"odd":   {Date: date.New(12024, 1, 1), Kind: `a "b" <c> & \ é`, Debit: "\u2028", Credit: "x\ny", Owner: "<o>"},
	} {
		got, err := postingJSON(&p)
		require.NoError(t, err, name)
		want, err := json.Marshal(plain(p))
		require.NoError(t, err, name)
		assert.Equal(t, string(want), string(got), name)
	}
}

// postingKey writes what fmt.Sprintf("posting/%s/%s/%d") writes.
func TestPostingKey(t *testing.T) {
	for _, c := range []struct {
		id  uuid.UUID
		day date.Date
		i   int
	}{{uuid.Nil, date.New(2024, 1, 17), 0}, {uuid.MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), date.New(999, 12, 31), 12},
		{uuid.NewSHA1(uuid.NameSpaceOID, []byte("x")), date.New(12024, 2, 29), 3}} {
		assert.Equal(t, fmt.Sprintf("posting/%s/%s/%d", c.id, c.day, c.i), postingKey(c.id, c.day, c.i))
	}
}
