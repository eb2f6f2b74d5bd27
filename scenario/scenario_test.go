package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
)

var update = flag.Bool("update", false, "rewrite the scenario golden files")

// runFile runs a scenario file and returns its documents as JSON, as
// lendcore run prints them. The tests that read a file's output share one
// run of it (a scenario through a year of daily closes takes seconds);
// TestScenarioDeterministic makes its own (runFresh).
func runFile(t *testing.T, path string) (string, error) {
	t.Helper()
	type result struct {
		out string
		err error
	}
	if r, ok := runs.Load(path); ok {
		return r.(result).out, r.(result).err
	}
	out, err := runFresh(t, path)
	runs.Store(path, result{out, err})
	return out, err
}

// runs holds the outputs runFile shared, by path.
var runs sync.Map

// runFresh runs a scenario file.
func runFresh(t *testing.T, path string) (string, error) {
	t.Helper()
	sc, err := Load(path)
	if err != nil {
		return "", err
	}
	return runParsed(t, sc)
}

// runBytes parses and runs a scenario given as JSON.
func runBytes(t *testing.T, b []byte) (string, error) {
	t.Helper()
	sc, err := Parse(bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	return runParsed(t, sc)
}

func runParsed(t *testing.T, sc *Scenario) (string, error) {
	t.Helper()
	rep, err := sc.Run(context.Background(), Options{})
	if err != nil {
		return "", err
	}
	var out bytes.Buffer
	require.NoError(t, rep.WriteJSON(&out))
	return out.String(), nil
}

// badFields returns the fields a scenario error names, failing the test
// when err is not a *fault.Fields wrapping ErrInvalid.
func badFields(t *testing.T, err error) []string {
	t.Helper()
	var bad *fault.Fields
	require.ErrorAs(t, err, &bad)
	require.ErrorIs(t, err, ErrInvalid)
	var names []string
	for _, f := range bad.List {
		names = append(names, f.Name)
	}
	return names
}

// reports decodes the report stream of a run into generic JSON values.
func reports(t *testing.T, out string) []map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	var rs []map[string]any
	for dec.More() {
		var r map[string]any
		require.NoError(t, dec.Decode(&r))
		rs = append(rs, r)
	}
	return rs
}

// get walks a decoded report: get(r, "position", "installments", 0, "status").
func get(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			require.True(t, ok, "%v is not an object at %q", v, k)
			v = m[k]
		case int:
			s, ok := v.([]any)
			require.True(t, ok && k < len(s), "%v has no index %d", v, k)
			v = s[k]
		}
	}
	return v
}

// TestScenarioGolden runs every scenario under testdata and compares the
// output with its .golden file (go test -update rewrites them). The values
// the golden files hold were checked by hand; TestScenarioHandChecks
// asserts the key figures with the arithmetic spelled out.
func TestScenarioGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			out, err := runFile(t, f)
			require.NoError(t, err)
			golden := strings.TrimSuffix(f, ".json") + ".golden"
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(out), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err)
			assert.Equal(t, string(want), out)
		})
	}
}

