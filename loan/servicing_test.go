package loan

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/schedule"
)

// The scenarios below share one loan: 12,000.00 CNY at 12 % a year over 3
// months, equal principal, disbursed 2026-01-15. Its schedule, by the
// schedule package's periodic convention (1 % a month on the balance):
//
//	#1 due 2026-02-15: principal 4,000.00 + interest 120.00 (12,000 × 1 %) = 4,120.00
//	#2 due 2026-03-15: principal 4,000.00 + interest  80.00 ( 8,000 × 1 %) = 4,080.00
//	#3 due 2026-04-15: principal 4,000.00 + interest  40.00 ( 4,000 × 1 %) = 4,040.00
//
// Default penalty (PBoC 银发〔2003〕251号 §3): contract rate
// + 50 % = 18 % a year, /360 = 0.05 % a day, on overdue principal and
// (compound, 复利) overdue interest, from the due date.
func threeMonthLoan(t *testing.T, p Policy) *Loan {
	return newTestLoan(t, testTerms(schedule.EqualPrincipal, 3), p)
}

func TestScheduleOfTheScenarioLoan(t *testing.T) {
	l := threeMonthLoan(t, DefaultPolicy())
	p := mustPos(t, l, day(2026, 1, 15))
	require.Len(t, p.Installments, 3)
	for i, want := range []struct{ principal, interest string }{{"4000", "120"}, {"4000", "80"}, {"4000", "40"}} {
		assert.Equal(t, yuan(want.principal), p.Installments[i].Owed.Principal, "installment %d", i+1)
		assert.Equal(t, yuan(want.interest), p.Installments[i].Owed.Interest, "installment %d", i+1)
		assert.Equal(t, NotDue, p.Installments[i].Status)
	}
	assert.Equal(t, day(2026, 2, 15), p.NextDue.Date)
	assert.Equal(t, yuan("4120"), p.NextDue.Amount)
	assert.Equal(t, yuan("12000"), p.Payoff, "payoff on the disbursement day: principal, no interest accrued yet")
}

func TestOnTimeToPayoff(t *testing.T) {
	l := threeMonthLoan(t, DefaultPolicy())
	mustPost(t, l, entry(Repayment, day(2026, 2, 15), yuan("4120"), "r1"))
	mustPost(t, l, entry(Repayment, day(2026, 3, 15), yuan("4080"), "r2"))
	r := mustPost(t, l, entry(Repayment, day(2026, 4, 15), yuan("4040"), "r3"))
	assert.Equal(t, Closed, r.Status)
	assert.Equal(t, Split{yuan("4000"), yuan("40"), yuan("0"), yuan("0")}, r.Applied)
	p := mustPos(t, l, day(2026, 4, 15))
	assert.Equal(t, Closed, p.Status)
	for _, in := range p.Installments {
		assert.Equal(t, Paid, in.Status)
	}
	assert.Equal(t, 0, p.DaysPastDue)
	assert.Equal(t, 0, p.MissedCumulative)
	assert.True(t, p.Outstanding.Total().IsZero())
	assert.Equal(t, yuan("12240"), p.Paid.Total(), "12,000 principal + 240 interest")
	assert.Nil(t, p.NextDue)
}

func TestLatePaymentPenaltyForExactDays(t *testing.T) {
	// PBoC 银发〔2003〕251号 §3: penalty from the due date at contract rate + 50 %.
	// Installment 1 (4,120.00) paid 10 days late on 2026-02-25:
	// 4,120.00 × 10 days × 0.18 / 360 = 20.60.
	l := threeMonthLoan(t, DefaultPolicy())
	before := mustPos(t, l, day(2026, 2, 25))
	assert.Equal(t, yuan("20.60"), before.Installments[0].Owed.Penalty)
	assert.Equal(t, 10, before.DaysPastDue)
	assert.Equal(t, Overdue, before.Installments[0].Status)
	assert.Equal(t, yuan("4140.60"), before.Overdue.Total())

	mustPost(t, l, entry(Repayment, day(2026, 2, 25), yuan("4140.60"), "r1"))
	p := mustPos(t, l, day(2026, 3, 1))
	assert.Equal(t, PaidLate, p.Installments[0].Status)
	assert.Equal(t, 10, p.Installments[0].DaysLate)
	assert.Equal(t, yuan("20.60"), p.Installments[0].Paid.Penalty)
	assert.Equal(t, 0, p.DaysPastDue)
	assert.Equal(t, 1, p.MissedCumulative)
	assert.Equal(t, 0, p.MissedConsecutive, "installment 2 is not due yet")
}

