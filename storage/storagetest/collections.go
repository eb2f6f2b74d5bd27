package storagetest

import (
	"context"
	"encoding/json"
	"iter"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/storage"
)

// testCollectionRoundTrip: a loan's collection record is created at
// version 0, comes back whole, and each Save at the version read returns
// the next; a stale version, or 0 for a record that exists, conflicts and
// writes nothing; copies in and out do not alias what is stored.
func testCollectionRoundTrip(t *testing.T, s storage.Store) {
	ctx := context.Background()
	c := storage.Collection{LoanID: uuid.New(), Document: doc(`{"promises": [{"due": "2024-03-05", "amount": "CNY 500.00"}]}`),
		NextDeadline: day(2024, 3, 5), Unfed: day(2024, 2, 28)}
	saved, err := s.Collections().Save(ctx, c)
	require.NoError(t, err)
	want := c
	want.Version = 1
	want.Document = slices.Clone(c.Document)
	assert.Equal(t, want, saved)
	c.Document[2] = 'X'
	saved.Document[3] = 'X'
	got, err := s.Collections().Get(ctx, c.LoanID)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	got.Document[4] = 'X'

	_, err = s.Collections().Save(ctx, storage.Collection{LoanID: c.LoanID, Document: doc("2")})
	require.ErrorIs(t, err, storage.ErrConflict, "version 0, but the record exists")

	next := want
	next.Document, next.NextDeadline, next.Unfed = doc("3"), date.Date{}, date.Date{}
	saved, err = s.Collections().Save(ctx, next)
	require.NoError(t, err)
	assert.Equal(t, int64(2), saved.Version)
	next.Version = 2
	got, err = s.Collections().Get(ctx, c.LoanID)
	require.NoError(t, err)
	assert.Equal(t, next, got, "the zero dates clear the columns")

	for _, stale := range []int64{1, 3} {
		old := want
		old.Version, old.Document = stale, doc("4")
		_, err = s.Collections().Save(ctx, old)
		require.ErrorIs(t, err, storage.ErrConflict, "version %d", stale)
	}
	got, err = s.Collections().Get(ctx, c.LoanID)
	require.NoError(t, err)
	assert.Equal(t, next, got, "nothing written")
}

// testCollectionValidation: a bad record is refused naming every bad
// field, and nothing is written.
func testCollectionValidation(t *testing.T, s storage.Store) {
	ctx := context.Background()
	_, err := s.Collections().Save(ctx, storage.Collection{Version: -1, Document: json.RawMessage(`{`),
		NextDeadline: day(10000, 1, 1), Unfed: day(0, 6, 1)})
	assertInvalid(t, err, "loan_id", "version", "document", "next_deadline", "unfed")
	id := uuid.New()
	_, err = s.Collections().Save(ctx, storage.Collection{LoanID: id})
	assertInvalid(t, err, "document")
	_, err = s.Collections().Get(ctx, id)
	require.ErrorIs(t, err, storage.ErrNotFound)
}

// testScanCollections: what the daily close looks for — pending promises
// by deadline, broken promises waiting for the ladder — alone and
// combined, in loan id order, every batch size; records with the column
// unset are left out by a filter on it.
func testScanCollections(t *testing.T, s storage.Store) {
	ctx := context.Background()
	var cs []storage.Collection
	for i := range 30 {
		c := storage.Collection{LoanID: uuid.New(), Document: doc("%d", i)}
		if i%3 != 0 {
			c.NextDeadline = day(2024, 3, 1+i%10)
		}
		if i%4 == 0 {
			c.Unfed = day(2024, 2, 1+i%5)
		}
		saved, err := s.Collections().Save(ctx, c)
		require.NoError(t, err)
		cs = append(cs, saved)
	}
	cases := []struct {
		name string
		f    storage.CollectionFilter
		want func(i int) bool
	}{
		{"every record", storage.CollectionFilter{}, func(int) bool { return true }},
		{"a deadline", storage.CollectionFilter{NextDeadline: &storage.DateRange{}}, func(i int) bool { return i%3 != 0 }},
		// Deadlines due by 2024-03-04: i%10 ≤ 3.
		{"deadline by", storage.CollectionFilter{NextDeadline: &storage.DateRange{To: day(2024, 3, 4)}},
			func(i int) bool { return i%3 != 0 && i%10 <= 3 }},
		{"deadline in range", storage.CollectionFilter{NextDeadline: &storage.DateRange{From: day(2024, 3, 6), To: day(2024, 3, 8)}},
			func(i int) bool { return i%3 != 0 && i%10 >= 5 && i%10 <= 7 }},
		{"unfed", storage.CollectionFilter{Unfed: &storage.DateRange{}}, func(i int) bool { return i%4 == 0 }},
		{"unfed since", storage.CollectionFilter{Unfed: &storage.DateRange{From: day(2024, 2, 3)}},
			func(i int) bool { return i%4 == 0 && i%5 >= 2 }},
		{"both", storage.CollectionFilter{NextDeadline: &storage.DateRange{}, Unfed: &storage.DateRange{To: day(2024, 2, 4)}},
			func(i int) bool { return i%3 != 0 && i%4 == 0 && i%5 <= 3 }},
	}
	for _, tc := range cases {
		var want []storage.Collection
		for i, c := range cs {
			if tc.want(i) {
				want = append(want, c)
			}
		}
		slices.SortFunc(want, func(a, b storage.Collection) int { return byteOrder(a.LoanID, b.LoanID) })
		assertScan(t, tc.name, want, func(c storage.Collection) storage.Collection { return c },
			func(batch int) iter.Seq2[storage.Collection, error] {
				f := tc.f
				f.BatchSize = batch
				return s.Collections().Scan(ctx, f)
			})
	}
	for c, err := range s.Collections().Scan(ctx, storage.CollectionFilter{}) {
		require.NoError(t, err)
		c.Document[0] = 'X'
	}
	got, err := s.Collections().Get(ctx, cs[0].LoanID)
	require.NoError(t, err)
	assert.Equal(t, cs[0], got, "a scanned record is a copy")
}
