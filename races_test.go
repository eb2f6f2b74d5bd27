package lendcore_test

import (
	"context"
	"errors"
	"iter"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/memory"
)

func TestCloseOfDayRejectsZeroDay(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	id := uuid.New()
	openLoan(t, e, id)
	before := snapshot(t, e.Store())

	reports, err := e.CloseOfDay(ctx, date.Date{})
	var v *fault.Fields
	require.ErrorAs(t, err, &v)
	require.Equal(t, 1, v.Len())
	assert.True(t, v.Has("day"), "%v", err)
	assert.Empty(t, reports)
	assert.Equal(t, before, snapshot(t, e.Store()), "nothing written")
	_, ok, err := e.LastClosed(ctx)
	require.NoError(t, err)
	assert.False(t, ok)
}

// hookStore runs hook once, right after the first scan of loans without
// their state (the daily close's scan) has yielded everything: a command
// committing between the close's scan and its fold. Loans in failGet fail
// Get while failing is set.
type hookStore struct {
	storage.Store
	hook    func()
	once    sync.Once
	failGet map[uuid.UUID]bool
	failing atomic.Bool
}

func (s *hookStore) Loans() storage.Loans { return hookLoans{s.Store.Loans(), s} }

type hookLoans struct {
	storage.Loans
	s *hookStore
}

func (l hookLoans) Scan(ctx context.Context, f storage.LoanFilter) iter.Seq2[storage.Loan, error] {
	inner := l.Loans.Scan(ctx, f)
	return func(yield func(storage.Loan, error) bool) {
		for rec, err := range inner {
			if !yield(rec, err) {
				return
			}
		}
		if f.NoState && l.s.hook != nil {
			l.s.once.Do(l.s.hook)
		}
	}
}

func (l hookLoans) Get(ctx context.Context, id uuid.UUID) (storage.Loan, error) {
	if l.s.failing.Load() && l.s.failGet[id] {
		return storage.Loan{}, errors.New("test: loan unreadable")
	}
	return l.Loans.Get(ctx, id)
}

func TestCloseRereadsLoanChangedDuringTheClose(t *testing.T) {
	ctx := context.Background()
	store := &hookStore{Store: memory.New()}
	e, err := lendcore.New(store, lendcore.WithPolicies(testPolicies()), lendcore.WithClock(fixedClock))
	require.NoError(t, err)
	id := uuid.New()
	openLoan(t, e, id)
	closeDays(t, e, d(2024, 1, 16), d(2024, 2, 14))
	store.hook = func() {
		_, err := e.Post(ctx, id, loan.Entry{Kind: loan.Repayment, ValueDate: d(2024, 2, 15),
			Actor: "borrower", IdempotencyKey: "pay-during-close", Amount: cny("888.49")})
		require.NoError(t, err)
	}

	reports, err := e.CloseOfDay(ctx, d(2024, 2, 15))
	require.NoError(t, err)
	require.Len(t, reports, 1)
	assert.Empty(t, reports[0].Failed, "the loan is re-read, not failed")
	assert.Equal(t, 1, reports[0].Loans)
	l, err := e.Loan(ctx, id)
	require.NoError(t, err)
	st, err := e.State(ctx, id)
	require.NoError(t, err)
	assert.EqualValues(t, l.Version(), st.Version, "the day was derived from the journal with the payment")
	assert.Equal(t, d(2024, 2, 15), st.Day)
	assert.Zero(t, st.DPD)
}

// TestFailedLoanDoesNotHoldTheDay: a loan that cannot be read is reported
// on each day it fails, and the other loans and the days go on.
func TestFailedLoanDoesNotHoldTheDay(t *testing.T) {
	ctx := context.Background()
	opener := newEngine(t)
	ids := fixture(t, opener, 2)
	closeDays(t, opener, d(2024, 1, 16), d(2024, 1, 16))
	// A fresh Engine (empty cache) reads every loan from the store.
	store := &hookStore{Store: opener.Store(), failGet: map[uuid.UUID]bool{ids[0]: true}}
	e, err := lendcore.New(store, lendcore.WithPolicies(testPolicies()), lendcore.WithClock(fixedClock))
	require.NoError(t, err)

	store.failing.Store(true)
	reports, err := e.CloseOfDay(ctx, d(2024, 1, 19))
	require.NoError(t, err)
	require.Len(t, reports, 3)
	for i, r := range reports {
		assert.Equal(t, d(2024, 1, 17+i), r.Day)
		require.Len(t, r.Failed, 1, "day %s", r.Day)
		assert.Equal(t, ids[0], r.Failed[0].Loan)
		assert.Equal(t, 1, r.Loans, "the other loan is closed")
	}
	last, _, err := e.LastClosed(ctx)
	require.NoError(t, err)
	assert.Equal(t, d(2024, 1, 19), last)
}

