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

// balances returns every account's balance (debits positive) from the
// loan's postings folded to asOf.
func balances(t *testing.T, l *Loan, asOf date.Date) map[string]int64 {
	t.Helper()
	ps, err := l.Postings(asOf)
	require.NoError(t, err)
	out := map[string]int64{}
	for acc, a := range TrialBalance(ps) {
		out[acc] = a.Minor()
	}
	return out
}

func nonaccrualPolicy() Policy {
	p := DefaultPolicy()
	p.Accrual.NonaccrualDPD = NonaccrualAt90
	return p
}

// TestNonaccrual: issue 16 — a loan 90 days past due stops accruing
// income (FFIEC Call Report instructions, Glossary, "Nonaccrual Status":
// principal or interest in default for 90 days or more; accrued but
// uncollected interest reversed against income). The day before, its
// interest and penalty are income; on day 90 all of it moves to the
// suspense account, so income from the loan nets to zero while the
// receivables stay what the borrower owes; interest falling due later goes
// to suspense too. Paid up, the loan is current again: suspense empties
// into income, which then holds every unit of interest and penalty the
// borrower paid.
func TestNonaccrual(t *testing.T) {
	l := newTestLoan(t, testTerms(schedule.EqualPrincipal, 12), nonaccrualPolicy())
	acc := DefaultChartOfAccounts()
	first := day(2026, time.February, 15)

	b := balances(t, l, first.Add(89))
	assert.Zero(t, b[acc.InterestSuspense])
	// Four installments have fallen due by then (the fourth on May 15):
	// 1 % of 12,000, 11,000, 10,000 and 9,000.
	assert.Equal(t, int64(-(12000 + 11000 + 10000 + 9000)), b[acc.InterestIncome])
	assert.Negative(t, b[acc.PenaltyIncome])

	b = balances(t, l, first.Add(90))
	assert.Zero(t, b[acc.InterestIncome]+b[acc.PenaltyIncome], "all recognised income reversed")
	assert.Equal(t, -(b[acc.InterestReceivable] + b[acc.PenaltyReceivable]), b[acc.InterestSuspense],
		"suspense holds the interest and penalty owed")
	assert.Equal(t, int64(42000), b[acc.InterestReceivable], "the borrower still owes the interest")

	// The fifth installment's interest (80.00) falls due in nonaccrual.
	b = balances(t, l, day(2026, time.June, 15))
	assert.Zero(t, b[acc.InterestIncome]+b[acc.PenaltyIncome])
	assert.Equal(t, int64(42000+8000), b[acc.InterestReceivable])
	assert.Equal(t, -(b[acc.InterestReceivable] + b[acc.PenaltyReceivable]), b[acc.InterestSuspense])

	// Paying all that is due brings the loan current.
	p := mustPos(t, l, day(2026, time.July, 1))
	mustPost(t, l, entry(Repayment, day(2026, time.July, 1), p.Overdue.Total(), "cure"))
	b = balances(t, l, day(2026, time.July, 1))
	assert.Zero(t, b[acc.InterestSuspense])
	assert.Zero(t, b[acc.InterestReceivable])
	assert.Equal(t, -p.Overdue.Interest.Minor(), b[acc.InterestIncome])
	assert.Equal(t, -p.Overdue.Penalty.Minor(), b[acc.PenaltyIncome])
}

// TestNonaccrualWriteOff: written off while in nonaccrual, the loan's
// suspended interest and penalty go back against the write-off account, so
// the write-off charge is the principal alone — the only part of the claim
// that was ever an asset on the books — and the ledger balances.
func TestNonaccrualWriteOff(t *testing.T) {
	l := newTestLoan(t, testTerms(schedule.EqualPrincipal, 12), nonaccrualPolicy())
	acc := DefaultChartOfAccounts()
	wo := entry(WriteOff, day(2026, time.July, 20), money.Amount{}, "woff")
	wo.Approver, wo.Reason = "cfo", "loss"
	mustPost(t, l, wo)
	b := balances(t, l, day(2026, time.July, 20))
	assert.Zero(t, b[acc.InterestSuspense])
	assert.Zero(t, b[acc.InterestIncome]+b[acc.PenaltyIncome])
	assert.Equal(t, int64(1200000), b[acc.WriteOff], "the principal lent, nothing of the unrecognised income")
	var sum int64
	for _, v := range b {
		sum += v
	}
	assert.Zero(t, sum)
}

