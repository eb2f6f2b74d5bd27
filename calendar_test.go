package lendcore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
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
			day := d(2024, 1, 15).Add(date.PeriodOfDays(rng.IntN(150)))
			opened := false
			for !day.After(end) {
				if !opened && day.After(d(2024, 3, 1)) {
					openSome(t, e, ids, func(i int) bool { return late[i] })
					opened = true
				}
				_, err := e.CloseOfDay(ctx, day)
				require.NoError(t, err)
				day = day.Add(date.PeriodOfDays(1 + rng.IntN(20)))
			}
			if !opened {
				openSome(t, e, ids, func(i int) bool { return late[i] })
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
