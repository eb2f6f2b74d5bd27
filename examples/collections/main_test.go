package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCollections runs the walk-through and checks the dates and figures a
// reader can work out by hand. The loan is 10,000 at 12 % over 12 months
// (888.49 a month); installment 1 is paid, installment 2 (due 2026-03-15)
// is the first one missed, so days past due count from 2026-03-15.
func TestCollections(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out))
	got := out.String()

	for _, want := range []string{
		// collect.DefaultLadder (lender practice; the M1–M3 bounds are the
		// market's convention, no regulatory source found): M1 from 1 DPD with SMS and a call, M2 from 31 DPD with
		// a collection letter and notice to the guarantor, M3 from 61 DPD.
		// Any DPD makes the grade special-mention (CN23-DPD-1:
		// 《商业银行金融资产风险分类办法》, ch. 2).
		"2026-03-16 m1                 dpd   1, M1, grade special-mention",
		"2026-04-15 m2                 dpd  31, M2, grade special-mention",
		"notify-guarantor   guarantor",
		"2026-05-15 m3                 dpd  61, M3, grade special-mention",
		"demand-guarantor   guarantor",
		// Legal review on 3 consecutive missed installments (2026-03-15,
		// 04-15, 05-15 all unpaid the day after the third is due).
		"2026-05-16 legal-review       dpd  62, M3, grade special-mention",
		// More than 90 DPD: substandard (CN23-DPD-2); more than 270:
		// doubtful (CN23-DPD-3); more than 360: loss (CN23-DPD-4), which
		// also puts the loan up for write-off.
		"2026-06-14 legal-review       dpd  91, M4, grade substandard",
		"2026-12-11 legal-review       dpd 271, M6+, grade doubtful",
		"2027-03-11 write-off-proposal dpd 361, M6+, grade loss",
		// COL-2 (GB/T 45251—2025): no calls 22:00–08:00 local time.
		"2026-04-20 22:30 call refused: collect: contact refused by rule COL-2",
		"2026-04-21 10:00 call recorded: promised-to-pay",
		// 500 paid against 1,800 promised, no shortfall tolerance: broken.
		"promise broken; case broken-promise",
		// The 500 went to installment 2 oldest component first
		// (loan.DefaultWaterfallPolicy, horizontal): penalty 888.49 × 44
		// days × 0.05 % = 19.55, interest 92.12, principal 388.33; so the
		// principal is 9,211.51 − 388.33 = 8,823.18. The interest is
		// installments 3–5 (84.15 + 76.11 + 67.98) plus 5 days accrued on
		// installment 6's 59.78 (9.96): 238.20.
		"2026-06-20 loan accelerated: all CNY 9119.72 due at once (principal 8823.18, interest 238.20",
		"written off by collections-head, approved by cfo-zhao: CNY 10406.45 (principal 8823.18, interest 238.20",
		// Recoveries after write-off go to principal first: 8,823.18 −
		// 3,000 = 5,823.18; the claim 10,406.45 − 3,000 = 7,406.45.
		"claim still pursued CNY 7406.45 (principal 5823.18)",
		"state after the close: written-off, claim CNY 7406.45",
		// Letters repeat every 90 days in legal review (entered
		// 2026-05-16: 08-14, 11-12, 2027-02-10) and in write-off proposal
		// (entered 2027-03-11: 06-09). Each receipted demand restarts the
		// 3-year period (Civil Code arts. 188 and 195):
		// 2027-06-09 + 3 years; without them, 2026-06-20 + 3 years.
		"demand letters since the acceleration: 2026-08-14 2026-11-12 2027-02-10 2027-06-09",
		"period restarted 2027-06-09, expires 2030-06-09 (1090 days left)",
		"without the letters it would expire 2029-06-20",
		// collect.DefaultReminderPolicy: SMS and app push 7, 1 and 0 days
		// before each due date while the loan is active (not accelerated).
		"reminders   24: 6 before 2026-03-15 6 before 2026-04-15 6 before 2026-05-15 6 before 2026-06-15",
	} {
		assert.Contains(t, got, want)
	}
}
