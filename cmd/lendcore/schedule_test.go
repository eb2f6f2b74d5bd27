package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

var readmeCommand = []string{"schedule", "--principal", "100000", "--rate", "12%", "--term", "12",
	"--method", "equal-installment", "--start", "2026-01-15"}

// TestScheduleCSV: issue 2 — the CSV header is exactly
// period,due_date,principal,interest,payment,balance. 100,000 at 12% for 12
// months is ten times the published 10,000 example: 8884.88 a month
// (10 × 888.488 rounded once), the first interest 100,000 × 1% = 1000.00.
func TestScheduleCSV(t *testing.T) {
	code, out, errOut := runCLI(append(readmeCommand, "--format", "csv")...)
	require.Equal(t, 0, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	assert.Equal(t, "period,due_date,principal,interest,payment,balance", lines[0])
	require.Len(t, lines, 13)
	assert.Equal(t, "1,2026-02-15,7884.88,1000.00,8884.88,92115.12", lines[1])
	assert.True(t, strings.HasPrefix(lines[12], "12,2027-01-15,"), lines[12])
	assert.True(t, strings.HasSuffix(lines[12], ",0.00"), lines[12])
}

func TestScheduleTable(t *testing.T) {
	code, out, _ := runCLI(readmeCommand...)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "8884.88")
	assert.Contains(t, out, "total")
	assert.Contains(t, out, "APR (IRR method): 12.0000%")
}