func TestGraceDays(t *testing.T) {
	// Paid within the grace days: no penalty; paid after: penalty from the
	// due date (the policy's documented rule).
	pol := DefaultPolicy()
	pol.Penalty.GraceDays = 3
	pol.Penalty.LateFee = yuan("15")
	within := threeMonthLoan(t, pol)
	mustPost(t, within, entry(Repayment, day(2026, 2, 18), yuan("4120"), "r1"))
	p := mustPos(t, within, day(2026, 3, 1))
	assert.True(t, p.Installments[0].Owed.Penalty.IsZero())
	assert.True(t, p.Installments[0].Owed.Fee.IsZero())

	after := threeMonthLoan(t, pol)
	// 2026-02-19 is after the grace (15th + 3): 4 days × 4,120 × 0.0005 = 8.24, plus the 15.00 late fee.
	p = mustPos(t, after, day(2026, 2, 19))
	assert.Equal(t, yuan("8.24"), p.Installments[0].Owed.Penalty)
	assert.Equal(t, yuan("15"), p.Installments[0].Owed.Fee)
}

func TestPartialPaymentsHorizontalVersusVertical(t *testing.T) {
	// Nothing paid until 2026-03-16. Penalty then:
	//   #1: 4,120.00 × 29 days (Feb 15 → Mar 16) × 0.0005 = 59.74
	//   #2: 4,080.00 ×  1 day                    × 0.0005 =  2.04
	// A payment of 4,100.00 (penalty → fee → interest → principal):
	//   horizontal: #1 penalty 59.74, interest 120, principal 3,920.26; #2 nothing.
	//   vertical:   penalties 59.74 + 2.04, interests 120 + 80, then principal
	//               of #1 = 4,100 − 61.78 − 200 = 3,838.22.
	pay := func(d Direction) Position {
		pol := DefaultPolicy()
		pol.Waterfall.Performing.Direction = d
		l := threeMonthLoan(t, pol)
		mustPost(t, l, entry(Repayment, day(2026, 3, 16), yuan("4100"), "r1"))
		return mustPos(t, l, day(2026, 3, 16))
	}
	h := pay(Horizontal)
	assert.Equal(t, Split{yuan("3920.26"), yuan("120"), yuan("59.74"), yuan("0")}, h.Installments[0].Paid)
	assert.True(t, h.Installments[1].Paid.Total().IsZero())
	v := pay(Vertical)
	assert.Equal(t, Split{yuan("3838.22"), yuan("120"), yuan("59.74"), yuan("0")}, v.Installments[0].Paid)
	assert.Equal(t, Split{yuan("0"), yuan("80"), yuan("2.04"), yuan("0")}, v.Installments[1].Paid)
	assert.Equal(t, 29, h.DaysPastDue)
	assert.Equal(t, 2, h.MissedConsecutive)
}

func TestOverpaymentGoesToCreditThenRefund(t *testing.T) {
	l := threeMonthLoan(t, DefaultPolicy())
	// 5,000.00 on the first due date: 4,120.00 settles #1, 880.00 is credit
	// (amounts not yet due are touched only by an explicit prepayment).
	r := mustPost(t, l, entry(Repayment, day(2026, 2, 15), yuan("5000"), "r1"))
	assert.Equal(t, yuan("880"), r.Credit)
	p := mustPos(t, l, day(2026, 3, 14))
	assert.Equal(t, yuan("880"), p.Credit)
	assert.True(t, p.Installments[1].Paid.Total().IsZero())
	// On 2026-03-15 the credit settles #2: interest 80.00 then principal 800.00.
	p = mustPos(t, l, day(2026, 3, 15))
	assert.True(t, p.Credit.IsZero())
	assert.Equal(t, Split{yuan("800"), yuan("80"), yuan("0"), yuan("0")}, p.Installments[1].Paid)
	assert.Equal(t, PartlyPaid, p.Installments[1].Status)

	// A refund instead takes the credit back before it is used.
	l2 := threeMonthLoan(t, DefaultPolicy())
	mustPost(t, l2, entry(Repayment, day(2026, 2, 15), yuan("5000"), "r1"))
	mustPost(t, l2, entry(Refund, day(2026, 2, 20), yuan("880"), "refund"))
	p = mustPos(t, l2, day(2026, 3, 15))
	assert.True(t, p.Credit.IsZero())
	assert.Equal(t, yuan("880"), p.Refunded)
	assert.True(t, p.Installments[1].Paid.Total().IsZero())
}