func TestClosedLoanLeavesTheCache(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	id := uuid.New()
	openLoan(t, e, id)
	closeDays(t, e, d(2024, 1, 16), d(2024, 1, 19))
	require.True(t, lendcore.CacheHolds(e, id))
	pos, err := e.Position(ctx, id, d(2024, 1, 20))
	require.NoError(t, err)
	en := loan.Entry{Kind: loan.Prepayment, ValueDate: d(2024, 1, 20), Actor: "borrower",
		IdempotencyKey: "payoff", Amount: pos.Payoff, Payoff: true}
	res, err := e.Post(ctx, id, en)
	require.NoError(t, err)
	require.Equal(t, loan.Closed, res.Status)
	closeDays(t, e, d(2024, 1, 20), d(2024, 1, 23))

	rec, err := e.Store().Loans().Get(ctx, id)
	require.NoError(t, err)
	require.True(t, rec.Index.Final, "finalised")
	assert.False(t, lendcore.CacheHolds(e, id), "a finalised loan leaves the cache")

	// Later closes leave it out, and commands read it from the store.
	closeDays(t, e, d(2024, 1, 24), d(2024, 1, 25))
	assert.False(t, lendcore.CacheHolds(e, id))
	res, err = e.Post(ctx, id, en)
	require.NoError(t, err)
	assert.True(t, res.Replayed)
}

// staleApps returns, once, an application as it was before its
// disbursement: what a concurrent Disburse reads on PostgreSQL before the
// other one commits.
type staleStore struct {
	storage.Store
	stale storage.Application
	used  atomic.Bool
}

func (s *staleStore) WithTx(ctx context.Context, fn func(storage.Tx) error) error {
	return s.Store.WithTx(ctx, func(tx storage.Tx) error { return fn(staleTx{tx, s}) })
}

type staleTx struct {
	storage.Tx
	s *staleStore
}

func (t staleTx) Applications() storage.Applications { return staleApps{t.Tx.Applications(), t.s} }

type staleApps struct {
	storage.Applications
	s *staleStore
}

func (a staleApps) Get(ctx context.Context, id uuid.UUID) (storage.Application, error) {
	if id == a.s.stale.ID && a.s.used.CompareAndSwap(false, true) {
		return a.s.stale, nil
	}
	return a.Applications.Get(ctx, id)
}

func TestConcurrentDisburseIsIdempotent(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	id := uuid.New()
	_, err := e.Submit(ctx, request(id))
	require.NoError(t, err)
	_, err = e.Approve(ctx, id, loan.Action{Officer: "approver", On: d(2024, 1, 12)}, loan.Exposure{})
	require.NoError(t, err)
	stale, err := e.Store().Applications().Get(ctx, id)
	require.NoError(t, err)
	d1 := lendcore.Disbursement{Actor: "teller", IdempotencyKey: "disburse-1"}
	first, err := e.Disburse(ctx, id, d1)
	require.NoError(t, err)
	before := snapshot(t, e.Store())

	// The second Disburse read the application undisbursed; its Create
	// meets the first one's loan.
	other, err := lendcore.New(&staleStore{Store: e.Store(), stale: stale}, lendcore.WithPolicies(testPolicies()),
		lendcore.WithClock(fixedClock))
	require.NoError(t, err)
	second, err := other.Disburse(ctx, id, d1)
	require.NoError(t, err)
	assert.Equal(t, first.ID(), second.ID())
	assert.Equal(t, first.Version(), second.Version())
	assert.Equal(t, before, snapshot(t, e.Store()), "nothing written twice")
}

// currencyStore reports one loan in another currency to scans.
type currencyStore struct {
	storage.Store
	loan uuid.UUID
	cur  money.Currency
}

func (s currencyStore) Loans() storage.Loans { return currencyLoans{s.Store.Loans(), s} }

type currencyLoans struct {
	storage.Loans
	s currencyStore
}

func (l currencyLoans) Scan(ctx context.Context, f storage.LoanFilter) iter.Seq2[storage.Loan, error] {
	return func(yield func(storage.Loan, error) bool) {
		for rec, err := range l.Loans.Scan(ctx, f) {
			if rec.ID == l.s.loan {
				rec.Currency = l.s.cur
			}
			if !yield(rec, err) {
				return
			}
		}
	}
}

func TestPortfolioRejectsMixedCurrencies(t *testing.T) {
	ctx := context.Background()
	opener := newEngine(t)
	ids := fixture(t, opener, 3)
	closeDays(t, opener, d(2024, 1, 16), d(2024, 1, 16))
	_, err := opener.PortfolioAt(ctx, d(2024, 1, 16))
	require.NoError(t, err, "one currency")

	e, err := lendcore.New(currencyStore{Store: opener.Store(), loan: ids[1], cur: money.USD},
		lendcore.WithPolicies(testPolicies()), lendcore.WithClock(fixedClock))
	require.NoError(t, err)
	_, err = e.PortfolioAt(ctx, d(2024, 1, 16))
	var ce *lendcore.CurrencyError
	require.ErrorAs(t, err, &ce)
	assert.ErrorIs(t, err, money.ErrCurrencyMismatch)
	assert.Equal(t, ids[1], ce.Loan)
	assert.Equal(t, money.USD, ce.Currency)
	assert.Equal(t, money.CNY, ce.Portfolio)
}
