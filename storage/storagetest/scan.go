package storagetest

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

var (
	scanStatuses = []string{"active", "accelerated", "written-off", "closed"}
	scanClasses  = []string{"normal", "special-mention", "substandard", "doubtful", "loss"}
)

// portfolio creates n loans whose index values follow i: status i%4, DPD
// i%100, classification i%5, next due 2024-03-01 + i%30 days except every
// seventh loan, which has nothing due. Loans with i%10 == 0 carry two
// journal entries.
func portfolio(t *testing.T, s storage.Store, n int) []storage.Loan {
	var ls []storage.Loan
	base := day(2024, 3, 1)
	for i := range n {
		l := newLoan()
		l.Status = scanStatuses[i%4]
		l.Index = storage.LoanIndex{DaysPastDue: i % 100, Classification: scanClasses[i%5], AsOf: day(2024, 2, 29)}
		if i%7 != 0 {
			l.Index.NextDue = base.Add(date.PeriodOfDays(i % 30))
		}
		if i%10 == 0 {
			l.Journal = []storage.Entry{
				repayment("a", day(2024, 1, 1), money.New(int64(i), money.CNY)),
				repayment("b", day(2024, 1, 2), money.New(1, money.CNY)),
			}
		}
		ls = append(ls, l)
	}
	for c := range slices.Chunk(ls, 100) {
		mustCreate(t, s, c...)
	}
	return ls
}

