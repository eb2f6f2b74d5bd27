package lendcore_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/memory"
)

func d(y int, m time.Month, day int) date.Date { return date.New(y, m, day) }

func cny(s string) money.Amount { return money.MustParse(s, money.CNY) }

// fixedClock books every entry at one instant, so runs are reproducible;
// it reads a day after every date the tests use, as a host's clock does
// when it records what already happened.
func fixedClock() time.Time { return time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC) }

func testPolicies() lendcore.Policies {
	p := lendcore.DefaultPolicies()
	p.Approval.Authority = loan.AuthorityPolicy{
		Officers: []loan.Officer{{ID: "approver", Limit: cny("1000000")}},
	}
	return p
}

func newEngine(t testing.TB) *lendcore.Engine {
	t.Helper()
	e, err := lendcore.New(memory.New(), lendcore.WithPolicies(testPolicies()), lendcore.WithClock(fixedClock))
	require.NoError(t, err)
	return e
}

// request is a valid application: 10,000 at 12 % for 12 months, equal
// installments, starting 2024-01-15.
func request(id uuid.UUID) loan.Request {
	var findings []loan.Finding
	for a := loan.BasicEligibility; a <= loan.Guarantees; a++ {
		findings = append(findings, loan.Finding{Area: a, Summary: "checked"})
	}
	return loan.Request{
		ID: id,
		Terms: schedule.Terms{Principal: cny("10000"), AnnualRate: money.MustRate("12%"),
			Method: schedule.EqualInstallment, Frequency: schedule.Monthly, Periods: 12,
			Start: d(2024, 1, 15), DayCount: schedule.Thirty360},
		Borrower: uuid.New(), BorrowerKind: loan.Individual, Purpose: "consumption",
		Dossier:     loan.Dossier{Findings: findings, Investigators: [2]string{"inv1", "inv2"}, SignedOn: d(2024, 1, 10)},
		SubmittedBy: "maker", SubmittedOn: d(2024, 1, 10),
	}
}

func openLoan(t testing.TB, e *lendcore.Engine, id uuid.UUID) {
	t.Helper()
	ctx := context.Background()
	_, err := e.Submit(ctx, request(id))
	require.NoError(t, err)
	_, err = e.Approve(ctx, id, loan.Action{Officer: "approver", On: d(2024, 1, 12)}, loan.Exposure{})
	require.NoError(t, err)
	_, err = e.Disburse(ctx, id, lendcore.Disbursement{Actor: "teller", IdempotencyKey: "disburse-" + id.String()})
	require.NoError(t, err)
}

func TestLoanLifecycleThroughEngine(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	id := uuid.New()
	openLoan(t, e, id)

	// First installment of 10,000 at 1 %/month over 12 months is 888.49
	// (the annuity formula; see schedule's golden tests).
	res, err := e.Post(ctx, id, loan.Entry{Kind: loan.Repayment, ValueDate: d(2024, 2, 15), Actor: "bank",
		IdempotencyKey: "pay-1", Amount: cny("888.49")})
	require.NoError(t, err)
	assert.False(t, res.Replayed)
	again, err := e.Post(ctx, id, loan.Entry{Kind: loan.Repayment, ValueDate: d(2024, 2, 15), Actor: "bank",
		IdempotencyKey: "pay-1", Amount: cny("888.49")})
	require.NoError(t, err)
	assert.True(t, again.Replayed, "the same key twice is one payment")

	pos, err := e.Position(ctx, id, d(2024, 2, 15))
	require.NoError(t, err)
	assert.Equal(t, 0, pos.DaysPastDue)
	assert.Equal(t, cny("9211.51"), pos.PrincipalBalance, "10,000 − (888.49 − 100.00 interest)")

	// No payment on 2024-03-15: on 2024-03-20 the loan is 5 days past due.
	reports, err := e.CloseOfDay(ctx, d(2024, 3, 20))
	require.NoError(t, err)
	require.Len(t, reports, 1, "the first close starts at the given day")
	assert.Equal(t, 1, reports[0].Loans)
	pos, err = e.Position(ctx, id, d(2024, 3, 20))
	require.NoError(t, err)
	assert.Equal(t, 5, pos.DaysPastDue)

	// Closing the same day again does nothing.
	reports, err = e.CloseOfDay(ctx, d(2024, 3, 20))
	require.NoError(t, err)
	assert.Empty(t, reports)
	// Skipped days are caught up in order.
	reports, err = e.CloseOfDay(ctx, d(2024, 3, 23))
	require.NoError(t, err)
	require.Len(t, reports, 3)
	assert.Equal(t, d(2024, 3, 21), reports[0].Day)
}

// Investors must fund exactly the principal; a mismatch is refused with
// the field named, and the application stays approved, nothing disbursed.
func TestDisburseFundingMustMatchPrincipal(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	id := uuid.New()
	_, err := e.Submit(ctx, request(id))
	require.NoError(t, err)
	_, err = e.Approve(ctx, id, loan.Action{Officer: "approver", On: d(2024, 1, 12)}, loan.Exposure{})
	require.NoError(t, err)
	_, err = e.Disburse(ctx, id, lendcore.Disbursement{Actor: "teller", IdempotencyKey: "d1",
		Funding: []lendcore.Funding{{Investor: uuid.New(), Amount: cny("6000")}, {Investor: uuid.New(), Amount: cny("3000")}}})
	var v *fault.Fields
	require.ErrorAs(t, err, &v)
	assert.True(t, v.Has("funding"), "9,000 funded for a 10,000 loan: %v", err)
	app, err := e.Application(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, loan.Approved, app.Status())
	_, err = e.Loan(ctx, id)
	assert.ErrorIs(t, err, storage.ErrNotFound)
}
