package loan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// fineractTrancheTerms: Fineract's LoanDownPayment.feature, "Double
// disbursement different day - auto disabled": 1,000.00 disbursed on
// 2022-01-01 and 400.00 on 2022-01-10, at 0 % over three months, with a
// 25 % down payment on each disbursement.
func fineractTrancheTerms() schedule.Terms {
	return schedule.Terms{Principal: yuan("1400"), AnnualRate: money.MustRate("0"), Method: schedule.EqualPrincipal,
		Frequency: schedule.Monthly, Periods: 3, Start: day(2022, 1, 1), DayCount: schedule.Actual360,
		DownPayment: schedule.DownPayment{Share: money.MustRate("25%")},
		Tranches:    []schedule.Tranche{{Date: day(2022, 1, 1), Amount: yuan("1000")}, {Date: day(2022, 1, 10), Amount: yuan("400")}}}
}

// TestTranchesAndDownPaymentsAsFineract reproduces that scenario: after
// the first disbursement the schedule asks 250.00 down on 2022-01-01 and
// 250.00 on 1 February, 1 March and 1 April, with 400.00 undisbursed; the
// down payment received that day settles the first; a 50.00 fee is
// charged to the February installment. The 400.00 tranche on 2022-01-10
// re-plans the schedule: 100.00 down that day, then 350.00 three times,
// the fee still in February (Fineract shows it there, 400.00 due).
func TestTranchesAndDownPaymentsAsFineract(t *testing.T) {
	l, err := New(uuidOf("tranches"), fineractTrancheTerms(), DefaultPolicy())
	require.NoError(t, err)
	mustPost(t, l, entry(Disbursement, day(2022, 1, 1), yuan("1000"), "d1"))
	p := mustPos(t, l, day(2022, 1, 1))
	require.Len(t, p.Installments, 4)
	assert.Equal(t, day(2022, 1, 1), p.Installments[0].Due)
	for _, in := range p.Installments {
		assert.Equal(t, yuan("250"), in.Owed.Principal, "installment %d", in.Number)
	}
	assert.Equal(t, "400.00", p.Undisbursed.Number())
	assert.Equal(t, Due, p.Installments[0].Status)
	assert.Equal(t, 1, mustPos(t, l, day(2022, 1, 2)).DaysPastDue, "the down payment is due on the disbursement date")

	down := mustPost(t, l, entry(DownPayment, day(2022, 1, 1), yuan("250"), "down"))
	assert.Equal(t, Split{yuan("250"), yuan("0"), yuan("0"), yuan("0")}, down.Applied)
	fee := entry(FeeCharge, day(2022, 1, 1), yuan("50"), "nsf")
	fee.Installment = 2
	mustPost(t, l, fee)

	tr := mustPost(t, l, entry(Tranche, day(2022, 1, 10), yuan("400"), "d2"))
	p = mustPos(t, l, day(2022, 1, 10))
	require.Len(t, p.Installments, 5)
	assert.Equal(t, Paid, p.Installments[0].Status)
	assert.Equal(t, day(2022, 1, 10), p.Installments[1].Due)
	assert.Equal(t, yuan("100"), p.Installments[1].Owed.Principal, "the tranche's down payment")
	for i, due := range []string{"2022-02-01", "2022-03-01", "2022-04-01"} {
		in := p.Installments[2+i]
		assert.Equal(t, due, in.Due.String())
		assert.Equal(t, yuan("350"), in.Owed.Principal)
	}
	assert.Equal(t, yuan("50"), p.Installments[2].Owed.Fee)
	assert.Equal(t, "1200.00", p.Outstanding.Total().Number(), "1,400 + 50 − 250")
	assert.True(t, p.Undisbursed.IsZero())
	ps, err := l.Postings(day(2022, 1, 10))
	require.NoError(t, err)
	acc := DefaultChartOfAccounts()
	assert.Contains(t, ps, Posting{Date: day(2022, 1, 10), Entry: tr.Entry.ID, Seq: tr.Version, Kind: "tranche",
		Debit: acc.LoansReceivable, Credit: acc.Cash, Amount: yuan("400")})
	assert.Contains(t, ps, Posting{Date: day(2022, 1, 1), Entry: down.Entry.ID, Seq: down.Version, Kind: "down-payment",
		Debit: acc.Cash, Credit: acc.LoansReceivable, Amount: yuan("250")})
}