func TestEarlyPayoff(t *testing.T) {
	l := threeMonthLoan(t, DefaultPolicy())
	mustPost(t, l, entry(Repayment, day(2026, 2, 15), yuan("4120"), "r1"))
	// On 2026-03-01, 14 of #2's 28 days have run: interest accrued
	// 80.00 × 14/28 = 40.00; payoff = 8,000.00 + 40.00 (Civil Code art. 677).
	p := mustPos(t, l, day(2026, 3, 1))
	assert.Equal(t, yuan("40"), p.AccruedInterest)
	assert.Equal(t, yuan("8040"), p.Payoff)
	e := entry(Prepayment, day(2026, 3, 1), yuan("8040"), "payoff")
	e.Payoff = true
	r := mustPost(t, l, e)
	assert.Equal(t, Closed, r.Status)
	p = mustPos(t, l, day(2026, 6, 1))
	assert.Equal(t, Closed, p.Status)
	assert.True(t, p.Outstanding.Total().IsZero())
	assert.Equal(t, yuan("12160"), p.Paid.Total(), "12,000 principal + 120 + 40 interest")
	require.Len(t, p.Installments, 2, "the rest collapsed into one installment due on the payoff day")
	assert.Equal(t, day(2026, 3, 1), p.Installments[1].Due)

	// Under the full-period policy the payoff charges #2's whole 80.00.
	pol := DefaultPolicy()
	pol.Prepayment.Interest = FullPeriodInterest
	pol.Prepayment.FeeRate = mustRate("1%")
	l = threeMonthLoan(t, pol)
	mustPost(t, l, entry(Repayment, day(2026, 2, 15), yuan("4120"), "r1"))
	// 8,000 + 80 + a 1 % prepayment fee on 8,000 = 80.00 → 8,160.00.
	assert.Equal(t, yuan("8160"), mustPos(t, l, day(2026, 3, 1)).Payoff)
}

func TestPartialPrepaymentKeepTermVersusKeepInstallment(t *testing.T) {
	// #1 paid on time; 4,000.00 prepaid on 2026-02-15 (no interest accrued
	// in the new period yet). 4,000.00 of principal remains.
	run := func(m ReamortizeMode) Position {
		l := threeMonthLoan(t, DefaultPolicy())
		mustPost(t, l, entry(Repayment, day(2026, 2, 15), yuan("4120"), "r1"))
		e := entry(Prepayment, day(2026, 2, 15), yuan("4000"), "pp")
		e.Reamortize = m
		mustPost(t, l, e)
		return mustPos(t, l, day(2026, 2, 15))
	}
	// Keep term: two installments of 2,000.00 principal; interest 1 % on
	// the balance: 40.00 then 20.00.
	kt := run(KeepTerm)
	require.Len(t, kt.Installments, 4, "#1, the prepayment line, two re-amortised installments")
	assert.Equal(t, yuan("4000"), kt.Installments[1].Paid.Principal)
	assert.Equal(t, Split{yuan("2000"), yuan("40"), yuan("0"), yuan("0")}, kt.Installments[2].Owed)
	assert.Equal(t, Split{yuan("2000"), yuan("20"), yuan("0"), yuan("0")}, kt.Installments[3].Owed)
	assert.Equal(t, day(2026, 4, 15), kt.Installments[3].Due)
	// Keep installment: the old next installment was 4,080.00; one period
	// of 4,000.00 + 40.00 fits, so the loan now ends on 2026-03-15.
	ki := run(KeepInstallment)
	require.Len(t, ki.Installments, 3)
	assert.Equal(t, Split{yuan("4000"), yuan("40"), yuan("0"), yuan("0")}, ki.Installments[2].Owed)
	assert.Equal(t, day(2026, 3, 15), ki.Installments[2].Due)
}

func TestBackdatedPaymentAndReversalChangePenalty(t *testing.T) {
	l := threeMonthLoan(t, DefaultPolicy())
	pay := mustPost(t, l, entry(Repayment, day(2026, 2, 25), yuan("4140.60"), "r1"))
	rev := entry(Reversal, day(2026, 3, 1), yuan("0"), "rev")
	rev.Reverses, rev.Reason = pay.Entry.ID, "cheque bounced"
	mustPost(t, l, rev)
	// The reversed payment never happened: on 2026-03-01 #1 has been
	// unpaid 14 days: 4,120.00 × 14 × 0.0005 = 28.84.
	p := mustPos(t, l, day(2026, 3, 1))
	assert.Equal(t, yuan("28.84"), p.Installments[0].Owed.Penalty)
	assert.Equal(t, 14, p.DaysPastDue)
	// The fold is restated from the payment's own value date on.
	assert.Equal(t, 13, mustPos(t, l, day(2026, 2, 28)).DaysPastDue)

	// The borrower shows it actually paid on 2026-02-20: a backdated
	// payment of 4,120 + 4,120 × 5 × 0.0005 = 4,130.30 re-folds the penalty.
	mustPost(t, l, entry(Repayment, day(2026, 2, 20), yuan("4130.30"), "r2"))
	p = mustPos(t, l, day(2026, 3, 1))
	assert.Equal(t, yuan("10.30"), p.Installments[0].Owed.Penalty)
	assert.Equal(t, 0, p.DaysPastDue)
	assert.Equal(t, PaidLate, p.Installments[0].Status)

	// Identical to posting the surviving entry in value-date order.
	m := threeMonthLoan(t, DefaultPolicy())
	mustPost(t, m, entry(Repayment, day(2026, 2, 20), yuan("4130.30"), "r2"))
	assert.Equal(t, mustPos(t, m, day(2026, 3, 1)), p)
}

