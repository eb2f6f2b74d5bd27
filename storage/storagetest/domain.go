package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
	"github.com/lendcore/lendcore/storage"
)

// testDomainRoundTrip stores a domain loan.Loan with a backdated repayment
// and a fee through the adapter and decodes it back: its JSON form (terms,
// policy, status, every journal entry) is unchanged.
func testDomainRoundTrip(t *testing.T, s storage.Store) {
	ctx := context.Background()
	terms := schedule.Terms{
		Principal: money.MustParse("36000", money.CNY), AnnualRate: money.MustRate("9.6%"),
		Method: schedule.EqualInstallment, Frequency: schedule.Monthly, Periods: 36,
		Start: date.New(2025, time.March, 31), DayCount: schedule.Actual365Fixed,
	}
	id := uuid.New()
	l, err := loan.New(id, terms, loan.DefaultPolicy())
	require.NoError(t, err)
	booked := time.Date(2025, 3, 31, 9, 30, 0, 0, time.UTC)
	post := func(k loan.Kind, d date.Date, amount, key string) loan.Entry {
		res, err := l.Post(loan.Entry{ID: uuid.New(), Kind: k, ValueDate: d, BookedAt: booked, Actor: "teller-1",
			IdempotencyKey: key, Amount: money.MustParse(amount, money.CNY)})
		require.NoError(t, err)
		return res.Entry
	}
	post(loan.Disbursement, terms.Start, "36000", "disburse")
	rec, err := storage.FromLoan(l, storage.LoanIndex{NextDue: date.New(2025, time.April, 30), AsOf: terms.Start})
	require.NoError(t, err)
	mustCreate(t, s, rec)

	for _, e := range []loan.Entry{
		post(loan.Repayment, date.New(2025, time.April, 30), "1154.87", "pay-1"),
		post(loan.FeeCharge, date.New(2025, time.May, 2), "15.00", "fee-1"),
	} {
		row, err := storage.FromEntry(e)
		require.NoError(t, err)
		cur := mustGet(t, s, id)
		_, err = s.Loans().Append(ctx, storage.Append{LoanID: id, ExpectedVersion: cur.Version,
			Entries: []storage.Entry{row}, Status: l.Status().String()})
		require.NoError(t, err)
	}

	got := mustGet(t, s, id)
	back, err := got.Decode()
	require.NoError(t, err)
	want, err := l.MarshalJSON()
	require.NoError(t, err)
	have, err := back.MarshalJSON()
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(have))
	assert.Equal(t, "repayment", got.Journal[1].Kind)
	assert.Equal(t, money.MustParse("1154.87", money.CNY), got.Journal[1].Amount)
}
