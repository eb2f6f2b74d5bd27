package collect_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/fault"
)

func TestProceedingLifecycle(t *testing.T) {
	p, err := collect.FileProceeding(loanID, loanID, "Huangpu District Court", day(2024, 3, 1), cny("52000"))
	require.NoError(t, err)
	require.NoError(t, p.AddRecovery(cny("0"), cny("1200"))) // filing fee
	require.NoError(t, p.Judge(day(2024, 7, 15), cny("50000")))
	require.NoError(t, p.Enforce(day(2024, 8, 20)))
	require.NoError(t, p.AddRecovery(cny("8000"), cny("300")))
	require.NoError(t, p.Conclude(day(2025, 2, 1), "enforcement terminated: no further assets (终结本次执行)"))

	// Recovered 8,000 against costs 1,200 + 300 = 1,500: net 6,500.
	assert.Equal(t, cny("6500"), p.Net())
	o := p.Outcome()
	assert.True(t, o.Unrecovered, "8,000 recovered of 50,000 awarded")
	assert.Equal(t, collect.Concluded, o.Status)

	err = p.Judge(day(2025, 3, 1), cny("1"))
	var te *fault.Transition
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "concluded", te.From)
	assert.ErrorIs(t, p.AddRecovery(cny("1"), cny("0")), collect.ErrIllegalTransition)
}

// Outcome measures recoveries against the claim, not the award: a
// dismissed suit or a partial award leaves the claim unrecovered, so a
// write-off policy requiring a legal outcome accepts it.
func TestProceedingUnrecoveredAgainstClaim(t *testing.T) {
	conclude := func(t *testing.T, awarded, recovered, costs string, judged bool) collect.LegalOutcome {
		t.Helper()
		p, err := collect.FileProceeding(loanID, loanID, "Huangpu District Court", day(2024, 3, 1), cny("100000"))
		require.NoError(t, err)
		if judged {
			require.NoError(t, p.Judge(day(2024, 7, 15), cny(awarded)))
		}
		require.NoError(t, p.AddRecovery(cny(recovered), cny(costs)))
		require.NoError(t, p.Conclude(day(2024, 9, 1), "closed"))
		return p.Outcome()
	}
	cases := []struct {
		name                     string
		awarded, recovered, cost string
		judged, unrecovered      bool
	}{
		{"dismissed: nothing awarded of 100,000 claimed", "0", "0", "0", true, true},
		{"withdrawn before judgment, nothing recovered", "0", "0", "0", false, true},
		{"50,000 awarded and recovered of 100,000 claimed", "50000", "50000", "0", true, true},
		{"100,000 recovered, 1,200 costs: net 98,800 short of the claim", "100000", "100000", "1200", true, true},
		{"fully recovered", "100000", "100000", "0", true, false},
		{"fully recovered with costs", "100000", "101200", "1200", true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := conclude(t, tc.awarded, tc.recovered, tc.cost, tc.judged)
			assert.Equal(t, tc.unrecovered, o.Unrecovered)
		})
	}

	// The write-off check follows: a dismissed suit is the legal outcome
	// the default policy asks for.
	o := conclude(t, "0", "0", "0", true)
	pol := collect.DefaultWriteOffPolicy()
	pr := collect.Proposal{Loan: loanID, Day: day(2025, 3, 1), Amount: cny("100000"), Grade: collect.Loss,
		ProposedBy: "maker", Status: collect.Proposed, Legal: &o,
		Evidence: []collect.Evidence{{Kind: "collection-record", Ref: "doc-1"}, {Kind: "limitation-status", Ref: "doc-2"}}}
	assert.NoError(t, pol.Check(&pr))
}

// A proceeding decoded from JSON with no steps must not panic: the filing
// day stands in for the last step.
func TestProceedingWithoutStepsDoesNotPanic(t *testing.T) {
	var p collect.Proceeding
	require.NoError(t, json.Unmarshal([]byte(`{"status":"filed","filed":"2024-03-01","claimed":"CNY 100.00","steps":[]}`), &p))
	require.NotPanics(t, func() { require.NoError(t, p.Judge(day(2024, 7, 15), cny("100"))) })
	assert.Equal(t, collect.Judgment, p.Status)

	var q collect.Proceeding
	require.NoError(t, json.Unmarshal([]byte(`{"status":"filed","filed":"2024-03-01","claimed":"CNY 100.00","steps":[]}`), &q))
	var ve *fault.Fields
	require.ErrorAs(t, q.Judge(day(2024, 2, 1), cny("100")), &ve, "before the filing day")
	assert.Equal(t, "day", ve.List[0].Name)

	var r collect.Proceeding
	require.NoError(t, json.Unmarshal([]byte(`{"status":"filed","claimed":"CNY 100.00","steps":[]}`), &r))
	require.NotPanics(t, func() { _ = r.Judge(day(2024, 7, 15), cny("100")) })
}
