package invest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// The zero DayCount is schedule's documented default, ACT/360: a Period
// carrying it is valid and accrues exactly as an explicit ACT/360 one.
func TestStatementZeroDayCountIsAct360(t *testing.T) {
	b := fundedBook(t)
	p0 := period(2)
	p0.DayCount = 0
	pAct := period(2)
	pAct.DayCount = schedule.Actual360
	got, err := b.Statement(alice, day(2024, 2, 25), p0)
	require.NoError(t, err)
	want, err := b.Statement(alice, day(2024, 2, 25), pAct)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	// 5,000 × 12 % × 10/360 = 16.666… → 16.67.
	assert.Equal(t, amt("16.67"), got.Accrued)
}

// Amounts above money.MaxMinor, or a split whose total is, are refused:
// 2^62 of interest and of penalty used to wrap and make the fee silently 0.
func TestDistributeRejectsAmountsAboveMaxMinor(t *testing.T) {
	huge := money.New(1<<62, money.CNY)
	big := money.New(money.MaxMinor/2+1, money.CNY)
	for _, c := range []struct {
		name  string
		paid  loan.Split
		field string
	}{
		{"components above MaxMinor", loan.Split{Principal: amt("0"), Interest: huge, Penalty: huge, Fee: amt("0")}, "paid.interest"},
		{"total above MaxMinor", loan.Split{Principal: amt("0"), Interest: big, Penalty: big, Fee: amt("0")}, "paid"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := fundedBook(t)
			before := b.Holdings()
			_, err := b.Distribute(Repayment{On: day(2024, 2, 15), Installment: 1, Paid: c.paid})
			var ve *fault.Fields
			require.ErrorAs(t, err, &ve)
			assert.ErrorIs(t, err, ErrInvalidInput)
			assert.Equal(t, c.field, ve.List[0].Name)
			assert.Equal(t, before, b.Holdings())
		})
	}
}
