package lendcore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage"
)

// everything is what the close leaves in a store: each loan's index and
// derived state, and every outbox message the close writes, by key
// (pending or history: a message of a day derived after the fact is
// recorded as delivered, and that is the only difference it may show).
// Postings are left out: they are a command's, dated by the business day
// the command was posted on (a payment posted after the close has passed
// its value date is booked on the last closed day), not the close's.
func everything(t *testing.T, s storage.Store) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	for rec, err := range s.Loans().Scan(ctx, storage.LoanFilter{}) {
		require.NoError(t, err)
		x := rec.Index
		out["loan/"+rec.ID.String()] = fmt.Sprintf("%s %s %s %d %s %s %s %s %v %s", rec.Status, x.AsOf, x.NextDue,
			x.DaysPastDue, x.Classification, x.Bucket, x.Collection, x.InspectionDue, x.Final, x.State)
	}
	for m, err := range s.Outbox().Scan(ctx, storage.MessageFilter{}) {
		require.NoError(t, err)
		if m.Topic == lendcore.TopicPosting {
			continue
		}
		out["msg/"+m.Key] = fmt.Sprintf("%s %s %s %s", m.Topic, m.LoanID, m.Day, m.Payload)
	}
	return out
}

// TestStateIndependentOfClosingCalendar: whatever days a host closes —
// the first close months after the loans began, loans disbursed after the
// close has passed their start — each loan's state, and every message the
// close writes, is what daily closes from the start give.
func TestStateIndependentOfClosingCalendar(t *testing.T) {
	ctx := context.Background()
	end := d(2024, 9, 30)
	// Retention off: the messages of days derived after the fact are
	// history, delivered, and a retention would purge the older ones.
	keepAll := func(t *testing.T) *lendcore.Engine {
		e, err := lendcore.New(memoryStores(t, 1)[0], lendcore.WithPolicies(testPolicies()), lendcore.WithClock(fixedClock),
			lendcore.WithOutboxRetention(0))
		require.NoError(t, err)
		return e
	}
	daily := keepAll(t)
	ids := fixture(t, daily, 12)
	// And two good borrowers who pay every installment: their state stays
	// put day after day, the case where a close writes no new document.
	good := []uuid.UUID{uuid.NewSHA1(uuid.NameSpaceOID, []byte("good-0")), uuid.NewSHA1(uuid.NameSpaceOID, []byte("good-1"))}
	for _, id := range good {
		openGoodLoan(t, daily, id)
	}
	closeDays(t, daily, d(2024, 1, 15), end)
	want := everything(t, daily.Store())

	for seed := uint64(1); seed <= 6; seed++ {
		t.Run(fmt.Sprint("seed-", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 3))
			e := keepAll(t)
			// Some loans are opened before the first close, the others
			// only after the close has passed their start (a backdated
			// disbursement, an import): each catches up on its own.
			late := map[int]bool{}
			for i := range ids {
				late[i] = rng.IntN(3) == 0
			}
			openSome(t, e, ids, func(i int) bool { return !late[i] })
			openGoodLoan(t, e, good[0])
			day := d(2024, 1, 15).Add(date.PeriodOfDays(rng.IntN(150)))
			opened := false
			for !day.After(end) {
				if !opened && day.After(d(2024, 3, 1)) {
					openSome(t, e, ids, func(i int) bool { return late[i] })
					openGoodLoan(t, e, good[1])
					opened = true
				}
				_, err := e.CloseOfDay(ctx, day)
				require.NoError(t, err)
				day = day.Add(date.PeriodOfDays(1 + rng.IntN(20)))
			}
			if !opened {
				openSome(t, e, ids, func(i int) bool { return late[i] })
				openGoodLoan(t, e, good[1])
			}
			_, err := e.CloseOfDay(ctx, end)
			require.NoError(t, err)
			samePicture(t, want, everything(t, e.Store()), fmt.Sprintf("closing calendar of seed %d", seed))
		})
	}
}

// openSome opens the fixture's loans for which pick is true, with their
// borrowers' payments, through e (as fixture does).
func openSome(t *testing.T, e *lendcore.Engine, ids []uuid.UUID, pick func(int) bool) {
	t.Helper()
	for i, id := range ids {
		if pick(i) {
			openFixtureLoan(t, e, id, i)
		}
	}
}

// openGoodLoan opens a loan whose borrower pays all twelve installments on
// their due dates.
func openGoodLoan(t *testing.T, e *lendcore.Engine, id uuid.UUID) {
	t.Helper()
	openLoan(t, e, id)
	for k := 1; k <= 12; k++ {
		_, err := e.Post(context.Background(), id, loan.Entry{Kind: loan.Repayment, ValueDate: d(2024, 1, 15).AddDate(0, k, 0),
			Actor: "borrower", IdempotencyKey: fmt.Sprint("pay-", k), Amount: cny("888.49")})
		require.NoError(t, err)
	}
}

// TestFirstCloseCatchesUp: a loan first closed months after it began has,
// right after that close, the state daily closes give it — a good loan
// stays normal and current (not a state with nothing derived), and one
// that stopped paying is as far up the collection ladder, and has been
// there since the same day, as if every day had been closed.
func TestFirstCloseCatchesUp(t *testing.T) {
	ctx := context.Background()
	first := d(2024, 5, 20) // day 126 of the loans
	daily, late := newEngine(t), newEngine(t)
	good, bad := uuid.New(), uuid.New()
	for _, e := range []*lendcore.Engine{daily, late} {
		openGoodLoan(t, e, good)
		openLoan(t, e, bad) // pays nothing
	}
	closeDays(t, daily, d(2024, 1, 15), first)
	_, err := late.CloseOfDay(ctx, first)
	require.NoError(t, err)
	for _, id := range []uuid.UUID{good, bad} {
		want, err := daily.State(ctx, id)
		require.NoError(t, err)
		got, err := late.State(ctx, id)
		require.NoError(t, err)
		// Posted is the day the close last brought the postings to: daily
		// closes only on days they change, the catch-up on its own day;
		// the ledgers are the same (TestTrialBalanceFromOutbox).
		want.Posted, got.Posted = date.Date{}, date.Date{}
		assert.Equal(t, want, got)
	}
	st, err := late.State(ctx, good)
	require.NoError(t, err)
	assert.Equal(t, "M0", st.Bucket)
	assert.Equal(t, loan.Active, st.Status)
	st, err = late.State(ctx, bad)
	require.NoError(t, err)
	assert.Equal(t, 95, st.DPD, "due 2024-02-15, unpaid: the 16th is day 1 (14 in February, 31 in March, 30 in April, 20 in May)")
	assert.NotEqual(t, first, st.CollectionSince, "in its stage since a day before the first close")
}