// TestNonaccrualPolicy: a threshold needs a suspense account, and a
// negative one is refused, each naming its field.
func TestNonaccrualPolicy(t *testing.T) {
	p := nonaccrualPolicy()
	require.NoError(t, p.Validate())
	p.Accounts.InterestSuspense = ""
	err := p.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "policy.accounts.interest_suspense")
	p.Accrual.NonaccrualDPD = -1
	err = p.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "policy.accrual.nonaccrual_dpd")
}

// TestNonaccrualDecision: issue 16 — nonaccrual by decision (a Nonaccrual
// entry, e.g. because the loan's risk grade fell to one the lender does
// not accrue on), with interest booked daily and no days-past-due rule.
// The test loan owes 120.00 of interest on 2026-02-15 (12,000 at 1 % a
// month); booked daily, 120 × 16/31 = 61.94 has accrued by January 31.
// Placed on nonaccrual on February 1, nothing is accrued ahead any more
// (what was is reversed out of income); the interest falling due on
// February 15 is receivable but held in suspense, not income; paid on
// February 20, it is income (cash basis). Restored on March 1, the loan
// accrues again: 110.00 for the second period (11,000 at 1 %), 14 of its
// 28 days, 55.00, booked ahead.
func TestNonaccrualDecision(t *testing.T) {
	p := DefaultPolicy()
	p.Accrual.Frequency = AccrueDaily
	l := newTestLoan(t, testTerms(schedule.EqualPrincipal, 12), p)
	acc := DefaultChartOfAccounts()
	b := balances(t, l, day(2026, time.January, 31))
	assert.Equal(t, int64(6194), b[acc.InterestReceivable])

	na := entry(Nonaccrual, day(2026, time.February, 1), money.Zero(money.CNY), "na")
	na.Reason = "graded substandard"
	mustPost(t, l, na)
	assert.True(t, mustPos(t, l, day(2026, time.February, 1)).NonaccrualDecision)
	b = balances(t, l, day(2026, time.February, 1))
	assert.Zero(t, b[acc.InterestReceivable], "nothing accrued ahead")
	assert.Zero(t, b[acc.InterestIncome])

	b = balances(t, l, day(2026, time.February, 15))
	assert.Equal(t, int64(12000), b[acc.InterestReceivable], "the borrower owes it")
	assert.Equal(t, int64(-12000), b[acc.InterestSuspense], "held in suspense")
	assert.Zero(t, b[acc.InterestIncome], "not income")

	mustPost(t, l, entry(Repayment, day(2026, time.February, 20), yuan("1120"), "pay-1"))
	b = balances(t, l, day(2026, time.February, 20))
	assert.Zero(t, b[acc.InterestReceivable])
	assert.Zero(t, b[acc.InterestSuspense])
	assert.Equal(t, int64(-12000), b[acc.InterestIncome], "income when paid")

	mustPost(t, l, entry(AccrualRestored, day(2026, time.March, 1), money.Zero(money.CNY), "restored"))
	assert.False(t, mustPos(t, l, day(2026, time.March, 1)).NonaccrualDecision)
	b = balances(t, l, day(2026, time.March, 1))
	assert.Equal(t, int64(5500), b[acc.InterestReceivable], "accruing again")
	assert.Equal(t, int64(-17500), b[acc.InterestIncome])

	// A decision needs a reason, and a chart with a suspense account.
	bad := entry(Nonaccrual, day(2026, time.March, 2), money.Zero(money.CNY), "no-reason")
	_, err := l.Post(bad)
	assert.Equal(t, []string{"reason"}, fields(t, err))
	p.Accounts.InterestSuspense = ""
	l2 := newTestLoan(t, testTerms(schedule.EqualPrincipal, 12), p)
	_, err = l2.Post(na)
	assert.Equal(t, []string{"kind"}, fields(t, err))
}
