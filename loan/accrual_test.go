package loan

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/schedule"
)

// TestAccrualFrequency: issue 16 — interest not yet due is booked as the
// policy's frequency says. The test loan (12,000 at 12 %, actual/360,
// equal principal, from 2026-01-15) owes 12,000 × 12 % / 12 = 120.00 for
// its first period of 31 days, accrued pro rata by days and rounded half
// up: daily, the ledger of 2026-01-30 holds 120 × 15/31 = 58.06, of
// January 31 120 × 16/31 = 61.94, of February 10 120 × 26/31 = 100.65; at
// month end it holds January 31's 61.94, dated that day, until the next
// month end; at due dates, nothing until February 15, when all 120.00 falls due
// whatever the frequency (the accrued part is restated into it, not added
// to it).
func TestAccrualFrequency(t *testing.T) {
	acc := DefaultChartOfAccounts()
	for _, c := range []struct {
		freq                AccrualFrequency
		jan30, jan31, feb10 int64
		feb10Date           string // the date of the last accrual ahead on February 10
	}{
		{AccrueAtDueDate, 0, 0, 0, ""},
		{AccrueDaily, 5806, 6194, 10065, "2026-02-10"},
		{AccrueMonthEnd, 0, 6194, 6194, "2026-01-31"},
	} {
		t.Run(c.freq.String(), func(t *testing.T) {
			p := DefaultPolicy()
			p.Accrual.Frequency = c.freq
			l := newTestLoan(t, testTerms(schedule.EqualPrincipal, 12), p)
			for _, x := range []struct {
				day  int
				want int64
			}{{30, c.jan30}, {31, c.jan31}, {41, c.feb10}} {
				asOf := day(2026, time.January, x.day)
				b := balances(t, l, asOf)
				assert.Equal(t, x.want, b[acc.InterestReceivable], "interest receivable on %s", asOf)
				assert.Equal(t, -x.want, b[acc.InterestIncome], "interest income on %s", asOf)
			}
			ps, err := l.Postings(day(2026, time.February, 10))
			require.NoError(t, err)
			last := ps[len(ps)-1]
			if c.feb10Date == "" {
				assert.Equal(t, "disbursement", last.Kind, "nothing booked ahead")
			} else {
				assert.Equal(t, c.feb10Date, last.Date.String())
				assert.Equal(t, "accrual", last.Kind)
			}
			// On the due date the period's interest is due, nothing ahead
			// (the second period starts that day).
			b := balances(t, l, day(2026, time.February, 15))
			assert.Equal(t, int64(12000), b[acc.InterestReceivable])
		})
	}
}

// TestAccrualFrequencyRefused: an unknown frequency in JSON is a typed
// error naming the field, and so is one set in code.
func TestAccrualFrequencyRefused(t *testing.T) {
	var p Policy
	err := json.Unmarshal([]byte(`{"accrual":{"frequency":"weekly"}}`), &p)
	var bad *fault.Fields
	require.ErrorAs(t, err, &bad)
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Contains(t, err.Error(), "frequency")

	p = DefaultPolicy()
	p.Accrual.Frequency = 9
	err = p.Validate()
	require.ErrorAs(t, err, &bad)
	require.Len(t, bad.List, 1)
	assert.Equal(t, "policy.accrual.frequency", bad.List[0].Name)
}
