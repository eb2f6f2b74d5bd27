package lendcore_test

import (
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// TestTrialBalancePost: postings book both sides, a balance that comes
// back to zero leaves the accounts, and a posting in a second currency is
// refused naming the loan, the ledger unchanged.
func TestTrialBalancePost(t *testing.T) {
	var tb lendcore.TrialBalance
	a, b := uuid.New(), uuid.New()
	require.NoError(t, tb.Post(a, loan.Posting{Debit: "loans-receivable", Credit: "cash", Amount: cny("1000")}))
	require.NoError(t, tb.Post(a, loan.Posting{Debit: "cash", Credit: "loans-receivable", Amount: cny("400")}))
	require.NoError(t, tb.Post(a, loan.Posting{Debit: "cash", Credit: "interest-receivable", Amount: cny("10")}))
	assert.Equal(t, map[string]money.Amount{"loans-receivable": cny("600"), "cash": cny("-590"),
		"interest-receivable": cny("-10")}, tb.Accounts)
	assert.Equal(t, cny("1410"), tb.Debits)
	assert.True(t, tb.Balanced())
	require.NoError(t, tb.Post(a, loan.Posting{Debit: "interest-receivable", Credit: "cash", Amount: cny("10")}))
	assert.NotContains(t, tb.Accounts, "interest-receivable")

	err := tb.Post(b, loan.Posting{Debit: "cash", Credit: "loans-receivable", Amount: money.New(100, money.USD)})
	var ce *lendcore.CurrencyError
	require.True(t, errors.As(err, &ce), "%v", err)
	assert.Equal(t, b, ce.Loan)
	assert.Equal(t, cny("1420"), tb.Debits, "unchanged")
}
