package loan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// The loan for these cases is testTerms: 12,000.00 at 12 % (1 % a month)
// in 3 equal-principal installments from 2026-01-15. Installment 1, due
// 2026-02-15, asks 4,000.00 principal and 120.00 interest. The default
// penalty is the contract rate marked up 50 % (18 % a year, ACT/360) on
// overdue principal and interest: 4,120.00 × 0.18 / 360 = 2.06 a day.

// TestRestructureRateKeepsPastPenalty: a restructure that changes the rate
// reprices the penalty from then on, not the days already past.
func TestRestructureRateKeepsPastPenalty(t *testing.T) {
	for _, c := range []struct {
		rate string
		want string // installment 1's penalty owed on 2026-02-27
	}{
		{"0%", "20.60"},  // 10 days × 2.06, then nothing at 0 %
		{"24%", "28.84"}, // 10 days × 2.06, then 2 days × 4,120 × 0.36 / 360 = 4.12
	} {
		l := newTestLoan(t, testTerms(schedule.EqualPrincipal, 3), DefaultPolicy())
		require.Equal(t, "20.60", mustPos(t, l, day(2026, 2, 25)).Installments[0].Owed.Penalty.Number())
		mustPost(t, l, entry(Repayment, day(2026, 2, 25), yuan("20.60"), "penalty"))
		rate := money.MustRate(c.rate)
		e := entry(Restructure, day(2026, 2, 25), money.Amount{}, "restructure")
		e.Change, e.Approver, e.Reason = &Change{Rate: &rate}, "manager", "hardship"
		mustPost(t, l, e)
		in := mustPos(t, l, day(2026, 2, 27)).Installments[0]
		assert.Equal(t, c.want, in.Owed.Penalty.Number(), "rate %s", c.rate)
		assert.False(t, in.Outstanding.Penalty.IsNegative(), "rate %s", c.rate)
	}
}

// TestPrepaymentBeyondPrincipalBecomesCredit: money beyond the principal
// left in a partial prepayment is held as credit, never booked as a fee
// the policy does not charge.
func TestPrepaymentBeyondPrincipalBecomesCredit(t *testing.T) {
	l := newTestLoan(t, testTerms(schedule.EqualPrincipal, 3), DefaultPolicy())
	fee := entry(FeeCharge, day(2026, 1, 20), yuan("1000"), "fee")
	fee.Installment = 3
	mustPost(t, l, fee)
	// Payoff on 2026-02-01: 12,000.00 + 17/31 of 120.00 interest (65.81) +
	// the 1,000.00 fee = 13,065.81; 12,500.00 covers all but the fee.
	require.Equal(t, "13065.81", mustPos(t, l, day(2026, 2, 1)).Payoff.Number())
	mustPost(t, l, entry(Prepayment, day(2026, 2, 1), yuan("12500"), "prepay"))
	p := mustPos(t, l, day(2026, 2, 1))
	assert.Equal(t, "0.01", p.Outstanding.Principal.Number(), "one fen keeps the prepayment partial")
	assert.Equal(t, "1000.00", p.Outstanding.Fee.Number(), "the fee charged ahead is still owed")
	assert.Equal(t, "434.20", p.Credit.Number(), "12,500.00 − 11,999.99 − 65.81")
	ps, err := l.Postings(day(2026, 2, 1))
	require.NoError(t, err)
	for _, x := range ps {
		if x.Kind == Prepayment.String() {
			assert.NotEqual(t, l.policy.Accounts.FeeIncome, x.Credit, "no fee income: the policy charges no prepayment fee (%+v)", x)
		}
	}
}

// TestWriteOffSettlesCreditFirst: credit the borrower holds settles the
// accelerated balance before the rest is written off.
func TestWriteOffSettlesCreditFirst(t *testing.T) {
	l := newTestLoan(t, testTerms(schedule.EqualPrincipal, 3), DefaultPolicy())
	mustPost(t, l, entry(Repayment, day(2026, 1, 20), yuan("5000"), "early")) // nothing due yet: credit
	w := entry(WriteOff, day(2026, 1, 25), money.Amount{}, "write-off")
	w.Approver, w.Reason = "manager", "fraud"
	mustPost(t, l, w)
	p := mustPos(t, l, day(2026, 1, 25))
	// 12,000.00 + 10/31 of 120.00 (38.71) − 5,000.00 = 7,038.71.
	assert.Equal(t, "7038.71", p.WrittenOff.Total().Number())
	assert.True(t, p.Credit.IsZero(), "credit %s", p.Credit)
}

// TestDatesBeyondTheHorizon: entries and positions more than a century
// past the scheduled maturity (2026-04-15 here) are refused, naming the
// field, and the loan is unchanged.
func TestDatesBeyondTheHorizon(t *testing.T) {
	l := newTestLoan(t, testTerms(schedule.EqualPrincipal, 3), DefaultPolicy())
	before, err := l.MarshalJSON()
	require.NoError(t, err)
	_, err = l.Post(entry(Repayment, day(2126, 4, 16), yuan("10"), "far"))
	assertField(t, err, "value_date")
	after, err := l.MarshalJSON()
	require.NoError(t, err)
	assert.JSONEq(t, string(before), string(after))
	mustPost(t, l, entry(Repayment, day(2126, 4, 15), yuan("10"), "last day"))

	_, err = l.PositionAt(day(2126, 4, 16))
	assertField(t, err, "as_of")
	mustPos(t, l, day(2126, 4, 15))
}

// TestLateFeeTooLarge names the right problem.
func TestLateFeeTooLarge(t *testing.T) {
	p := DefaultPolicy()
	p.Penalty.LateFee = money.New(maxPrincipal+1, money.CNY)
	err := p.Validate()
	var ve *fault.Fields
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("policy.penalty.late_fee"), "%v", err)
	assert.Contains(t, ve.Error(), "penalty.late_fee: above the supported maximum")
}

func assertField(t *testing.T, err error, field string) {
	t.Helper()
	var ve *fault.Fields
	require.ErrorAs(t, err, &ve)
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.True(t, ve.Has(field), "%v does not name %s", err, field)
}
