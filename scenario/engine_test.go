package scenario

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEngineScenarioHandChecks asserts the key figures of the example
// scenarios that run through the Engine's daily close, with the arithmetic
// spelled out. Indices count only the reports that carry a position.
func TestEngineScenarioHandChecks(t *testing.T) {
	tests := []struct {
		file   string
		checks []check
	}{
		// P2P: CNY 10,000 at 12 %, equal principal over 4 months from
		// 2024-01-15 (periodic basis): installment 1 is 2,500 + 1 % of
		// 10,000 = 2,600, installment 2 is 2,500 + 1 % of 7,500 = 2,575.
		// Alice funds 6,000 (60 %), Bob 4,000 (40 %); the default servicing
		// fee is 1 % of each receipt (invest.DefaultBookPolicy: lender
		// practice; no regulatory source found).
		{"p2p-funding-transfer", []check{
			// The close of 02-15 distributes 2,600: Alice 60 % = 1,500
			// principal + 60 interest = 1,560, fee 15.60, net 1,544.40;
			// Bob 40 % = 1,040, fee 10.40.
			{0, []any{"investors", 0, "received", "principal"}, "CNY 1500.00"},
			{0, []any{"investors", 0, "fees"}, "CNY 15.60"},
			{0, []any{"investors", 0, "net"}, "CNY 1544.40"},
			{0, []any{"investors", 1, "fees"}, "CNY 10.40"},
			{0, []any{"investors", 0, "outstanding"}, "CNY 4500.00"},
			// 债权转让 on 03-01: Alice sells her 4,500 to Carol at par plus
			// the interest accrued since 02-15 under act/365F:
			// 4,500 × 12 % × 15/365 = 22.19; price 4,522.19. Seller fee
			// 0.5 % (invest.DefaultTransferPolicy) = 22.61; Alice nets
			// 4,522.19 − 22.61 = 4,499.58.
			{1, []any{"investors", 2, "purchases"}, "CNY 4522.19"},
			{1, []any{"investors", 2, "accrued"}, "CNY 22.19"},
			{1, []any{"investors", 0, "sales"}, "CNY 4499.58"},
			{1, []any{"investors", 0, "seller_fee"}, "CNY 22.61"},
			{1, []any{"investors", 0, "outstanding"}, "CNY 0.00"},
			// The close of 03-15 distributes 2,575 over Bob's 3,000 and
			// Carol's 4,500: Carol 60 % = 1,500 + 45, fee 15.45; Bob
			// 40 % = 1,000 + 30, fee 10.30. Alice receives nothing more.
			{2, []any{"investors", 2, "received", "interest"}, "CNY 45.00"},
			{2, []any{"investors", 2, "fees"}, "CNY 15.45"},
			{2, []any{"investors", 1, "received", "principal"}, "CNY 2000.00"},
			{2, []any{"investors", 1, "outstanding"}, "CNY 2000.00"},
			{2, []any{"investors", 0, "received", "interest"}, "CNY 60.00"},
			{2, []any{"messages", 0, "topic"}, "investor"},
		}},
		// Secured: CNY 100,000 interest-only against a flat appraised at
		// 200,000 with the default real-estate haircut of 30 %
		// (collateral.DefaultPolicy; S: common 70 % maximum LTV).
		{"secured-margin-call", []check{
			// Lending value 200,000 × 70 % = 140,000; LTV 100,000 ÷
			// 140,000 = 71.43 %: within the 90 % warning line.
			{0, []any{"collateral", "lending_value"}, "CNY 140000.00"},
			{0, []any{"collateral", "ltv"}, "71.43%"},
			{0, []any{"collateral", "action"}, "none"},
			// Revalued at 130,000 on 04-01: lending 91,000, LTV 109.89 %,
			// above the 105 % margin-call line (NF: house figure). The call
			// asks for 100,000 − 91,000 × 100 % = 9,000 within 10 days.
			{1, []any{"collateral", "ltv"}, "109.89%"},
			{1, []any{"collateral", "action"}, "call"},
			{1, []any{"collateral", "call", "demanded"}, "CNY 9000.00"},
			{1, []any{"collateral", "call", "deadline"}, "2024-04-11"},
			// A 15,000 deposit pledged on 04-05 (0 % haircut): lending
			// 106,000, LTV 94.34 %: the call is cured, a warning remains.
			{2, []any{"collateral", "lending_value"}, "CNY 106000.00"},
			{2, []any{"collateral", "call", "status"}, "cured"},
			{2, []any{"collateral", "action"}, "warn"},
			// Revalued at 160,000 on 07-01: without the deposit, lending
			// 112,000, LTV 89.29 % ≤ 100 % allowed, so the release of 07-02
			// is accepted.
			{3, []any{"collateral", "items", 1, "status"}, "released"},
			{3, []any{"collateral", "ltv"}, "89.29%"},
			// Guarantor Wang: capacity 250,000 − 220,000 = 30,000 after the
			// re-assessment, below the 50,000 guaranteed: an alert.
			{3, []any{"guarantees", "guaranteed"}, "CNY 50000.00"},
			{3, []any{"guarantees", "alerts", 0}, "wang: capacity-shortfall"},
			// Limitation (Civil Code art. 188/189): 3 years from the last
			// installment's due date 2025-01-15.
			{3, []any{"limitation", "expiry"}, "2028-01-15"},
		}},
		// Collections: CNY 3,000, installments 1,030 / 1,020 / 1,010 due
		// 02-15, 03-15, 04-15, nothing paid; penalty 0.05 % a day on the
		// overdue installment; default ladder (collect.DefaultLadder).
		{"collections-legal-writeoff", []check{
			// 1 day past due: M1, special mention under China 2023 rule
			// CN23-DPD-1; an inspection falls due at once (the default
			// inspection policy: immediately when overdue), announced by
			// the close that finds it due; the move from normal is an
			// alert; the M1 entry actions are an SMS and a call.
			{0, []any{"state", "bucket"}, "M1"},
			{0, []any{"state", "grade"}, "special-mention"},
			{0, []any{"state", "collection"}, "m1"},
			{0, []any{"messages", 0, "topic"}, "inspection"},
			{0, []any{"messages", 1, "topic"}, "alert"},
			{0, []any{"messages", 1, "payload", "previous_grade"}, "normal"},
			{0, []any{"messages", 2, "payload", "action"}, "sms"},
			{0, []any{"messages", 3, "payload", "action"}, "call"},
			// The 22:30 call was refused under COL-2 (quiet hours 22:00–
			// 08:00, GB/T 45251—2025); the promise of 1,030 by 02-29 was
			// broken: the close of 03-01 (the day after its deadline)
			// settled it, and the close of 03-02 fed it to the ladder,
			// whose OnBrokenPromise rule moved the loan to M2 that day
			// (collect.DefaultLadder), ahead of the 31 days past due.
			{1, []any{"collection", "refused", 0, "rule"}, "COL-2"},
			{1, []any{"collection", "contacts"}, 2.0},
			{1, []any{"collection", "promises", 0, "status"}, "broken"},
			{1, []any{"state", "collection"}, "m2"},
			{1, []any{"state", "collection_since"}, "2024-03-02"},
			// 31 days past due on 03-17: still M2 (its entry actions, a
			// collection letter and a notice to the guarantor, were due
			// on 03-02); the day's actions are M2's SMS and call.
			{2, []any{"state", "collection"}, "m2"},
			{2, []any{"messages", 0, "payload", "action"}, "sms"},
			{2, []any{"messages", 1, "payload", "action"}, "call"},
			// 04-16: the third consecutive installment missed sends the
			// loan to legal review (ladder trigger MinConsecutiveMissed 3).
			{3, []any{"state", "collection"}, "legal-review"},
			{3, []any{"messages", 0, "payload", "action"}, "legal-review"},
			// Accelerated 06-01, 107 days past due: penalty per installment,
			// rounded half-up: 1,030 × 107 × 0.0005 = 55.105 → 55.11,
			// 1,020 × 78 × 0.0005 = 39.78, 1,010 × 47 × 0.0005 = 23.735 →
			// 23.74; 118.63 in all, payoff 3,060 + 118.63 = 3,178.63.
			// Over 90 days: substandard (China 2023), stage 3.
			{4, []any{"position", "payoff"}, "CNY 3178.63"},
			// Accelerated after the last due date (04-15), so the
			// limitation period still runs from 04-15 (Civil Code art.
			// 189: from the last installment's due date); the demand
			// letter of 03-18 came before it ran.
			{4, []any{"limitation", "start"}, "2024-04-15"},
			{4, []any{"limitation", "expiry"}, "2027-04-15"},
			{4, []any{"state", "grade"}, "substandard"},
			{4, []any{"state", "stage"}, "stage-3"},
			// Written off 12-31: penalty 1,030 × 320 + 1,020 × 291 +
			// 1,010 × 260 days at 0.05 % = 164.80 + 148.41 + 131.30 = 444.51.
			// The suit filed on 06-01 restarted the limitation period
			// (art. 195(3)): expiry 2027-06-01.
			{5, []any{"position", "written_off", "penalty"}, "CNY 444.51"},
			{5, []any{"limitation", "expiry"}, "2027-06-01"},
			// The demand on guarantor Li on 04-20 preserved the guarantee
			// (art. 693): it still covers the claim, 3,504.51.
			{5, []any{"guarantees", "guaranteed"}, "CNY 3504.51"},
			// A recovery of 800 after write-off goes to principal first:
			// claim 3,000 − 800 = 2,200. An enforcement recovery does not
			// acknowledge the debt, so the limitation still runs from the
			// suit. 361+ days and Loss: the write-off proposal stage.
			{6, []any{"position", "claim", "principal"}, "CNY 2200.00"},
			{6, []any{"limitation", "restart"}, "2024-06-01"},
			{6, []any{"state", "grade"}, "loss"},
			{6, []any{"state", "collection"}, "write-off-proposal"},
			{6, []any{"collection", "proceeding", "recovered"}, "CNY 800.00"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) { handCheck(t, tt.file, tt.checks) })
	}
}

// TestScenarioDeterministic: the same file prints the same bytes twice
// (fixed clock, ids derived from the file), each run on a new Engine.
func TestScenarioDeterministic(t *testing.T) {
	for _, f := range []string{"p2p-funding-transfer", "secured-margin-call", "collections-legal-writeoff"} {
		a, err := runFile(t, filepath.Join("testdata", f+".json"))
		require.NoError(t, err)
		b, _ := runFresh(t, filepath.Join("testdata", f+".json"))
		assert.Equal(t, a, b, f)
	}
}

// TestRunBadEngineInput: bad input to the Engine-driven events names the
// field.
func TestRunBadEngineInput(t *testing.T) {
	head := `{"currency":"CNY","terms":{"principal":"CNY 3000.00","annual_rate":"12%%","method":"equal-principal",
"frequency":"monthly","periods":3,"start":"2024-01-15"},%s"events":[%s]}`
	disburse := `{"type":"disburse","date":"2024-01-15","funding":[{"investor":"a","amount":"3000"}]}`
	with := func(evs ...string) string {
		return fmt.Sprintf(head, "", strings.Join(append([]string{disburse}, evs...), ","))
	}
	tests := []struct{ name, json, field string }{
		{"field of another event type", with(`{"type":"repay","date":"2024-02-15","amount":"1","item":"x"}`), "events[1].item"},
		{"event before disbursement", fmt.Sprintf(head, "", `{"type":"repay","date":"2024-02-15","amount":"1"}`), "events[0].type"},
		{"disbursed twice", with(disburse), "events[1].type"},
		{"disbursement off the start date", fmt.Sprintf(head, "", `{"type":"disburse","date":"2024-01-16"}`), "events[0].date"},
		{"partial disbursement", fmt.Sprintf(head, "", `{"type":"disburse","date":"2024-01-15","amount":"10"}`), "events[0].amount"},
		{"funding without investor", fmt.Sprintf(head, "", `{"type":"disburse","date":"2024-01-15","funding":[{"amount":"3000"}]}`), "events[0].funding[0].investor"},
		{"funding above the principal", fmt.Sprintf(head, "", `{"type":"disburse","date":"2024-01-15","funding":[{"investor":"a","amount":"4000"}]}`), "events[0].funding"},
		{"unknown seller", with(`{"type":"transfer","date":"2024-03-01","seller":"zed","buyer":"b"}`), "events[1].seller"},
		{"transfer too early", with(`{"type":"transfer","date":"2024-01-20","seller":"a","buyer":"b"}`), "events[1]"},
		{"collateral without kind", with(`{"type":"collateral","date":"2024-01-15","item":"flat"}`), "events[1].kind"},
		{"unknown collateral kind", with(`{"type":"collateral","date":"2024-01-15","item":"flat","kind":"castle"}`), "events[1].kind"},
		{"valuation of an unknown item", with(`{"type":"valuation","date":"2024-02-01","item":"nope","amount":"5"}`), "events[1].item"},
		{"register change ahead of the close", with(`{"type":"close","date":"2024-02-01"}`,
			`{"type":"collateral","date":"2024-03-01","item":"flat","kind":"real-estate","amount":"9000"}`), "events[2].date"},
		{"unknown guarantee kind", with(`{"type":"guarantor","date":"2024-01-15","guarantor":"g","guarantee":"moral"}`), "events[1].guarantee"},
		{"assessment of an unknown guarantor", with(`{"type":"assessment","date":"2024-02-01","guarantor":"g","net_worth":"5"}`), "events[1].guarantor"},
		{"contact without channel", with(`{"type":"contact","date":"2024-02-16","outcome":"reached"}`), "events[1].channel"},
		{"contact at a bad time", with(`{"type":"contact","date":"2024-02-16","time":"25:00","channel":"phone","outcome":"reached"}`), "events[1].time"},
		{"contact with an unknown outcome", with(`{"type":"contact","date":"2024-02-16","channel":"phone","outcome":"shrug"}`), "events[1].outcome"},
		{"promise without due date", with(`{"type":"promise","date":"2024-02-16","amount":"5"}`), "events[1].due"},
		{"legal step before filing", with(`{"type":"legal","date":"2024-06-01","step":"judgment","amount":"5"}`), "events[1].step"},
		{"unknown legal step", with(`{"type":"legal","date":"2024-06-01","step":"appeal"}`), "events[1].step"},
		{"demand without evidence kind", with(`{"type":"demand","date":"2024-06-01","interruption":"prayer"}`), "events[1].interruption"},
		{"close in the far future", with(`{"type":"close","date":"9999-01-01"}`), "events[1].date"},
		{"bad utc offset", strings.Replace(with(), `"events"`, `"utc_offset":"+8","events"`, 1), "utc_offset"},
		{"servicing in policies", fmt.Sprintf(head, `"policies":{"servicing":{}},`, disburse), "policies.servicing"},
		{"bad ladder", fmt.Sprintf(head, `"policies":{"ladder":{"stages":[]}},`, disburse), "policies.ladder.stages"},
		{"bad collateral policy", fmt.Sprintf(head, `"policies":{"collateral":{"kinds":[]}},`, disburse), "policies.collateral.kinds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runBytes(t, []byte(tt.json))
			assert.Empty(t, out)
			// Every bad field is named; these scenarios have one (the
			// collateral policy misses an entry for each kind).
			names := badFields(t, err)
			assert.Contains(t, names, tt.field, "%v", err)
			for _, n := range names {
				assert.Equal(t, tt.field, n, "%v", err)
			}
		})
	}
}