// TestScenarioHandChecks asserts the figures of the golden files that were
// computed by hand. Every scenario but risk-debtor lends CNY 3,000 at 12 % a year, equal
// principal over 3 months from 2024-01-15 with the periodic basis: each
// installment repays 1,000 of principal plus 1 % of the balance — 1,030 due
// 2024-02-15, 1,020 due 2024-03-15, 1,010 due 2024-04-15.
func TestScenarioHandChecks(t *testing.T) {
	P := func(p ...any) []any { return append([]any{"position"}, p...) }
	S := func(p ...any) []any { return append([]any{"state"}, p...) }
	tests := []struct {
		file   string
		checks []check
	}{
		{"ontime", []check{
			{0, P("installments", 1, "status"), "paid"},
			{1, P("status"), "closed"},
			// 3,000 principal + 30 + 20 + 10 interest.
			{1, P("received"), "CNY 3060.00"},
		}},
		// Penalty (罚息) of 0.05 % a day on the overdue installment (principal
		// and interest): paid 10 days late (2024-02-15 → 02-25), so
		// 1,030 × 10 × 0.0005 = 5.15.
		{"late-penalty", []check{
			{0, P("days_past_due"), 10.0},
			{0, P("outstanding", "penalty"), "CNY 5.15"},
			{1, P("installments", 0, "status"), "paid-late"},
			{1, P("installments", 0, "paid", "penalty"), "CNY 5.15"},
			{1, P("days_past_due"), 0.0},
			{2, P("status"), "closed"},
		}},
		// 1,020 paid on 2024-03-20 against installments 1 and 2, both overdue,
		// no penalty. Horizontal: installment 1 first — interest 30, principal
		// 990, leaving 10 of its principal; installment 2 untouched.
		{"waterfall-horizontal", []check{
			{0, P("installments", 0, "outstanding", "principal"), "CNY 10.00"},
			{0, P("installments", 1, "outstanding", "interest"), "CNY 20.00"},
			{0, P("installments", 1, "outstanding", "principal"), "CNY 1000.00"},
			{0, P("days_past_due"), 34.0}, // 2024-02-15 → 03-20
		}},
		// Vertical: interest across both first (30 + 20), then principal of
		// installment 1: 1,020 − 50 = 970, leaving 30.
		{"waterfall-vertical", []check{
			{0, P("installments", 0, "outstanding", "principal"), "CNY 30.00"},
			{0, P("installments", 1, "outstanding", "interest"), "CNY 0.00"},
			{0, P("installments", 1, "outstanding", "principal"), "CNY 1000.00"},
		}},
		// 1,100 against 1,030: 70 credit, which settles installment 2 when it
		// falls due (its 20 interest then 50 principal); 950 more clears it.
		// 1,040 against the last 1,010 leaves 30 credit, refunded next day.
		{"overpayment", []check{
			{0, P("credit"), "CNY 70.00"},
			{1, P("credit"), "CNY 0.00"},
			{1, P("outstanding", "principal"), "CNY 1950.00"},
			{2, P("status"), "closed"},
			{2, P("credit"), "CNY 30.00"},
			{3, P("credit"), "CNY 0.00"},
			{3, P("refunded"), "CNY 30.00"},
		}},
		// Payoff on 2024-03-01: principal 2,000 + interest accrued over 15 of
		// the 29 days of the period 02-15 → 03-15: 20 × 15/29 = 10.34.
		{"early-payoff", []check{
			{0, P("accrued_interest"), "CNY 10.34"},
			{0, P("payoff"), "CNY 2010.34"},
			{1, P("status"), "closed"},
		}},
		// 1,000 prepaid on the first due date, after paying it: 1,000 left.
		// Keep the term: 2 periods of 500 + 1 % interest (10, then 5).
		{"prepay-keep-term", []check{
			{0, P("installments", 2, "owed", "principal"), "CNY 500.00"},
			{0, P("installments", 2, "owed", "interest"), "CNY 10.00"},
			{0, P("installments", 3, "owed", "principal"), "CNY 500.00"},
			{0, P("installments", 3, "owed", "interest"), "CNY 5.00"},
		}},
		// Keep the installment's principal (1,000): one period left, 1,000 + 10.
		{"prepay-keep-installment", []check{
			{0, P("installments", 2, "owed", "principal"), "CNY 1000.00"},
			{0, P("installments", 2, "owed", "interest"), "CNY 10.00"},
			{0, P("installments", 2, "due"), "2024-03-15"},
		}},
		// Same penalty as late-penalty. A payment dated 02-20 posted after the
		// 02-25 report: 5 days, 1,030 × 5 × 0.0005 = 2.575 → 2.58 (half up),
		// then 1,030 clears the installment. Reversing it brings the penalty
		// back for 11 days on 02-26: 1,030 × 11 × 0.0005 = 5.665 → 5.67.
		{"backdated-reversal", []check{
			{0, P("outstanding", "penalty"), "CNY 5.15"},
			{1, P("outstanding", "penalty"), "CNY 0.00"},
			{1, P("paid", "penalty"), "CNY 2.58"},
			{1, P("days_past_due"), 0.0},
			{2, P("outstanding", "penalty"), "CNY 5.67"},
			{2, P("days_past_due"), 11.0},
		}},
		// 展期 by 2 periods on 2024-03-10: 2,000 over 4 periods, 500 each.
		// Installment 2's interest: 20 × 24/29 accrued under the old schedule
		// (16.55) + 2,000 × 12 % × 5/365 for 03-10 → 03-15 (3.29) = 19.84;
		// then 1 % of 1,500, 1,000, 500.
		{"extension", []check{
			{0, P("restructured"), true},
			{0, P("installments", 1, "owed", "interest"), "CNY 19.84"},
			{0, P("installments", 2, "owed", "interest"), "CNY 15.00"},
			{0, P("installments", 4, "due"), "2024-06-15"},
			{0, P("installments", 4, "owed", "principal"), "CNY 500.00"},
		}},
		// 宣布提前到期 on 2024-03-01: installment 1 is 15 days overdue, penalty
		// 1,030 × 15 × 0.0005 = 7.725 → 7.73; the rest (2,000 + 10.34 accrued)
		// falls due that day. Payoff 3,000 + 40.34 + 7.73 = 3,048.07.
		{"acceleration", []check{
			{0, P("status"), "accelerated"},
			{0, P("installments", 1, "due"), "2024-03-01"},
			{0, P("installments", 1, "owed", "interest"), "CNY 10.34"},
			{0, P("outstanding", "penalty"), "CNY 7.73"},
			{0, P("payoff"), "CNY 3048.07"},
		}},
		// 核销 on 2024-06-30: penalty 1,030 × 136 days + 2,010.34 × 121 days at
		// 0.05 % = 70.04 + 121.626 = 191.67. Recovery of 500 goes to
		// principal first (written-off waterfall); the claim stays pursued.
		{"writeoff-recovery", []check{
			{0, P("status"), "written-off"},
			{0, P("written_off", "penalty"), "CNY 191.67"},
			{0, P("claim", "principal"), "CNY 3000.00"},
			{1, P("recovered", "principal"), "CNY 500.00"},
			{1, P("claim", "principal"), "CNY 2500.00"},
			{1, P("status"), "written-off"},
		}},
		// The post-loan risk loop, checked against the default tables
		// (classify.DefaultWarnings: low yellow, medium orange, high red; a
		// high financial deterioration, purpose deviation or litigation at
		// least 关注 and stage 2).
		//
		// A warning from a finding: the adverse inspection of 01-25 finds
		// finances high (red, 关注) and use of funds medium (orange). The
		// clean inspection of 02-20 is not signed off, so it clears
		// nothing: still red and 关注 on 02-20. Signed off on 02-22 by
		// another person, its findings (none) replace the earlier ones:
		// green and 正常 (no cure rule holds 关注); stage 2 stays under the
		// stage-2 probation (EBAStageCure).
		{"risk-inspection-signoff", []check{
			{0, S("level"), "red"},
			{0, S("grade"), "special-mention"},
			{0, S("signals", "financial-deterioration"), "high"},
			{0, S("signals", "purpose-deviation"), "medium"},
			{0, S("rules"), "EW-financial-deterioration-low,EW-financial-deterioration-medium,EW-financial-deterioration-high," +
				"EW-purpose-deviation-low,EW-purpose-deviation-medium"},
			{1, S("level"), "red"},
			{1, S("grade"), "special-mention"},
			{2, S("level"), "green"},
			{2, S("grade"), "normal"},
			{2, S("stage"), "stage-2"},
		}},
		// A grade from a fact: litigation (default severity high) on 01-20
		// is red and 关注. Withdrawn on 02-16; the inflow report of 02-20
		// over 01-16..02-20 shows 500.00 against the one installment due
		// in that window, 1,030 on 02-15: 500 / 1,030 = 48.5 %, under the
		// default fund-flow table's 50 % — cash flow behind plan, high:
		// red, but no grade floor for that signal, so 正常. On 02-25 a
		// report of 1,100.00 over the same window (107 % of 1,030) clears
		// it, and a use of 750.00 off purpose — 750 / 3,000 = 25 % of the
		// principal, at least 20 % — is a high purpose deviation: 关注.
		{"risk-fact-grade", []check{
			{0, S("level"), "red"},
			{0, S("grade"), "special-mention"},
			{0, S("rules"), "EW-litigation-low,EW-litigation-medium,EW-litigation-high"},
			{0, S("signals", "litigation"), "high"},
			{1, S("signals", "cash-flow-behind-plan"), "high"},
			{2, S("signals", "purpose-deviation"), "high"},
			{1, S("grade"), "normal"},
			{1, S("level"), "red"},
			{1, S("rules"), "EW-cash-flow-behind-plan-low,EW-cash-flow-behind-plan-medium,EW-cash-flow-behind-plan-high"},
			{2, S("grade"), "special-mention"},
			{2, S("rules"), "EW-purpose-deviation-low,EW-purpose-deviation-medium,EW-purpose-deviation-high"},
		}},
		// A debtor-level downgrade: a legal-entity borrower's first loan
		// (6,000 over 6 months) is repaid on time through 05-15 (1,060,
		// 1,050, 1,040, 1,030: 4,180 received, 2,000 principal left). Its
		// second loan of 6,000 from 01-20 is never repaid: first due 02-20,
		// 91 days past due on 05-21 (02-21 is day 1; 2024 is a leap year),
		// over 90 — 次级. The debtor pass of 05-21 weighs the borrower's
		// claims: 6,000 non-performing of 8,000, 75 %, over the 10 % of
		// CN23-CON-1, so from 05-22 the first loan, current, is 次级 too.
		{"risk-debtor", []check{
			{0, S("grade"), "normal"},
			{0, P("received"), "CNY 4180.00"},
			{1, S("grade"), "substandard"},
			{1, S("rules"), "CN23-CON-1"},
			{1, S("dpd"), 0.0},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) { handCheck(t, tt.file, tt.checks) })
	}
}

