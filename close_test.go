package lendcore_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/internal/sim"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/memory"
)

// fixture opens n loans starting 2024-01-15 and posts their borrowers'
// payments up front: loan i pays its first (i mod 4) installments on time,
// so the portfolio holds current loans and loans 1–3 months behind.
func fixture(t *testing.T, e *lendcore.Engine, n int) []uuid.UUID {
	t.Helper()
	ids := make([]uuid.UUID, n)
	for i := range ids {
		ids[i] = uuid.NewSHA1(uuid.NameSpaceOID, []byte(fmt.Sprint("loan-", i)))
		openFixtureLoan(t, e, ids[i], i)
	}
	return ids
}

// openFixtureLoan opens fixture loan i: it pays its first i mod 4
// installments on time.
func openFixtureLoan(t *testing.T, e *lendcore.Engine, id uuid.UUID, i int) {
	t.Helper()
	ctx := context.Background()
	openLoan(t, e, id)
	for k := 1; k <= i%4; k++ {
		_, err := e.Post(ctx, id, loan.Entry{Kind: loan.Repayment, ValueDate: d(2024, 1, 15).AddDate(0, k, 0),
			Actor: "borrower", IdempotencyKey: fmt.Sprint("pay-", k), Amount: cny("888.49")})
		require.NoError(t, err)
	}
}

// snapshot is everything a close writes: each loan's index and derived
// state, and the outbox by key.
func snapshot(t *testing.T, s storage.Store) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	for rec, err := range s.Loans().Scan(ctx, storage.LoanFilter{}) {
		require.NoError(t, err)
		x := rec.Index
		out["loan/"+rec.ID.String()] = fmt.Sprintf("%s %s %s %d %s %s", rec.Status, x.AsOf, x.NextDue, x.DaysPastDue, x.Classification, x.State)
	}
	msgs, err := s.Outbox().Pending(ctx, 1_000_000)
	require.NoError(t, err)
	for _, m := range msgs {
		out["msg/"+m.Key] = fmt.Sprintf("%s %s %s", m.Topic, m.Day, m.Payload)
	}
	return out
}

func closeDays(t *testing.T, e *lendcore.Engine, from, to date.Date) {
	t.Helper()
	for day := from; !day.After(to); day = day.Add(1) {
		_, err := e.CloseOfDay(context.Background(), day)
		require.NoError(t, err)
	}
}

func TestCatchUpEqualsDayByDay(t *testing.T) {
	daily, catchUp := newEngine(t), newEngine(t)
	fixture(t, daily, 12)
	fixture(t, catchUp, 12)
	closeDays(t, daily, d(2024, 1, 16), d(2024, 5, 20))

	_, err := catchUp.CloseOfDay(context.Background(), d(2024, 1, 16))
	require.NoError(t, err)
	reports, err := catchUp.CloseOfDay(context.Background(), d(2024, 5, 20))
	require.NoError(t, err)
	assert.Len(t, reports, 125, "2024-01-17 .. 2024-05-20, one report a day")
	assert.Equal(t, snapshot(t, daily.Store()), snapshot(t, catchUp.Store()))
}

func TestCloseRerunChangesNothing(t *testing.T) {
	e := newEngine(t)
	fixture(t, e, 8)
	closeDays(t, e, d(2024, 1, 16), d(2024, 3, 20))
	before := snapshot(t, e.Store())
	reports, err := e.CloseOfDay(context.Background(), d(2024, 3, 20))
	require.NoError(t, err)
	assert.Empty(t, reports, "a closed day is not closed again")
	reports, err = e.CloseOfDay(context.Background(), d(2024, 3, 1))
	require.NoError(t, err)
	assert.Empty(t, reports, "nor an earlier one")
	assert.Equal(t, before, snapshot(t, e.Store()))
}

// cancelAfter is a store whose units of work cancel a context after the
// n-th commit: the daily close is killed midway, between two batches.
type cancelAfter struct {
	storage.Store
	n      int32
	cancel context.CancelFunc
	done   atomic.Int32
}

func (c *cancelAfter) WithTx(ctx context.Context, fn func(storage.Tx) error) error {
	err := c.Store.WithTx(ctx, fn)
	if err == nil && c.done.Add(1) == c.n {
		c.cancel()
	}
	return err
}

