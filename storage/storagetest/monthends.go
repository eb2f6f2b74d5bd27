package storagetest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/storage"
)

// monthEndDays returns the days of the month ends stored in r.
func monthEndDays(t *testing.T, s storage.Store, r storage.DateRange) []string {
	t.Helper()
	var out []string
	for m, err := range s.MonthEnds().Scan(context.Background(), r) {
		require.NoError(t, err)
		out = append(out, m.Day.String())
	}
	return out
}

// testMonthEnds: a month end is stored once and comes back byte for byte;
// adding it again is a replay, another document for its day a conflict
// that leaves the first; Scan yields a range oldest first.
func testMonthEnds(t *testing.T, s storage.Store) {
	ctx := context.Background()
	_, err := s.MonthEnds().Get(ctx, day(2024, 1, 31))
	require.ErrorIs(t, err, storage.ErrNotFound)
	assert.Empty(t, monthEndDays(t, s, storage.DateRange{}))

	for _, d := range []int{3, 1, 2} { // out of order: Scan sorts
		end := day(2024, d+1, 1).Add(-1)
		require.NoError(t, s.MonthEnds().Add(ctx, storage.MonthEnd{Day: end, Document: doc(`{"month":%d}`, d)}))
	}
	jan := storage.MonthEnd{Day: day(2024, 1, 31), Document: doc(`{"month":1}`)}
	got, err := s.MonthEnds().Get(ctx, jan.Day)
	require.NoError(t, err)
	assert.Equal(t, jan, got)
	got.Document[0] = 'x' // a copy: changing it changes nothing stored
	again, err := s.MonthEnds().Get(ctx, jan.Day)
	require.NoError(t, err)
	assert.Equal(t, jan, again)

	require.NoError(t, s.MonthEnds().Add(ctx, jan), "the same month end again is a replay")
	err = s.MonthEnds().Add(ctx, storage.MonthEnd{Day: jan.Day, Document: doc(`{"month":99}`)})
	require.ErrorIs(t, err, storage.ErrConflict)
	again, err = s.MonthEnds().Get(ctx, jan.Day)
	require.NoError(t, err)
	assert.Equal(t, jan, again, "the first record of a month end stands")

	assert.Equal(t, []string{"2024-01-31", "2024-02-29", "2024-03-31"}, monthEndDays(t, s, storage.DateRange{}))
	assert.Equal(t, []string{"2024-02-29", "2024-03-31"}, monthEndDays(t, s, storage.DateRange{From: day(2024, 2, 1)}))
	assert.Equal(t, []string{"2024-01-31", "2024-02-29"}, monthEndDays(t, s, storage.DateRange{To: day(2024, 2, 29)}))
	assert.Equal(t, []string{"2024-02-29"}, monthEndDays(t, s, storage.DateRange{From: day(2024, 2, 29), To: day(2024, 3, 30)}))
	assert.Empty(t, monthEndDays(t, s, storage.DateRange{From: day(2024, 4, 1)}))

	// Inside a unit of work that fails, nothing is kept.
	boom := errors.New("boom")
	err = s.WithTx(ctx, func(tx storage.Tx) error {
		require.NoError(t, tx.MonthEnds().Add(ctx, storage.MonthEnd{Day: day(2024, 4, 30), Document: doc(`{}`)}))
		return boom
	})
	require.ErrorIs(t, err, boom)
	_, err = s.MonthEnds().Get(ctx, day(2024, 4, 30))
	require.ErrorIs(t, err, storage.ErrNotFound)
}

// testMonthEndsConcurrent: replicas recording one month end at once store
// one record; each either stores it or finds it (a replay or, for another
// document, a conflict).
func testMonthEndsConcurrent(t *testing.T, s storage.Store) {
	ctx := context.Background()
	end := day(2024, 5, 31)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.MonthEnds().Add(ctx, storage.MonthEnd{Day: end, Document: doc(`{"replica":%d}`, i%2)})
		}()
	}
	wg.Wait()
	stored, err := s.MonthEnds().Get(ctx, end)
	require.NoError(t, err)
	for i, err := range errs {
		if string(stored.Document) == string(doc(`{"replica":%d}`, i%2)) {
			assert.NoError(t, err, "writer %d wrote the stored document", i)
		} else {
			assert.ErrorIs(t, err, storage.ErrConflict, "writer %d", i)
		}
	}
	assert.Equal(t, []string{"2024-05-31"}, monthEndDays(t, s, storage.DateRange{From: end, To: end}))
}

// testMonthEndValidation: a bad month end is refused naming every bad
// field, and nothing is stored.
func testMonthEndValidation(t *testing.T, s storage.Store) {
	ctx := context.Background()
	for _, c := range []struct {
		m      storage.MonthEnd
		fields []string
	}{
		{storage.MonthEnd{}, []string{"day", "document"}},
		{storage.MonthEnd{Day: day(2024, 6, 15), Document: doc(`{}`)}, []string{"day"}},
		{storage.MonthEnd{Day: day(2024, 6, 30), Document: []byte(`{`)}, []string{"document"}},
	} {
		err := s.MonthEnds().Add(ctx, c.m)
		require.ErrorIs(t, err, storage.ErrInvalid)
		var f *fault.Fields
		require.ErrorAs(t, err, &f)
		var names []string
		for _, b := range f.List {
			names = append(names, b.Name)
		}
		assert.Equal(t, c.fields, names, "%+v", c.m)
	}
	_, err := s.MonthEnds().Get(ctx, day(2024, 6, 30))
	require.ErrorIs(t, err, storage.ErrNotFound)
}