// check is one figure of a scenario's output: the report (counting only
// reports that carry a position), the path into it, the expected value.
type check struct {
	report int
	path   []any
	want   any
}

// handCheck runs testdata/<file>.json and asserts each check.
func handCheck(t *testing.T, file string, checks []check) {
	t.Helper()
	out, err := runFile(t, filepath.Join("testdata", file+".json"))
	require.NoError(t, err)
	var rs []map[string]any
	for _, r := range reports(t, out) {
		if r["position"] != nil {
			rs = append(rs, r)
		}
	}
	for _, c := range checks {
		require.Less(t, c.report, len(rs))
		assert.Equal(t, c.want, get(t, rs[c.report], c.path...), "report %d %v", c.report, c.path)
	}
}

// TestScenarioPostingsBalance: debits equal credits in every postings report.
func TestScenarioPostingsBalance(t *testing.T) {
	out, err := runFile(t, "testdata/early-payoff.json")
	require.NoError(t, err)
	for _, r := range reports(t, out) {
		if r["report"] != "postings" {
			continue
		}
		per := map[string]int64{}
		for _, p := range r["postings"].([]any) {
			m := p.(map[string]any)
			var units, cents int64
			_, err := fmt.Sscanf(strings.TrimPrefix(m["amount"].(string), "CNY "), "%d.%d", &units, &cents)
			require.NoError(t, err)
			per[m["debit"].(string)] += units*100 + cents
			per[m["credit"].(string)] -= units*100 + cents
		}
		var sum int64
		for _, v := range per {
			sum += v
		}
		assert.Zero(t, sum)
		// Paid off: every receivable is back to zero, cash is 3,060.34 − 3,000.
		assert.Zero(t, per["loans-receivable"])
		assert.Zero(t, per["interest-receivable"])
		assert.Equal(t, int64(4034), per["cash"])
	}
}