// TestRefusedContactIsReported: a contact the conduct rules refuse is
// printed and counted, and the run goes on (COL-1, GB/T 45251—2025: at most 3
// connected calls a day).
func TestRefusedContactIsReported(t *testing.T) {
	call := `{"type":"contact","date":"2024-02-16","time":"%s","channel":"phone","outcome":"reached"}`
	sc := fmt.Sprintf(`{"currency":"CNY","terms":{"principal":"CNY 3000.00","annual_rate":"12%%","method":"equal-principal",
"frequency":"monthly","periods":3,"start":"2024-01-15"},"events":[{"type":"disburse","date":"2024-01-15"},%s,%s,%s,%s,
{"type":"report","date":"2024-02-16","report":"summary"}]}`,
		fmt.Sprintf(call, "09:00"), fmt.Sprintf(call, "10:00"), fmt.Sprintf(call, "11:00"), fmt.Sprintf(call, "12:00"))
	out, err := runBytes(t, []byte(sc))
	require.NoError(t, err)
	rs := reports(t, out)
	require.Len(t, rs, 2)
	assert.Equal(t, "contact-refused", rs[0]["report"])
	assert.Equal(t, "COL-1", get(t, rs[0], "refused", "rule"))
	assert.Equal(t, 4.0, get(t, rs[0], "refused", "event"))
	assert.Equal(t, 3.0, get(t, rs[1], "collection", "contacts"), "the fourth call was not recorded")
}

// TestInvestorsWithDefaultDayCount: terms that leave the day count out
// (schedule: zero means Actual360) still give investor statements.
func TestInvestorsWithDefaultDayCount(t *testing.T) {
	sc := `{"currency":"CNY","terms":{"principal":"CNY 3000.00","annual_rate":"12%","method":"equal-principal",
"frequency":"monthly","periods":3,"start":"2024-01-15"},"events":[{"type":"disburse","date":"2024-01-15",
"funding":[{"investor":"a","amount":"3000"}]},{"type":"report","date":"2024-01-25","report":"summary"}]}`
	out, err := runBytes(t, []byte(sc))
	require.NoError(t, err)
	// 3,000 × 12 % × 10/360 = 10.00 accrued to the investor by 01-25.
	assert.Equal(t, "CNY 10.00", get(t, reports(t, out)[0], "investors", 0, "accrued"))
}
