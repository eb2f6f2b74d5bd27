package main

import (
	"bytes"
	"encoding/json"
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
