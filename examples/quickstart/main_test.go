package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQuickstart runs the walk-through and checks the figures a reader can
// work out by hand.
func TestQuickstart(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out))
	got := out.String()

	for _, want := range []string{
		// Annuity: 10,000 × r / (1 − (1 + r)^−12) with r = 12 % / 12 = 1 %
		// is 888.4879 → 888.49; the first month's interest is 1 % of
		// 10,000 = 100.00, so 788.49 repays principal, leaving 9,211.51.
		"1  2026-02-15      788.49      100.00      888.49     9211.51",
		// Month 2: interest 1 % of 9,211.51 = 92.12; principal 888.49 −
		// 92.12 = 796.37; balance 9,211.51 − 796.37 = 8,415.14.
		"2  2026-03-15      796.37       92.12      888.49     8415.14",
		// The last installment absorbs the rounding: 888.47.
		"12 2027-01-15      879.67        8.80      888.47        0.00",
		// 11 × 888.49 + 888.47 − 10,000 = 661.86 of interest.
		"total interest CNY 661.86",
		"(posted twice, replayed: true)",
		// The first close ran for 2026-03-07, the second caught up
		// 2026-03-08 .. 2026-03-20: 13 days.
		"daily close caught up 13 days to 2026-03-20",
		// 2026-03-20 is 5 days after the missed due date. Penalty interest
		// (PBoC 银发〔2003〕251号 via loan.DefaultPenaltyPolicy: contract rate
		// + 50 % = 18 % a year over 360 days = 0.05 % a day, on overdue
		// principal and, compounding, on overdue interest): 888.49 × 5 ×
		// 0.0005 = 2.22, so 888.49 + 2.22 = 890.71 is overdue. Any days past
		// due make the loan special-mention (rule CN23-DPD-1 of preset
		// classify.China2023: 《商业银行金融资产风险分类办法》, ch. 2), provisioned at 2 % of the 9,211.51 balance
		// (classify.LegacyChinaProvision) = 184.23.
		"dpd 5, bucket M1, grade special-mention, collection m1, overdue CNY 890.71, provision CNY 184.23",
		// collect.DefaultReminderPolicy: SMS and push 7 days, 1 day and 0
		// days before the due date.
		"2026-03-08 reminder   borrower by sms, due 2026-03-15",
		"2026-03-14 reminder   borrower by app-push, due 2026-03-15",
		"2026-03-15 reminder   borrower by sms, due 2026-03-15",
		// collect.DefaultLadder: M1 from 1 DPD, SMS and a call on entry,
		// repeated every 3 days.
		"2026-03-16 collection m1: call borrower",
		"2026-03-19 collection m1: sms borrower",
		// Ten days late: 888.49 × 10 × 0.0005 = 4.44 penalty, 892.93 overdue.
		"position on 2026-03-25: 10 days past due, installment 2 overdue",
		"owed principal 796.37 interest 92.12 penalty 4.44",
		// Payoff = principal 9,211.51 + overdue interest 92.12 + penalty
		// 4.44 + interest accrued in the running period 84.15 × 10/31 days
		// = 27.15 → 9,335.22.
		"overdue CNY 892.93, payoff CNY 9335.22",
		"installment 2 paid-late (10 days late), 0 days past due",
		// The balance is the schedule's balance after installment 2.
		"principal balance CNY 8415.14, next due 2026-04-15 CNY 888.49",
		// Current again, graded normal by the close and provisioned at the
		// general 1 % of 8,415.14 = 84.15.
		"dpd 0, bucket M0, grade normal, collection pre-due, overdue CNY 0.00, provision CNY 84.15",
	} {
		assert.Contains(t, got, want)
	}

	// The walk-through is deterministic: a second run prints the same bytes.
	var again bytes.Buffer
	require.NoError(t, run(&again))
	assert.Equal(t, got, again.String())
}