// TestRunBadInput: every bad scenario is a *fault.Fields naming the field.
func TestRunBadInput(t *testing.T) {
	good := `{"currency":"CNY","terms":{"principal":"CNY 3000.00","annual_rate":"12%","method":"equal-principal",
"frequency":"monthly","periods":3,"start":"2024-01-15"},"events":[{"type":"disburse","date":"2024-01-15"}%s]}`
	withEvent := func(ev string) string { return strings.Replace(good, "%s", ","+ev, 1) }
	base := withEvent(`{"type":"report","date":"2024-01-15"}`)
	tests := []struct {
		name, json, field string
	}{
		{"not JSON", `{"currency":`, "scenario"},
		{"unknown field", `{"currency":"CNY","colour":"red"}`, "scenario"},
		{"wrong type", `{"currency":5}`, "currency"},
		{"unknown currency", strings.Replace(base, `"currency":"CNY"`, `"currency":"XXX"`, 1), "currency"},
		{"terms in another currency", strings.Replace(base, `"currency":"CNY"`, `"currency":"USD"`, 1), "terms.principal"},
		{"missing terms", `{"currency":"CNY","events":[]}`, "terms"},
		{"bad terms", strings.Replace(base, `"periods":3`, `"periods":0`, 1), "terms.periods"},
		{"bad policy", strings.Replace(base, `"events"`, `"policy":{"penalty":{"year_days":7}},"events"`, 1), "policy.penalty.year_days"},
		{"unknown policy field", strings.Replace(base, `"events"`, `"policy":{"colour":1},"events"`, 1), "policy"},
		{"bad date", withEvent(`{"type":"repay","date":"2024-2-15","amount":"1"}`), "events[1].date"},
		{"date that panics the date parser", withEvent(`{"type":"repay","date":"2024-0","amount":"1"}`), "events[1].date"},
		{"unknown type", withEvent(`{"type":"gift","date":"2024-02-15"}`), "events[1].type"},
		{"close before the start", withEvent(`{"type":"close","date":"2023-01-01"}`), "events[1].date"},
		{"event field of the wrong type", withEvent(`{"type":"repay","date":"2024-02-15","amount":1030}`), "events[1].amount"},
		{"unknown event field", withEvent(`{"type":"repay","date":"2024-02-15","amount":"1","bogus":1}`), "events[1]"},
		{"zero amount", withEvent(`{"type":"repay","date":"2024-02-15","amount":"0"}`), "events[1].amount"},
		{"negative amount", withEvent(`{"type":"repay","date":"2024-02-15","amount":"-5"}`), "events[1].amount"},
		{"bad amount", withEvent(`{"type":"repay","date":"2024-02-15","amount":"1,2.3.4"}`), "events[1].amount"},
		{"wrong currency", withEvent(`{"type":"repay","date":"2024-02-15","amount":"USD 5.00"}`), "events[1].amount"},
		{"before disbursement", withEvent(`{"type":"repay","date":"2024-01-01","amount":"5"}`), "events[1].date"},
		{"unknown reversal label", withEvent(`{"type":"reverse","date":"2024-02-15","reverses":"nope"}`), "events[1].reverses"},
		{"bad component", withEvent(`{"type":"waive","date":"2024-02-15","amount":"1","component":"tip"}`), "events[1].component"},
		{"bad report", withEvent(`{"type":"report","date":"2024-02-15","report":"poem"}`), "events[1].report"},
		{"report with amount", withEvent(`{"type":"report","date":"2024-02-15","amount":"5"}`), "events[1].amount"},
		{"write-off without approver", withEvent(`{"type":"write-off","date":"2024-02-15"}`), "events[1].approver"},
		{"recovering an active loan", withEvent(`{"type":"recover","date":"2024-02-15","amount":"5"}`), "events[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runBytes(t, []byte(tt.json))
			assert.Empty(t, out)
			assert.Equal(t, []string{tt.field}, badFields(t, err), "%v", err)
		})
	}
}

// FuzzScenario: no scenario input panics; bad input is a *fault.Fields.
func FuzzScenario(f *testing.F) {
	for _, name := range []string{"ontime", "backdated-reversal", "writeoff-recovery", "p2p-funding-transfer", "secured-margin-call", "collections-legal-writeoff",
		"servicing-conventions", "tranches-down-payment", "risk-inspection-signoff", "risk-fact-grade", "risk-debtor", "p2p-listing-accounts"} {
		b, err := os.ReadFile(filepath.Join("testdata", name+".json"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"currency":"CNY","terms":{"start":"2024-0"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		sc, err := Parse(bytes.NewReader(b))
		if err == nil {
			_, err = sc.Run(context.Background(), Options{})
		}
		if err != nil {
			assert.ErrorIs(t, err, ErrInvalid)
		}
	})
}
