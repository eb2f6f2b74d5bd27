package storagetest

import (
	"bytes"
	"context"
	"fmt"
	"iter"
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
	scanStatuses    = []string{"active", "accelerated", "written-off", "closed"}
	scanClasses     = []string{"normal", "special-mention", "substandard", "doubtful", "loss"}
	scanBuckets     = []string{"M0", "M1", "M2", "M3", "M4", "M5", "M6+"}
	scanCollections = []string{"", "pre-due", "m1", "m2", "m3", "legal"}
	// scanBorrowers are the three borrowers of a portfolio's loans.
	scanBorrowers = []uuid.UUID{uuid.MustParse("00000000-0000-4000-8000-000000000001"),
		uuid.MustParse("00000000-0000-4000-8000-000000000002"), uuid.MustParse("00000000-0000-4000-8000-000000000003")}
)

// portfolio creates n loans whose header and index follow i: status i%4,
// borrower i%3, DPD i%100, classification i%5, bucket i%7, collection
// stage i%6 (the first is none yet), next due 2024-03-01 + i%30 days except
// every seventh loan, which has nothing due, an inspection due since
// 2024-02-01 + i%20 days for every third loan, Final for every eighth.
// Loans with i%10 == 0 carry two journal entries.
func portfolio(t *testing.T, s storage.Store, n int) []storage.Loan {
	var ls []storage.Loan
	base := day(2024, 3, 1)
	for i := range n {
		l := newLoan()
		l.Status = scanStatuses[i%4]
		l.Borrower = scanBorrowers[i%3]
		l.Index = storage.LoanIndex{DaysPastDue: i % 100, Classification: scanClasses[i%5], AsOf: day(2024, 2, 29),
			Bucket: scanBuckets[i%7], Collection: scanCollections[i%6], Final: i%8 == 0}
		if i%7 != 0 {
			l.Index.NextDue = base.Add(date.PeriodOfDays(i % 30))
		}
		if i%3 == 0 {
			l.Index.InspectionDue = day(2024, 2, 1).Add(date.PeriodOfDays(i % 20))
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
	cases := []loanCase{
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
	runLoanCases(t, s, ls, cases)

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

type loanCase struct {
	name string
	f    storage.LoanFilter
	want func(i int) bool
}

// runLoanCases checks that each case's filter yields exactly the loans of
// ls its want selects, in id order, for every batch size.
func runLoanCases(t *testing.T, s storage.Store, ls []storage.Loan, cases []loanCase) {
	t.Helper()
	for _, tc := range cases {
		var want []uuid.UUID
		for i, l := range ls {
			if tc.want(i) {
				want = append(want, l.ID)
			}
		}
		slices.SortFunc(want, byteOrder)
		assertScan(t, tc.name, want, func(l storage.Loan) uuid.UUID { return l.ID },
			func(batch int) iter.Seq2[storage.Loan, error] {
				f := tc.f
				f.BatchSize = batch
				return s.Loans().Scan(context.Background(), f)
			})
	}
}

// testScanLoanIndex: the filters on the borrower, an id range (a partition
// of the daily close) and the back office's index columns, alone and
// combined; days past due with an open top.
func testScanLoanIndex(t *testing.T, s storage.Store) {
	const n = 120
	ls := portfolio(t, s, n)
	feb := func(d int) date.Date { return day(2024, 2, d) }
	in := func(id uuid.UUID, r storage.IDRange) bool {
		return bytes.Compare(id[:], r.From[:]) >= 0 && (r.To == uuid.Nil || bytes.Compare(id[:], r.To[:]) < 0)
	}
	cases := []loanCase{
		{"borrower", storage.LoanFilter{Borrower: scanBorrowers[1]}, func(i int) bool { return i%3 == 1 }},
		{"borrower unknown", storage.LoanFilter{Borrower: uuid.New()}, func(int) bool { return false }},
		{"buckets M1 and M6+", storage.LoanFilter{Buckets: []string{"M1", "M6+"}}, func(i int) bool { return i%7 == 1 || i%7 == 6 }},
		{"collections m2, legal", storage.LoanFilter{Collections: []string{"m2", "legal"}}, func(i int) bool { return i%6 == 3 || i%6 == 5 }},
		{"inspection due any", storage.LoanFilter{InspectionDue: &storage.DateRange{}}, func(i int) bool { return i%3 == 0 }},
		// 2024-02-05..2024-02-09 is i%20 in 4..8.
		{"inspection due range", storage.LoanFilter{InspectionDue: &storage.DateRange{From: feb(5), To: feb(9)}},
			func(i int) bool { return i%3 == 0 && i%20 >= 4 && i%20 <= 8 }},
		{"inspection due by", storage.LoanFilter{InspectionDue: &storage.DateRange{To: feb(2)}},
			func(i int) bool { return i%3 == 0 && i%20 <= 1 }},
		{"unfinished", storage.LoanFilter{Unfinished: true}, func(i int) bool { return i%8 != 0 }},
		{"dpd 90 or more", storage.LoanFilter{DaysPastDue: &storage.IntRange{Min: 90}}, func(i int) bool { return i%100 >= 90 }},
		{"dpd at least 1", storage.LoanFilter{DaysPastDue: ptr(storage.AtLeast(1))}, func(i int) bool { return i%100 >= 1 }},
		{"combined", storage.LoanFilter{Borrower: scanBorrowers[0], Buckets: []string{"M0", "M2"}, Unfinished: true,
			Collections: []string{"pre-due", "m1", "m2", "m3"}},
			func(i int) bool { return i%3 == 0 && (i%7 == 0 || i%7 == 2) && i%8 != 0 && i%6 >= 1 && i%6 <= 4 }},
	}
	for k := range 3 {
		r := storage.Partition(k, 3)
		cases = append(cases,
			loanCase{fmt.Sprintf("partition %d of 3", k), storage.LoanFilter{IDs: &r}, func(i int) bool { return in(ls[i].ID, r) }},
			loanCase{fmt.Sprintf("partition %d of 3, unfinished, M0", k), storage.LoanFilter{IDs: &r, Unfinished: true, Buckets: []string{"M0"}},
				func(i int) bool { return in(ls[i].ID, r) && i%8 != 0 && i%7 == 0 }})
	}
	// The partitions split the portfolio: each loan is in exactly one.
	seen := map[uuid.UUID]int{}
	for k := range 3 {
		r := storage.Partition(k, 3)
		for l, err := range s.Loans().Scan(context.Background(), storage.LoanFilter{IDs: &r, BatchSize: 7}) {
			require.NoError(t, err)
			seen[l.ID]++
		}
	}
	assert.Len(t, seen, n)
	for id, c := range seen {
		assert.Equal(t, 1, c, "loan %s", id)
	}
	runLoanCases(t, s, ls, cases)

	// What a scan yields is the whole loan: header and index.
	byID := map[uuid.UUID]storage.Loan{}
	for _, l := range ls {
		byID[l.ID] = l
	}
	for l, err := range s.Loans().Scan(context.Background(), storage.LoanFilter{BatchSize: 5}) {
		require.NoError(t, err)
		want := byID[l.ID]
		want.Version, want.Journal = 1, nil
		assert.Equal(t, want, l)
	}
}

func ptr[T any](v T) *T { return &v }

// testScanDuringWrites: loans created and updated while a scan runs
// between its batches are seen at most once, and the scan stays in id
// order; every loan stored before it began and not changed is seen.
func testScanDuringWrites(t *testing.T, s storage.Store) {
	ctx := context.Background()
	ls := portfolio(t, s, 40)
	var got []uuid.UUID
	i := 0
	for l, err := range s.Loans().Scan(ctx, storage.LoanFilter{BatchSize: 3}) {
		require.NoError(t, err)
		got = append(got, l.ID)
		// Between batches: a new loan (before or after the cursor), and an
		// index update of a loan already seen and of one not seen yet.
		extra := newLoan()
		require.NoError(t, s.Loans().Create(ctx, extra))
		other := ls[i%len(ls)]
		require.NoError(t, s.Loans().UpdateIndex(ctx, storage.IndexUpdate{LoanID: other.ID,
			PrevAsOf: mustGet(t, s, other.ID).Index.AsOf, Index: storage.LoanIndex{AsOf: day(2024, 3, i+1)}}))
		i++
		if i > 1000 {
			break
		}
	}
	require.LessOrEqual(t, i, 1000, "the scan ends")
	assert.True(t, slices.IsSortedFunc(got, byteOrder), "in id order")
	seen := map[uuid.UUID]bool{}
	for _, id := range got {
		assert.False(t, seen[id], "loan %s seen twice", id)
		seen[id] = true
	}
	for _, l := range ls {
		assert.True(t, seen[l.ID], "loan %s stored before the scan", l.ID)
	}
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

// testScanApplications: Applications.Scan by status and submission day,
// alone and combined, in id order, every batch size.
func testScanApplications(t *testing.T, s storage.Store) {
	ctx := context.Background()
	var apps []storage.Application
	for i := range 23 {
		a := newApplication(uuid.New())
		a.SubmittedOn = day(2024, 1, 1+i)
		if i%3 == 0 {
			a.Status = "approved"
		}
		require.NoError(t, s.Applications().Create(ctx, a))
		a.Version = 1
		apps = append(apps, a)
	}
	cases := []struct {
		name string
		f    storage.ApplicationFilter
		want func(i int) bool
	}{
		{"every application", storage.ApplicationFilter{}, func(int) bool { return true }},
		{"submitted", storage.ApplicationFilter{Statuses: []string{"submitted"}}, func(i int) bool { return i%3 != 0 }},
		{"either", storage.ApplicationFilter{Statuses: []string{"submitted", "approved"}}, func(int) bool { return true }},
		// Submitted 2024-01-10..2024-01-12 is i in 9..11.
		{"days", storage.ApplicationFilter{Submitted: &storage.DateRange{From: day(2024, 1, 10), To: day(2024, 1, 12)}},
			func(i int) bool { return i >= 9 && i <= 11 }},
		{"combined", storage.ApplicationFilter{Statuses: []string{"approved"}, Submitted: &storage.DateRange{From: day(2024, 1, 10)}},
			func(i int) bool { return i%3 == 0 && i >= 9 }},
	}
	for _, tc := range cases {
		var want []storage.Application
		for i, a := range apps {
			if tc.want(i) {
				want = append(want, a)
			}
		}
		slices.SortFunc(want, func(a, b storage.Application) int { return byteOrder(a.ID, b.ID) })
		assertScan(t, tc.name, want, func(a storage.Application) storage.Application { return a },
			func(batch int) iter.Seq2[storage.Application, error] {
				f := tc.f
				f.BatchSize = batch
				return s.Applications().Scan(ctx, f)
			})
	}
	for a, err := range s.Applications().Scan(ctx, storage.ApplicationFilter{}) {
		require.NoError(t, err)
		a.Document[0] = 'X'
	}
	got, err := s.Applications().Get(ctx, apps[0].ID)
	require.NoError(t, err)
	assert.Equal(t, apps[0], got, "a scanned application is a copy")
}