func TestExtension(t *testing.T) {
	l := threeMonthLoan(t, DefaultPolicy())
	mustPost(t, l, entry(Repayment, day(2026, 2, 15), yuan("4120"), "r1"))
	e := entry(Restructure, day(2026, 2, 15), yuan("0"), "ext")
	e.Change, e.Approver, e.Reason = &Change{ExtendPeriods: 2}, "credit-committee", "borrower hardship"
	mustPost(t, l, e)
	// 8,000.00 over 2 + 2 = 4 periods from 2026-02-15: 2,000.00 principal
	// each; interest 1 % on the balance: 80, 60, 40, 20; maturity 2026-06-15.
	p := mustPos(t, l, day(2026, 2, 15))
	require.Len(t, p.Installments, 5)
	for i, want := range []string{"80", "60", "40", "20"} {
		assert.Equal(t, yuan("2000"), p.Installments[i+1].Owed.Principal)
		assert.Equal(t, yuan(want), p.Installments[i+1].Owed.Interest)
	}
	assert.Equal(t, day(2026, 6, 15), p.Installments[4].Due)
	assert.True(t, p.Restructured)
	require.NotNil(t, p.RestructuredOn)
	assert.Equal(t, day(2026, 2, 15), *p.RestructuredOn)
}

func TestAcceleration(t *testing.T) {
	l := threeMonthLoan(t, DefaultPolicy())
	e := entry(Acceleration, day(2026, 3, 1), yuan("0"), "acc")
	mustPost(t, l, e)
	p := mustPos(t, l, day(2026, 3, 1))
	assert.Equal(t, Accelerated, p.Status)
	// Everything falls due on 2026-03-01: #1 (4,120.00 + 14 days' penalty
	// 28.84) and the rest: 8,000.00 principal + 40.00 interest accrued.
	require.Len(t, p.Installments, 2)
	assert.Equal(t, Split{yuan("8000"), yuan("40"), yuan("0"), yuan("0")}, p.Installments[1].Owed)
	assert.Equal(t, yuan("12188.84"), p.Outstanding.Total())
	assert.Equal(t, yuan("12188.84"), p.Payoff)
	assert.Equal(t, 14, p.DaysPastDue)
	// A day later both accrue penalty: (4,120 + 8,040) × 0.0005 = 6.08.
	assert.Equal(t, yuan("12194.92"), mustPos(t, l, day(2026, 3, 2)).Outstanding.Total())
}

func TestWriteOffThenRecovery(t *testing.T) {
	l := threeMonthLoan(t, DefaultPolicy())
	wo := entry(WriteOff, day(2026, 3, 1), yuan("0"), "wo")
	wo.Approver, wo.Reason = "board", "borrower insolvent"
	mustPost(t, l, wo)
	// Claim = 12,000 principal + 120 + 40 interest + 28.84 penalty = 12,188.84.
	p := mustPos(t, l, day(2026, 3, 1))
	assert.Equal(t, WrittenOff, p.Status)
	assert.Equal(t, yuan("12188.84"), p.Claim.Total())
	assert.True(t, p.Outstanding.Total().IsZero(), "off the books")
	// No accrual after write-off; the claim is pursued (账销案存).
	assert.Equal(t, yuan("12188.84"), mustPos(t, l, day(2026, 9, 1)).Claim.Total())

	r := mustPost(t, l, entry(Recovery, day(2026, 4, 1), yuan("5000"), "rec1"))
	assert.Equal(t, yuan("5000"), r.Applied.Principal, "principal first after write-off")
	mustPost(t, l, entry(Recovery, day(2026, 5, 1), yuan("7188.84"), "rec2"))
	p = mustPos(t, l, day(2026, 5, 1))
	assert.Equal(t, Closed, p.Status)
	assert.True(t, p.Claim.Total().IsZero())
	assert.Equal(t, yuan("12188.84"), p.Recovered.Total())
}

func TestIdempotency(t *testing.T) {
	l := threeMonthLoan(t, DefaultPolicy())
	e := entry(Repayment, day(2026, 2, 15), yuan("100"), "k1")
	first := mustPost(t, l, e)
	e.BookedAt = e.BookedAt.Add(time.Hour) // a retry: another booking time
	again := mustPost(t, l, e)
	assert.True(t, again.Replayed)
	assert.Equal(t, first.Entry, again.Entry)
	assert.Equal(t, 2, l.Version())
	e.Amount = yuan("200")
	_, err := l.Post(e)
	assert.ErrorIs(t, err, ErrDuplicateKey)
}