// TestTrancheRefusals: a tranche beyond the principal, after maturity, on
// a loan without planned tranches or after a re-amortisation; a down
// payment off a disbursement date or on terms without one.
func TestTrancheRefusals(t *testing.T) {
	fresh := func(t *testing.T) *Loan {
		l, err := New(uuidOf("tranches"), fineractTrancheTerms(), DefaultPolicy())
		require.NoError(t, err)
		mustPost(t, l, entry(Disbursement, day(2022, 1, 1), yuan("1000"), "d1"))
		return l
	}
	for _, c := range []struct {
		name  string
		state loanState
		entry Entry
		field string
	}{
		{"above the principal", fresh, entry(Tranche, day(2022, 1, 10), yuan("401"), "x"), "amount"},
		{"after maturity", fresh, entry(Tranche, day(2022, 4, 2), yuan("400"), "x"), "value_date"},
		{"no planned tranches", activeLoan, entry(Tranche, day(2026, 3, 20), yuan("100"), "x"), "kind"},
		{"after a prepayment", func(t *testing.T) *Loan {
			l := fresh(t)
			mustPost(t, l, entry(Prepayment, day(2022, 1, 5), yuan("500"), "pp"))
			return l
		}, entry(Tranche, day(2022, 1, 10), yuan("400"), "x"), "kind"},
		{"down payment off a disbursement date", fresh, entry(DownPayment, day(2022, 1, 5), yuan("250"), "x"), "value_date"},
		{"down payment without one in the terms", activeLoan, entry(DownPayment, day(2026, 1, 15), yuan("1"), "x"), "kind"},
		{"tranche of nothing", fresh, entry(Tranche, day(2022, 1, 10), yuan("0"), "x"), "amount"},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := c.state(t)
			before := mustPos(t, l, day(2022, 6, 1))
			_, err := l.Post(c.entry)
			assertField(t, err, c.field)
			assert.Equal(t, before, mustPos(t, l, day(2022, 6, 1)))
		})
	}
	// The first disbursement may not exceed the principal.
	l, err := New(uuidOf("tranches"), fineractTrancheTerms(), DefaultPolicy())
	require.NoError(t, err)
	_, err = l.Post(entry(Disbursement, day(2022, 1, 1), yuan("1400.01"), "d1"))
	assertField(t, err, "amount")
}

// TestTrancheFees: issue 16 — fees on a loan disbursed in tranches. On
// Fineract's scenario above, a 2 % upfront fee is charged on each tranche
// as it is paid out (Fineract's tranche disbursement charge: a percentage
// of the disbursement), due with its down payment: 2 % × 1,000 = 20.00 on
// 2022-01-01, 2 % × 400 = 8.00 on 2022-01-10; a 5.00 fee with every
// installment is charged on the three installments of the first plan and,
// after the tranche re-plans them, on the three of the new plan, once
// each. By 2022-04-01 every fee has fallen due and is booked as income:
// 20 + 8 + 3 × 5 = 43.00, all of it still receivable (nothing paid).
func TestTrancheFees(t *testing.T) {
	terms := fineractTrancheTerms()
	terms.Fees = []schedule.Fee{
		{Name: "service", Kind: schedule.FeeUpfront, Base: schedule.FeeOnPrincipal, Rate: money.MustRate("2%")},
		{Name: "handling", Kind: schedule.FeeInstallment, Amount: yuan("5")},
	}
	l, err := New(uuidOf("tranche-fees"), terms, DefaultPolicy())
	require.NoError(t, err)
	mustPost(t, l, entry(Disbursement, day(2022, 1, 1), yuan("1000"), "d1"))
	p := mustPos(t, l, day(2022, 1, 1))
	require.Len(t, p.Installments, 4)
	assert.Equal(t, yuan("20"), p.Installments[0].Owed.Fee, "the first tranche's upfront fee, with its down payment")
	for _, in := range p.Installments[1:] {
		assert.Equal(t, yuan("5"), in.Owed.Fee, "installment %d", in.Number)
	}

	mustPost(t, l, entry(Tranche, day(2022, 1, 10), yuan("400"), "d2"))
	p = mustPos(t, l, day(2022, 4, 1))
	require.Len(t, p.Installments, 5)
	assert.Equal(t, yuan("20"), p.Installments[0].Owed.Fee)
	assert.Equal(t, day(2022, 1, 10), p.Installments[1].Due)
	assert.Equal(t, yuan("100"), p.Installments[1].Owed.Principal)
	assert.Equal(t, yuan("8"), p.Installments[1].Owed.Fee, "the second tranche's upfront fee")
	for _, in := range p.Installments[2:] {
		assert.Equal(t, yuan("350"), in.Owed.Principal)
		assert.Equal(t, yuan("5"), in.Owed.Fee, "installment %d: the new plan's fee, once", in.Number)
	}
	assert.Equal(t, yuan("43"), p.Owed.Fee)

	b := balances(t, l, day(2022, 4, 1))
	acc := DefaultChartOfAccounts()
	assert.Equal(t, int64(4300), b[acc.FeeReceivable])
	assert.Equal(t, int64(-4300), b[acc.FeeIncome])
	// On 2022-01-15 only the two upfront fees have fallen due.
	assert.Equal(t, int64(2800), balances(t, l, day(2022, 1, 15))[acc.FeeReceivable])
}

// TestTrancheFeesRefused: a financed upfront fee on a loan disbursed in
// tranches is refused, naming the field.
func TestTrancheFeesRefused(t *testing.T) {
	terms := fineractTrancheTerms()
	terms.Fees = []schedule.Fee{{Kind: schedule.FeeUpfront, Base: schedule.FeeOnPrincipal, Rate: money.MustRate("2%"), Financed: true}}
	_, err := New(uuidOf("tranche-fees"), terms, DefaultPolicy())
	assert.Equal(t, []string{"terms.fees[0].financed"}, fields(t, err))
}
