package storagetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/storage"
)

// testClosePlan: Plan creates a day's loan partitions and its portfolio
// part once, all at version 1 and unclaimed; planning the day again — with
// another number of partitions too — returns what is stored.
func testClosePlan(t *testing.T, s storage.Store) {
	ctx := context.Background()
	last, err := s.Closes().Last(ctx)
	require.NoError(t, err)
	assert.True(t, last.IsZero(), "no day closed yet")

	d := day(2024, 3, 5)
	ps, err := s.Closes().Plan(ctx, d, 3)
	require.NoError(t, err)
	require.Len(t, ps, 4, "three loan partitions and the portfolio part")
	for i, p := range ps {
		assert.Equal(t, storage.ClosePart{Day: d, Part: i, Parts: 3, Version: 1}, p)
	}

	claimed := ps[1]
	claimed.Owner = "replica-a"
	claimed, err = s.Closes().Save(ctx, claimed)
	require.NoError(t, err)
	again, err := s.Closes().Plan(ctx, d, 8)
	require.NoError(t, err)
	require.Len(t, again, 4, "the day keeps the number it was planned with")
	assert.Equal(t, claimed, again[1])
	assert.Equal(t, ps[2], again[2])

	other, err := s.Closes().Plan(ctx, d.Add(1), 1)
	require.NoError(t, err)
	require.Len(t, other, 2)
	assert.Equal(t, storage.ClosePart{Day: d.Add(1), Part: 1, Parts: 1, Version: 1}, other[1])
}

// testCloseSave: a partition is claimed, renewed and done by saves at the
// version read; a stale version conflicts; the lease comes back in UTC to
// the microsecond; a partition done stays done; a partition never planned
// is not found.
func testCloseSave(t *testing.T, s storage.Store) {
	ctx := context.Background()
	d := day(2024, 3, 5)
	ps, err := s.Closes().Plan(ctx, d, 2)
	require.NoError(t, err)

	claim := ps[0]
	claim.Owner = "replica-a"
	claim.LeaseUntil = time.Date(2024, 3, 6, 2, 0, 30, 123456789, shanghai) // 18:00:30.123456 UTC the day before
	saved, err := s.Closes().Save(ctx, claim)
	require.NoError(t, err)
	want := storage.ClosePart{Day: d, Part: 0, Parts: 2, Version: 2, Owner: "replica-a",
		LeaseUntil: time.Date(2024, 3, 5, 18, 0, 30, 123456000, time.UTC)}
	assert.Equal(t, want, saved)

	// A second replica read version 1 too: it loses.
	rival := ps[0]
	rival.Owner = "replica-b"
	_, err = s.Closes().Save(ctx, rival)
	require.ErrorIs(t, err, storage.ErrConflict)
	plan, err := s.Closes().Plan(ctx, d, 2)
	require.NoError(t, err)
	assert.Equal(t, want, plan[0])

	// Done, with its report.
	done := saved
	done.Done, done.Report = true, json.RawMessage(`{ "loans": 1000, "interest": "CNY 1234.56" }`)
	report := string(done.Report)
	saved, err = s.Closes().Save(ctx, done)
	require.NoError(t, err)
	assert.Equal(t, int64(3), saved.Version)
	done.Report[2] = 'X'
	saved.Report[3] = 'X'
	plan, err = s.Closes().Plan(ctx, d, 2)
	require.NoError(t, err)
	assert.True(t, plan[0].Done)
	assert.Equal(t, report, string(plan[0].Report))
	assert.Equal(t, "replica-a", plan[0].Owner)

	undone := plan[0]
	undone.Done = false
	_, err = s.Closes().Save(ctx, undone)
	assertInvalid(t, err, "done")
	wrongParts := plan[1]
	wrongParts.Parts = 3
	_, err = s.Closes().Save(ctx, wrongParts)
	assertInvalid(t, err, "parts")
	plan2, err := s.Closes().Plan(ctx, d, 2)
	require.NoError(t, err)
	assert.Equal(t, plan, plan2, "nothing written")

	_, err = s.Closes().Save(ctx, storage.ClosePart{Day: d, Part: 5, Parts: 8, Version: 1})
	require.ErrorIs(t, err, storage.ErrNotFound, "part 5 of a day planned with 2")
	_, err = s.Closes().Save(ctx, storage.ClosePart{Day: d.Add(1), Part: 0, Parts: 2, Version: 1})
	require.ErrorIs(t, err, storage.ErrNotFound, "a day not planned")

	// A lease given back: the owner and the lease are cleared.
	free := plan[1]
	free.Owner, free.LeaseUntil = "replica-b", time.Date(2024, 3, 5, 18, 0, 0, 0, time.UTC)
	free, err = s.Closes().Save(ctx, free)
	require.NoError(t, err)
	free.Owner, free.LeaseUntil = "", time.Time{}
	free, err = s.Closes().Save(ctx, free)
	require.NoError(t, err)
	plan, err = s.Closes().Plan(ctx, d, 2)
	require.NoError(t, err)
	assert.Equal(t, free, plan[1])
	assert.True(t, plan[1].LeaseUntil.IsZero())
	assert.Equal(t, int64(3), plan[1].Version)
}

// testCloseFinish: the days closed follow one another: the first may be
// any day, each next one only the day after the last, each once.
func testCloseFinish(t *testing.T, s storage.Store) {
	ctx := context.Background()
	d := day(2024, 3, 5)
	require.NoError(t, s.Closes().Finish(ctx, d))
	last, err := s.Closes().Last(ctx)
	require.NoError(t, err)
	assert.Equal(t, d, last)
	for _, bad := range []int{0, -1, 2, 30} {
		assert.ErrorIs(t, s.Closes().Finish(ctx, d.Add(date.PeriodOfDays(bad))), storage.ErrConflict, "day %+d", bad)
	}
	require.NoError(t, s.Closes().Finish(ctx, d.Add(1)))
	last, err = s.Closes().Last(ctx)
	require.NoError(t, err)
	assert.Equal(t, d.Add(1), last)
}

// testCloseValidation: bad plans, partitions and days are refused naming
// every bad field, and nothing is written.
func testCloseValidation(t *testing.T, s storage.Store) {
	ctx := context.Background()
	_, err := s.Closes().Plan(ctx, day(0, 1, 1), 0)
	assertInvalid(t, err, "day", "parts")
	_, err = s.Closes().Plan(ctx, day(2024, 3, 5), 1<<20)
	assertInvalid(t, err, "parts")
	_, err = s.Closes().Save(ctx, storage.ClosePart{Part: -1, Owner: "\xff", Report: json.RawMessage(`{`),
		LeaseUntil: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)})
	assertInvalid(t, err, "day", "parts", "part", "version", "owner", "lease_until", "report")
	assertInvalid(t, s.Closes().Finish(ctx, day(10000, 1, 1)), "day")
	last, err := s.Closes().Last(ctx)
	require.NoError(t, err)
	assert.True(t, last.IsZero())
	ps, err := s.Closes().Plan(ctx, day(2024, 3, 5), 2)
	require.NoError(t, err)
	assert.Len(t, ps, 3, "the refused plan created nothing")
}