func TestScheduleJSON(t *testing.T) {
	code, out, errOut := runCLI("schedule", "--principal", "10000", "--rate", "12%", "--term", "90",
		"--frequency", "days", "--day-count", "act/365f", "--method", "bullet", "--start", "2026-01-15", "--format", "json")
	require.Equal(t, 0, code, errOut)
	var doc struct {
		Installments []struct {
			Interest string `json:"interest"`
			Due      string `json:"due"`
		} `json:"installments"`
		Totals struct {
			Payment string `json:"payment"`
		} `json:"totals"`
		APR string `json:"apr"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	// Issue 2: a 90-day bullet at 12% is 295.89 of interest on ACT/365F.
	assert.Equal(t, "CNY 295.89", doc.Installments[0].Interest)
	assert.Equal(t, "2026-04-15", doc.Installments[0].Due)
	assert.Equal(t, "CNY 10295.89", doc.Totals.Payment)
	assert.NotEmpty(t, doc.APR)
}

// TestScheduleOptions reproduces other lenders' conventions from the shell.
func TestScheduleOptions(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string // a CSV line that must appear
	}{
		// Whole-yuan installment: 888.488 → 888; principal 888 − 100.00.
		{"installment multiple", []string{"--principal", "10000", "--installment-multiple", "1"}, "1,2026-02-15,788.00,100.00,888.00,9212.00"},
		// Two interest-only periods, then 1055.82 (10,000 over 10 months).
		{"principal grace", []string{"--principal", "10000", "--principal-grace", "2"}, "3,2026-04-15,955.82,100.00,1055.82,9044.18"},
		// Two periods without payment, their 200.00 deferred to period 3.
		{"interest grace", []string{"--principal", "10000", "--interest-grace", "2"}, "3,2026-04-15,955.82,300.00,1255.82,9044.18"},
		// 31 days ACT/365F: 10,000 × 12% × 31/365 = 101.917… → 101.92.
		{"actual basis", []string{"--principal", "10000", "--interest-basis", "actual", "--day-count", "act/365f"}, "1,2026-02-15,786.57,101.92,888.49,9213.43"},
		// 2026-02-15 is a Sunday.
		{"following", []string{"--principal", "10000", "--business-day", "following"}, "1,2026-02-16,788.49,100.00,888.49,9211.51"},
		{"half-even", []string{"--principal", "1000.50", "--method", "interest-only", "--rounding", "half-even"}, "1,2026-02-15,0.00,10.00,10.00,1000.50"},
		// Issue 17. Fineract's flat multiples: 416.67 → 417 and 12.50 → 13.
		{"flat multiple", []string{"--principal", "5000", "--rate", "3%", "--method", "flat", "--installment-multiple", "1"},
			"1,2026-02-15,417.50,12.50,430.00,4582.50"},
		// Overlapping grace: 2 periods without payment inside 3 without
		// principal; period 3 pays the 3 months' interest.
		{"overlapping grace", []string{"--principal", "10000", "--interest-grace", "2", "--principal-grace", "3", "--grace-layout", "overlapping"},
			"3,2026-04-15,0.00,300.00,300.00,10000.00"},
		{"overlapping grace amortises over 9", []string{"--principal", "10000", "--interest-grace", "2", "--principal-grace", "3", "--grace-layout", "overlapping"},
			"4,2026-05-15,1067.40,100.00,1167.40,8932.60"},
		// A 45-day first period, 50.00 of interest beyond a month's.
		{"broken period spread", []string{"--principal", "10000", "--first-due", "2026-03-01", "--broken-period", "spread"},
			"1,2026-03-01,788.49,104.17,892.66,9211.51"},
		{"broken period upfront", []string{"--principal", "10000", "--first-due", "2026-03-01", "--broken-period", "upfront"},
			"1,2026-01-15,0.00,50.00,50.00,10000.00"},
		// 12,000 × 12 % × 15/365 = 59.178… → 59.18.
		{"every 15 days", []string{"--principal", "12000", "--method", "equal-principal", "--frequency", "every-n-days",
			"--period-days", "15", "--day-count", "act/365f"}, "1,2026-01-30,1000.00,59.18,1059.18,11000.00"},
		// The 15th and month end; 1,200 × 12 % / 24 = 6.00.
		{"semi-monthly days", []string{"--principal", "1200", "--method", "equal-principal", "--frequency", "semi-monthly",
			"--semi-monthly-days", "15,31"}, "1,2026-01-31,100.00,6.00,106.00,1100.00"},
		{"down payment share", []string{"--principal", "1200", "--rate", "0", "--down-payment-share", "25%"},
			"1,2026-01-15,300.00,0.00,300.00,900.00"},
		{"down payment amount", []string{"--principal", "1200", "--rate", "0", "--down-payment-amount", "240"},
			"2,2026-02-15,80.00,0.00,80.00,880.00"},
		// Half of 1,200 disbursed, the other half on 2026-07-15: 600 ÷ 12
		// = 50 a month, then 300 + 600 over the 6 months left = 150.
		{"tranches", []string{"--principal", "1200", "--rate", "0", "--tranches", "2026-01-15:600,2026-07-15:600"},
			"7,2026-08-15,150.00,0.00,150.00,750.00"},
		{"disbursed so far", []string{"--principal", "1200", "--rate", "0", "--tranches", "2026-01-15:600,2026-07-15:600",
			"--disbursed", "2026-01-15:600"}, "12,2027-01-15,50.00,0.00,50.00,0.00"},
		// Every ISO 4217 currency: the rupee has 2 decimals, the Chilean
		// UF 4; a code outside the table gives its scale.
		{"INR", []string{"--principal", "10000", "--currency", "INR"}, "1,2026-02-15,788.49,100.00,888.49,9211.51"},
		{"CLF", []string{"--principal", "10000", "--currency", "CLF"}, "1,2026-02-15,788.4879,100.0000,888.4879,9211.5121"},
		{"CODE/scale", []string{"--principal", "10000", "--currency", "XAU/3"}, "1,2026-02-15,788.488,100.000,888.488,9211.512"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"schedule", "--rate", "12%", "--term", "12", "--start", "2026-01-15", "--format", "csv"}, c.args...)
			code, out, errOut := runCLI(args...)
			require.Equal(t, 0, code, errOut)
			assert.Contains(t, strings.Split(out, "\n"), c.want)
		})
	}
}

// TestScheduleBadFlags: issue 2 — exit status 2 and one clear line on
// stderr naming the flag, no stack trace.
func TestScheduleBadFlags(t *testing.T) {
	cases := []struct {
		name string
		args []string
		flag string
	}{
		{"bad rate", []string{"--rate", "twelve"}, "--rate"},
		{"missing principal", []string{"--principal", ""}, "--principal"},
		{"too many decimals", []string{"--principal", "100.001"}, "--principal"},
		{"zero term", []string{"--term", "0"}, "--term"},
		{"bad date", []string{"--start", "2026-02-30"}, "--start"},
		{"unknown method", []string{"--method", "balloon"}, "--method"},
		{"unknown frequency", []string{"--frequency", "daily"}, "--frequency"},
		{"unknown day count", []string{"--day-count", "act/364"}, "--day-count"},
		{"unknown rounding", []string{"--rounding", "nearest"}, "--rounding"},
		{"unknown currency", []string{"--currency", "XTS"}, "--currency"},
		{"first due before start", []string{"--first-due", "2026-01-01"}, "--first-due"},
		{"grace too long", []string{"--principal-grace", "12"}, "--principal-grace"},
		{"rate above the cap", []string{"--max-rate", "10%"}, "--rate"},
		{"bad holiday", []string{"--holidays", "2026-01-01,soon"}, "--holidays"},
		{"bad workday", []string{"--workdays", "soon"}, "--workdays"},
		{"not a number", []string{"--term", "twelve"}, "-term"},
		{"unknown flag", []string{"--colour", "red"}, "-colour"},
		{"stray argument", []string{"extra"}, "extra"},
		// Issue 17: every new option conflicting with another is refused,
		// naming the flag.
		{"unknown grace layout", []string{"--grace-layout", "parallel"}, "--grace-layout"},
		{"interest grace beyond principal grace", []string{"--interest-grace", "3", "--principal-grace", "2", "--grace-layout", "overlapping"}, "--interest-grace"},
		{"unknown broken period", []string{"--broken-period", "later"}, "--broken-period"},
		{"upfront with a short first period", []string{"--first-due", "2026-02-01", "--broken-period", "upfront"}, "--broken-period"},
		{"N-day periods without N", []string{"--frequency", "every-n-days"}, "--period-days"},
		{"N without N-day periods", []string{"--period-days", "15"}, "--period-days"},
		{"one semi-monthly day", []string{"--frequency", "semi-monthly", "--semi-monthly-days", "1"}, "--semi-monthly-days"},
		{"semi-monthly days in the wrong order", []string{"--frequency", "semi-monthly", "--semi-monthly-days", "16,1"}, "--semi-monthly-days"},
		{"a multiple with equal principal", []string{"--method", "equal-principal", "--installment-multiple", "1"}, "--installment-multiple"},
		{"a down payment above the principal", []string{"--down-payment-amount", "200000"}, "--down-payment-amount"},
		{"a down payment share of all", []string{"--down-payment-share", "100%"}, "--down-payment-share"},
		{"a tranche after maturity", []string{"--tranches", "2026-01-15:50000,2028-01-15:50000"}, "--tranches [1].date"},
		{"tranches not adding up", []string{"--tranches", "2026-01-15:50000,2026-03-15:40000"}, "--tranches"},
		{"a malformed tranche", []string{"--tranches", "2026-01-15=50000"}, "--tranches"},
		{"disbursed above the principal", []string{"--tranches", "2026-01-15:50000,2026-03-15:50000", "--disbursed", "2026-01-15:150000"}, "--disbursed"},
		{"a currency code with another scale", []string{"--currency", "INR/3"}, "--currency"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append(append([]string{}, readmeCommand...), c.args...)
			code, out, errOut := runCLI(args...)
			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
			assert.True(t, strings.HasPrefix(errOut, "lendcore schedule: "), errOut)
			assert.Contains(t, errOut, c.flag)
			assert.NotContains(t, errOut, "goroutine")
		})
	}
}

func TestDispatch(t *testing.T) {
	code, _, errOut := runCLI()
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "schedule")
	code, _, errOut = runCLI("frobnicate")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `unknown command "frobnicate"`)
	code, out, _ := runCLI("schedule", "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "--installment-multiple")
}

// TestScenarioCurrencies: issue 17 — scenario files take any ISO 4217
// currency and the documented CODE/scale form for others.
func TestScenarioCurrencies(t *testing.T) {
	for _, c := range []struct{ currency, principal, repay string }{
		{"INR", "INR 3000.00", "1030.00"},
		{"KWD", "KWD 3000.000", "1030.000"},
		{"XAU/3", "XAU/3 3000.000", "1030.000"},
	} {
		scenario := `{"currency": "` + c.currency + `",
  "terms": {"principal": "` + c.principal + `", "annual_rate": "12%", "method": "equal-principal", "periods": 3,
    "start": "2024-01-15", "basis": "periodic"},
  "events": [{"type": "disburse", "date": "2024-01-15"}, {"type": "repay", "date": "2024-02-15", "amount": "` + c.repay + `"},
    {"type": "report", "date": "2024-02-15"}]}`
		path := filepath.Join(t.TempDir(), "scenario.json")
		require.NoError(t, os.WriteFile(path, []byte(scenario), 0o644))
		code, _, errOut := runCLI("run", path)
		assert.Equal(t, 0, code, "%s: %s", c.currency, errOut)
	}
}

// TestScheduleFees: issue 16 — --fee puts fees in the terms: the table and
// the CSV gain a fee column, the upfront fee is a row due at disbursement,
// and the APR is the all-in rate. A zero-rate loan repaid in equal
// principal with a fee of 1 % of the principal a month has the cash flows
// of a 12 % flat loan: 21.46 % all-in. A bad fee names the flag.
func TestScheduleFees(t *testing.T) {
	args := []string{"schedule", "--principal", "10000", "--rate", "0", "--term", "12", "--method", "equal-principal",
		"--start", "2026-01-15", "--fee", "installment:principal:1%"}
	code, out, errOut := runCLI(args...)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "fee")
	assert.Contains(t, out, "APR (IRR method, all-in: interest and fees): 21.4571%")

	code, out, errOut = runCLI(append(args, "--fee", "upfront:flat:200", "--format", "csv")...)
	require.Equal(t, 0, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	assert.Equal(t, "period,due_date,principal,interest,fee,payment,balance", lines[0])
	assert.Equal(t, "1,2026-01-15,0.00,0.00,200.00,200.00,10000.00", lines[1])
	assert.Equal(t, "2,2026-02-15,833.33,0.00,100.00,933.33,9166.67", lines[2])

	code, _, errOut = runCLI(append(args, "--fee", "insurance:outstanding:150%")...)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--fee")
	assert.Contains(t, errOut, "must not exceed 100%")
	code, _, errOut = runCLI(append(args, "--fee", "weekly:flat:1")...)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--fee")
}
