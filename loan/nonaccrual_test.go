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