func TestCloseResumesAfterCrash(t *testing.T) {
	ctx := context.Background()
	whole := newEngine(t)
	fixture(t, whole, 20)
	closeDays(t, whole, d(2024, 1, 16), d(2024, 3, 20))

	killCtx, cancel := context.WithCancel(ctx)
	store := &cancelAfter{Store: memory.New(), cancel: cancel}
	e, err := lendcore.New(store, lendcore.WithPolicies(testPolicies()), lendcore.WithClock(fixedClock),
		lendcore.WithBatchSize(3), lendcore.WithWorkers(1), lendcore.WithPartitions(1))
	require.NoError(t, err)
	fixture(t, e, 20)
	closeDays(t, e, d(2024, 1, 16), d(2024, 3, 19))
	store.n = store.done.Load() + 2 // two batches of 2024-03-20 commit, then the run dies
	_, err = e.CloseOfDay(killCtx, d(2024, 3, 20))
	require.ErrorIs(t, err, context.Canceled)
	last, _, err := e.LastClosed(ctx)
	require.NoError(t, err)
	assert.Equal(t, d(2024, 3, 19), last, "an interrupted day is not marked closed")

	reports, err := e.CloseOfDay(ctx, d(2024, 3, 20))
	require.NoError(t, err)
	require.Len(t, reports, 1)
	assert.Equal(t, 6, reports[0].AlreadyClosed, "two batches of three were done before the crash")
	assert.Equal(t, 14, reports[0].Loans)
	assert.Equal(t, snapshot(t, whole.Store()), snapshot(t, e.Store()), "resumed run = uninterrupted run")
}

func TestQuietShortcutChangesNothing(t *testing.T) {
	run := func(shortcut bool) map[string]string {
		cfg := sim.DefaultConfig()
		cfg.Loans, cfg.Months, cfg.OriginationMonths, cfg.Seed = 120, 5, 2, 7
		clock := sim.NewClock(cfg.Start)
		e, err := lendcore.New(memory.New(), lendcore.WithPolicies(sim.Policies()), lendcore.WithQuietShortcut(shortcut),
			lendcore.WithClock(clock.Now))
		require.NoError(t, err)
		s, err := sim.New(cfg, clock, e)
		require.NoError(t, err)
		_, err = s.Run(context.Background(), nil, nil)
		require.NoError(t, err)
		return snapshot(t, e.Store())
	}
	assert.Equal(t, run(false), run(true))
}

func TestCommandsDuringCloseLoseNothing(t *testing.T) {
	ctx := context.Background()
	e, err := lendcore.New(memory.New(), lendcore.WithPolicies(testPolicies()), lendcore.WithClock(fixedClock),
		lendcore.WithBatchSize(2))
	require.NoError(t, err)
	ids := fixture(t, e, 16)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for day := d(2024, 1, 16); !day.After(d(2024, 7, 31)); day = day.Add(1) {
			if _, err := e.CloseOfDay(ctx, day); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	var posted atomic.Int32
	go func() {
		defer wg.Done()
		for _, id := range ids {
			for k := 5; k <= 6; k++ {
				_, err := e.Post(ctx, id, loan.Entry{Kind: loan.Repayment, ValueDate: d(2024, 1, 15).AddDate(0, k, 0),
					Actor: "borrower", IdempotencyKey: fmt.Sprint("late-", k), Amount: cny("500.00")})
				if err != nil && !errors.Is(err, storage.ErrConflict) {
					t.Error(err)
					return
				}
				if err == nil {
					posted.Add(1)
				}
			}
		}
	}()
	wg.Wait()
	assert.EqualValues(t, 32, posted.Load())
	for _, id := range ids {
		l, err := e.Loan(ctx, id)
		require.NoError(t, err)
		keys := map[string]int{}
		for _, en := range l.Journal() {
			keys[en.IdempotencyKey]++
		}
		assert.Equal(t, 1, keys["late-5"], "loan %s", id)
		assert.Equal(t, 1, keys["late-6"], "loan %s", id)
	}
	// The closes after the race see every payment.
	closeDays(t, e, d(2024, 8, 1), d(2024, 8, 2))
	for _, id := range ids {
		st, err := e.State(ctx, id)
		require.NoError(t, err)
		l, err := e.Loan(ctx, id)
		require.NoError(t, err)
		assert.EqualValues(t, l.Version(), st.Version, "the close derived from the latest journal")
	}
}

func sortedKeys(m map[string]string) []string {
	k := make([]string, 0, len(m))
	for s := range m {
		k = append(k, s)
	}
	sort.Strings(k)
	return k
}

var _ = sortedKeys