// testScanLoans: each filter returns every matching loan exactly once, in
// ascending id order, whatever the batch size. The expected sets are
// computed from the generating formulas in portfolio, not by the filter.
func testScanLoans(t *testing.T, s storage.Store) {
	const n = 257
	ls := portfolio(t, s, n)
	march := func(d int) date.Date { return day(2024, 3, d) }
	cases := []struct {
		name string
		f    storage.LoanFilter
		want func(i int) bool
	}{
		{"everything", storage.LoanFilter{}, func(int) bool { return true }},
		{"status active", storage.LoanFilter{Statuses: []string{"active"}}, func(i int) bool { return i%4 == 0 }},
		{"status accelerated or written-off", storage.LoanFilter{Statuses: []string{"accelerated", "written-off"}},
			func(i int) bool { return i%4 == 1 || i%4 == 2 }},
		// 2024-03-05..2024-03-10 is i%30 in 4..9, and only loans with a
		// next due date (i%7 != 0).
		{"next due range", storage.LoanFilter{NextDue: &storage.DateRange{From: march(5), To: march(10)}},
			func(i int) bool { return i%7 != 0 && i%30 >= 4 && i%30 <= 9 }},
		{"next due open start", storage.LoanFilter{NextDue: &storage.DateRange{To: march(1)}},
			func(i int) bool { return i%7 != 0 && i%30 == 0 }},
		{"next due any", storage.LoanFilter{NextDue: &storage.DateRange{}}, func(i int) bool { return i%7 != 0 }},
		{"dpd 31..90", storage.LoanFilter{DaysPastDue: &storage.IntRange{Min: 31, Max: 90}},
			func(i int) bool { return i%100 >= 31 && i%100 <= 90 }},
		{"dpd exactly 0", storage.LoanFilter{DaysPastDue: &storage.IntRange{}}, func(i int) bool { return i%100 == 0 }},
		{"classification NPL", storage.LoanFilter{Classifications: []string{"substandard", "doubtful", "loss"}},
			func(i int) bool { return i%5 >= 2 }},
		{"combined", storage.LoanFilter{Statuses: []string{"active"}, DaysPastDue: &storage.IntRange{Min: 1, Max: 99},
			Classifications: []string{"normal", "loss"}, NextDue: &storage.DateRange{From: march(1), To: march(20)}},
			func(i int) bool {
				return i%4 == 0 && i%100 >= 1 && (i%5 == 0 || i%5 == 4) && i%7 != 0 && i%30 <= 19
			}},
		{"nothing", storage.LoanFilter{Statuses: []string{"no-such-status"}}, func(int) bool { return false }},
	}
	for _, tc := range cases {
		var want []uuid.UUID
		for i, l := range ls {
			if tc.want(i) {
				want = append(want, l.ID)
			}
		}
		slices.SortFunc(want, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
		for _, batch := range []int{1, 7, 64, 0} {
			f := tc.f
			f.BatchSize = batch
			var got []uuid.UUID
			for l, err := range s.Loans().Scan(context.Background(), f) {
				require.NoError(t, err)
				got = append(got, l.ID)
			}
			assert.Equal(t, want, got, "%s, batch %d", tc.name, batch)
		}
	}

	// With Journal set, each loan comes with its journal.
	byID := map[uuid.UUID]int{}
	for i, l := range ls {
		byID[l.ID] = i
	}
	count := 0
	for l, err := range s.Loans().Scan(context.Background(), storage.LoanFilter{Journal: true, BatchSize: 9}) {
		require.NoError(t, err)
		i := byID[l.ID]
		if i%10 == 0 {
			require.Len(t, l.Journal, 2)
			assert.Equal(t, money.New(int64(i), money.CNY), l.Journal[0].Amount)
			assert.Equal(t, l.ID, l.Journal[1].LoanID)
		} else {
			assert.Empty(t, l.Journal)
		}
		assert.Equal(t, ls[i].Index, l.Index)
		count++
	}
	assert.Equal(t, n, count)
}

// testScanStops: breaking out of a scan stops it; a cancelled context ends
// it with the context's error; a scan inside a unit of work sees the
// unit's writes.
func testScanStops(t *testing.T, s storage.Store) {
	portfolio(t, s, 30)
	n := 0
	for _, err := range s.Loans().Scan(context.Background(), storage.LoanFilter{BatchSize: 4}) {
		require.NoError(t, err)
		n++
		if n == 6 {
			break
		}
	}
	assert.Equal(t, 6, n)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var errs int
	for _, err := range s.Loans().Scan(ctx, storage.LoanFilter{}) {
		assert.ErrorIs(t, err, context.Canceled)
		errs++
	}
	assert.Equal(t, 1, errs)

	extra := newLoan()
	extra.Status = "tx-only"
	require.NoError(t, s.WithTx(context.Background(), func(tx storage.Tx) error {
		if err := tx.Loans().Create(context.Background(), extra); err != nil {
			return err
		}
		found := 0
		for l, err := range tx.Loans().Scan(context.Background(), storage.LoanFilter{Statuses: []string{"tx-only"}}) {
			if err != nil {
				return err
			}
			// Writing while scanning inside the unit of work works too.
			if err := tx.Loans().UpdateIndex(context.Background(), storage.IndexUpdate{LoanID: l.ID,
				Index: storage.LoanIndex{DaysPastDue: 1}}); err != nil {
				return err
			}
			found++
		}
		assert.Equal(t, 1, found)
		return nil
	}))
	assert.Equal(t, 1, mustGet(t, s, extra.ID).Index.DaysPastDue)
}

func testScanApplications(t *testing.T, s storage.Store) {
	ctx := context.Background()
	var submitted []uuid.UUID
	for i := range 23 {
		a := newApplication(uuid.New())
		a.SubmittedOn = day(2024, 1, 1+i)
		if i%3 == 0 {
			a.Status = "approved"
		} else {
			submitted = append(submitted, a.ID)
		}
		require.NoError(t, s.Applications().Create(ctx, a))
	}
	slices.SortFunc(submitted, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	var got []uuid.UUID
	for a, err := range s.Applications().Scan(ctx, storage.ApplicationFilter{Statuses: []string{"submitted"}, BatchSize: 5}) {
		require.NoError(t, err)
		got = append(got, a.ID)
	}
	assert.Equal(t, submitted, got)

	// Submitted 2024-01-10..2024-01-12 is i in 9..11; i=9 is approved.
	n := 0
	for _, err := range s.Applications().Scan(ctx, storage.ApplicationFilter{
		Submitted: &storage.DateRange{From: day(2024, 1, 10), To: day(2024, 1, 12)}, BatchSize: 2}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 3, n)
}
