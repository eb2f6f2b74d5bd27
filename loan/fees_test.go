package loan

import (
	"testing"
	"time"

	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// feeTerms: testTerms with an upfront fee of 1 % deducted from the
// disbursement (120.00) and a monthly service fee of 10.00.
func feeTerms() schedule.Terms {
	terms := testTerms(schedule.EqualPrincipal, 12)
	terms.Fees = []schedule.Fee{
		{Name: "arrangement", Kind: schedule.FeeUpfront, Base: schedule.FeeOnPrincipal, Rate: money.MustRate("1%")},
		{Name: "service", Kind: schedule.FeeInstallment, Amount: yuan("10")},
	}
	return terms
}

// feeReceivable returns the fee receivable after the last posting up to asOf.
func feeReceivable(t *testing.T, l *Loan, asOf date.Date) money.Amount {
	t.Helper()
	rows, err := l.Ledger(asOf)
	require.NoError(t, err)
	return rows[len(rows)-1].Fee
}

// TestScheduledFees: the terms' fees are owed with their installments and
// recognised as fee income when they fall due: the upfront fee on the
// disbursement day (paid out of the disbursement by a repayment that day),
// each service fee on its due date; the payment waterfall takes them in the
// fee component's place. A payoff owes the fees fallen due, not the
// scheduled fees of installments not yet due.
func TestScheduledFees(t *testing.T) {
	l := newTestLoan(t, feeTerms(), DefaultPolicy())
	p := mustPos(t, l, day(2026, time.January, 15))
	require.Len(t, p.Installments, 13)
	assert.Equal(t, yuan("120"), p.Installments[0].Owed.Fee)
	assert.Equal(t, yuan("10"), p.Installments[1].Owed.Fee)
	assert.Equal(t, yuan("120"), feeReceivable(t, l, day(2026, time.January, 15)), "the upfront fee is recognised at disbursement")

	mustPost(t, l, entry(Repayment, day(2026, time.January, 15), yuan("120"), "upfront"))
	assert.True(t, feeReceivable(t, l, day(2026, time.January, 15)).IsZero())
	assert.True(t, feeReceivable(t, l, day(2026, time.February, 14)).IsZero(), "the February fee is not recognised before its due date")
	assert.Equal(t, yuan("10"), feeReceivable(t, l, day(2026, time.February, 15)))

	// 1,000 principal + 120 interest + 10 fee.
	r := mustPost(t, l, entry(Repayment, day(2026, time.February, 15), yuan("1130"), "feb"))
	assert.Equal(t, yuan("10"), r.Applied.Fee)
	assert.True(t, feeReceivable(t, l, day(2026, time.February, 15)).IsZero())

	// A payoff on 2026-03-01 owes the principal, the interest accrued and
	// no fee: the March fee has not fallen due.
	p = mustPos(t, l, day(2026, time.March, 1))
	assert.True(t, p.Overdue.Fee.IsZero())
	assert.Equal(t, yuan("110"), p.Outstanding.Fee.Sub(yuan("0")), "11 service fees scheduled ahead")
	mustPost(t, l, Entry{ID: uuidOf("payoff"), Kind: Prepayment, ValueDate: day(2026, time.March, 1), BookedAt: booked,
		Actor: "teller-1", IdempotencyKey: "payoff", Amount: p.Payoff, Payoff: true})
	p = mustPos(t, l, day(2026, time.March, 1))
	assert.Equal(t, Closed, p.Status)
	assert.True(t, p.Outstanding.Total().IsZero(), "outstanding %v", p.Outstanding)
	assert.True(t, feeReceivable(t, l, day(2026, time.March, 1)).IsZero())
}
