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

// testCollateralRoundTrip: items, covers and guarantors come back whole —
// their links to loans in the order saved, documents byte for byte — at
// version 1 after the first save and +1 per save; zero dates and no links
// clear what was stored; copies in and out do not alias what is stored.
func testCollateralRoundTrip(t *testing.T, s storage.Store) {
	ctx := context.Background()
	c := s.Collateral()
	l1, l2 := uuid.MustParse("ffffffff-0000-4000-8000-000000000000"), uuid.MustParse("00000000-ffff-4000-8000-000000000000")

	it := storage.Item{ID: uuid.New(), Status: "pledged", Loans: []uuid.UUID{l1, l2}, RevaluationDue: day(2024, 6, 30),
		DocumentOut: day(2024, 3, 2), Document: doc(`{"kind": "flat", "address": "上海市浦东新区", "valuations": []}`)}
	saved, err := c.SaveItem(ctx, it)
	require.NoError(t, err)
	wantItem := it
	wantItem.Version, wantItem.Loans, wantItem.Document = 1, slices.Clone(it.Loans), slices.Clone(it.Document)
	assert.Equal(t, wantItem, saved)
	it.Loans[0], it.Document[2] = uuid.New(), 'X'
	saved.Loans[1], saved.Document[3] = uuid.New(), 'X'
	gotItem, err := c.Item(ctx, it.ID)
	require.NoError(t, err)
	assert.Equal(t, wantItem, gotItem)
	gotItem.Loans[0] = uuid.New()
	next := wantItem
	next.Loans, next.RevaluationDue, next.DocumentOut, next.Status = nil, date.Date{}, date.Date{}, "released"
	saved, err = c.SaveItem(ctx, next)
	require.NoError(t, err)
	next.Version = 2
	gotItem, err = c.Item(ctx, it.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(2), saved.Version)
	assert.Empty(t, gotItem.Loans)
	gotItem.Loans = nil
	assert.Equal(t, next, gotItem)

	cv := storage.Cover{LoanID: uuid.New(), Call: "open", Document: doc(`{"calls": [{"opened": "2024-03-01"}]}`)}
	savedCover, err := c.SaveCover(ctx, cv)
	require.NoError(t, err)
	wantCover := cv
	wantCover.Version, wantCover.Document = 1, slices.Clone(cv.Document)
	assert.Equal(t, wantCover, savedCover)
	cv.Document[2] = 'X'
	gotCover, err := c.Cover(ctx, cv.LoanID)
	require.NoError(t, err)
	assert.Equal(t, wantCover, gotCover)
	gotCover.Document[3] = 'X'
	wantCover.Call, wantCover.Document = "", doc(`{"calls": [], "cured": 1}`)
	savedCover, err = c.SaveCover(ctx, wantCover)
	require.NoError(t, err)
	wantCover.Version = 2
	assert.Equal(t, wantCover, savedCover)
	gotCover, err = c.Cover(ctx, cv.LoanID)
	require.NoError(t, err)
	assert.Equal(t, wantCover, gotCover, "no live call")

	g := storage.Guarantor{ID: uuid.New(), Loans: []uuid.UUID{l2, l1}, PeriodEnd: day(2026, 3, 1),
		Document: doc(`{"name": "钱七", "assessments": []}`)}
	savedG, err := c.SaveGuarantor(ctx, g)
	require.NoError(t, err)
	wantG := g
	wantG.Version, wantG.Loans, wantG.Document = 1, slices.Clone(g.Loans), slices.Clone(g.Document)
	assert.Equal(t, wantG, savedG)
	g.Loans[0], g.Document[2] = uuid.New(), 'X'
	gotG, err := c.Guarantor(ctx, g.ID)
	require.NoError(t, err)
	assert.Equal(t, wantG, gotG)
	gotG.Loans[1] = uuid.New()
	gotG, err = c.Guarantor(ctx, g.ID)
	require.NoError(t, err)
	assert.Equal(t, wantG, gotG)
}

// testCollateralVersions: each part of the register conflicts on a stale
// version, and on version 0 for a record that exists, and writes nothing.
func testCollateralVersions(t *testing.T, s storage.Store) {
	ctx := context.Background()
	c := s.Collateral()
	it, err := c.SaveItem(ctx, storage.Item{ID: uuid.New(), Status: "proposed", Document: doc("1")})
	require.NoError(t, err)
	it, err = c.SaveItem(ctx, it)
	require.NoError(t, err)
	cv, err := c.SaveCover(ctx, storage.Cover{LoanID: uuid.New(), Document: doc("1")})
	require.NoError(t, err)
	cv, err = c.SaveCover(ctx, cv)
	require.NoError(t, err)
	g, err := c.SaveGuarantor(ctx, storage.Guarantor{ID: uuid.New(), Document: doc("1")})
	require.NoError(t, err)
	g, err = c.SaveGuarantor(ctx, g)
	require.NoError(t, err)
	for _, stale := range []int64{0, 1, 3} {
		x := it
		x.Version, x.Status = stale, "liquidated"
		_, err = c.SaveItem(ctx, x)
		assert.ErrorIs(t, err, storage.ErrConflict, "item at %d", stale)
		y := cv
		y.Version, y.Call = stale, "escalated"
		_, err = c.SaveCover(ctx, y)
		assert.ErrorIs(t, err, storage.ErrConflict, "cover at %d", stale)
		z := g
		z.Version, z.PeriodEnd = stale, day(2030, 1, 1)
		_, err = c.SaveGuarantor(ctx, z)
		assert.ErrorIs(t, err, storage.ErrConflict, "guarantor at %d", stale)
	}
	gotItem, err := c.Item(ctx, it.ID)
	require.NoError(t, err)
	assert.Equal(t, it, gotItem)
	gotCover, err := c.Cover(ctx, cv.LoanID)
	require.NoError(t, err)
	assert.Equal(t, cv, gotCover)
	gotG, err := c.Guarantor(ctx, g.ID)
	require.NoError(t, err)
	assert.Equal(t, g, gotG)
	assert.Equal(t, int64(2), gotG.Version)
}

// testCollateralValidation: bad records are refused naming every bad
// field, and nothing is written.
func testCollateralValidation(t *testing.T, s storage.Store) {
	ctx := context.Background()
	c := s.Collateral()
	l := uuid.New()
	_, err := c.SaveItem(ctx, storage.Item{Version: -1, Loans: []uuid.UUID{l, uuid.Nil, l}, RevaluationDue: day(10000, 1, 1),
		DocumentOut: day(0, 1, 1), Document: json.RawMessage(`[`)})
	assertInvalid(t, err, "id", "version", "status", "loans[1]", "loans[2]", "revaluation_due", "document_out", "document")
	_, err = c.SaveCover(ctx, storage.Cover{Version: -2, Call: "\xff"})
	assertInvalid(t, err, "loan_id", "version", "call", "document")
	id := uuid.New()
	_, err = c.SaveGuarantor(ctx, storage.Guarantor{ID: id, Loans: []uuid.UUID{l, l}, PeriodEnd: day(10000, 1, 1), Document: json.RawMessage(`{}x`)})
	assertInvalid(t, err, "loans[1]", "period_end", "document")
	_, err = c.Guarantor(ctx, id)
	require.ErrorIs(t, err, storage.ErrNotFound)
}

// testScanItems: Collateral.Items by loan, statuses, revaluation due and
// title documents out, alone and combined, in id order, every batch size;
// relinking an item moves it between its loans' lists.
func testScanItems(t *testing.T, s storage.Store) {
	ctx := context.Background()
	c := s.Collateral()
	loans := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
	statuses := []string{"proposed", "pledged", "released"}
	var items []storage.Item
	for i := range 30 {
		it := storage.Item{ID: uuid.New(), Status: statuses[i%3], Document: doc("%d", i)}
		// Items link to loans i%3 and, for every fourth, loan (i+1)%3.
		it.Loans = []uuid.UUID{loans[i%3]}
		if i%4 == 0 {
			it.Loans = append(it.Loans, loans[(i+1)%3])
		}
		if i%2 == 0 {
			it.RevaluationDue = day(2024, 4, 1+i%10)
		}
		if i%5 == 0 {
			it.DocumentOut = day(2024, 3, 1+i%3)
		}
		saved, err := c.SaveItem(ctx, it)
		require.NoError(t, err)
		items = append(items, saved)
	}
	links := func(i int, l int) bool { return i%3 == l || i%4 == 0 && (i+1)%3 == l }
	cases := []struct {
		name string
		f    storage.ItemFilter
		want func(i int) bool
	}{
		{"every item", storage.ItemFilter{}, func(int) bool { return true }},
		{"loan", storage.ItemFilter{LoanID: loans[1]}, func(i int) bool { return links(i, 1) }},
		{"statuses", storage.ItemFilter{Statuses: []string{"pledged", "released"}}, func(i int) bool { return i%3 != 0 }},
		{"revaluation due by", storage.ItemFilter{RevaluationDue: &storage.DateRange{To: day(2024, 4, 5)}},
			func(i int) bool { return i%2 == 0 && i%10 <= 4 }},
		{"documents out", storage.ItemFilter{DocumentOut: &storage.DateRange{}}, func(i int) bool { return i%5 == 0 }},
		{"combined", storage.ItemFilter{LoanID: loans[0], Statuses: []string{"proposed", "pledged"},
			RevaluationDue: &storage.DateRange{From: day(2024, 4, 3)}},
			func(i int) bool { return links(i, 0) && i%3 != 2 && i%2 == 0 && i%10 >= 2 }},
	}
	for _, tc := range cases {
		var want []storage.Item
		for i, it := range items {
			if tc.want(i) {
				want = append(want, it)
			}
		}
		slices.SortFunc(want, func(a, b storage.Item) int { return byteOrder(a.ID, b.ID) })
		assertScan(t, tc.name, want, func(it storage.Item) storage.Item { return it },
			func(batch int) iter.Seq2[storage.Item, error] {
				f := tc.f
				f.BatchSize = batch
				return c.Items(ctx, f)
			})
	}

	// Item 1 (of loan 1) is released from it and pledged to loan 2.
	moved := items[1]
	moved.Loans = []uuid.UUID{loans[2]}
	_, err := c.SaveItem(ctx, moved)
	require.NoError(t, err)
	ofLoan := func(l uuid.UUID) map[uuid.UUID]bool {
		has := map[uuid.UUID]bool{}
		for it, err := range c.Items(ctx, storage.ItemFilter{LoanID: l, BatchSize: 2}) {
			require.NoError(t, err)
			has[it.ID] = true
			it.Loans[0] = uuid.Nil // a scanned item is a copy
		}
		return has
	}
	assert.False(t, ofLoan(loans[1])[moved.ID])
	assert.True(t, ofLoan(loans[2])[moved.ID])
	got, err := c.Item(ctx, moved.ID)
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{loans[2]}, got.Loans)
}

// testScanCovers: Collateral.Covers by the status of the live margin call,
// in loan id order, every batch size.
func testScanCovers(t *testing.T, s storage.Store) {
	ctx := context.Background()
	c := s.Collateral()
	calls := []string{"", "open", "escalated"}
	var covers []storage.Cover
	for i := range 20 {
		cv, err := c.SaveCover(ctx, storage.Cover{LoanID: uuid.New(), Call: calls[i%3], Document: doc("%d", i)})
		require.NoError(t, err)
		covers = append(covers, cv)
	}
	cases := []struct {
		name string
		f    storage.CoverFilter
		want func(i int) bool
	}{
		{"every cover", storage.CoverFilter{}, func(int) bool { return true }},
		{"open", storage.CoverFilter{Calls: []string{"open"}}, func(i int) bool { return i%3 == 1 }},
		{"live", storage.CoverFilter{Calls: []string{"open", "escalated"}}, func(i int) bool { return i%3 != 0 }},
	}
	for _, tc := range cases {
		var want []storage.Cover
		for i, cv := range covers {
			if tc.want(i) {
				want = append(want, cv)
			}
		}
		slices.SortFunc(want, func(a, b storage.Cover) int { return byteOrder(a.LoanID, b.LoanID) })
		assertScan(t, tc.name, want, func(cv storage.Cover) storage.Cover { return cv },
			func(batch int) iter.Seq2[storage.Cover, error] {
				f := tc.f
				f.BatchSize = batch
				return c.Covers(ctx, f)
			})
	}
}

// testScanGuarantors: Collateral.Guarantors by loan and by the end of a
// guarantee period without a demand, in id order, every batch size.
func testScanGuarantors(t *testing.T, s storage.Store) {
	ctx := context.Background()
	c := s.Collateral()
	loans := []uuid.UUID{uuid.New(), uuid.New()}
	var gs []storage.Guarantor
	for i := range 20 {
		g := storage.Guarantor{ID: uuid.New(), Document: doc("%d", i)}
		if i%2 == 0 {
			g.Loans = append(g.Loans, loans[0])
		}
		if i%3 == 0 {
			g.Loans = append(g.Loans, loans[1])
		}
		if i%4 != 3 {
			g.PeriodEnd = day(2025, 1, 1+i%10)
		}
		saved, err := c.SaveGuarantor(ctx, g)
		require.NoError(t, err)
		if len(saved.Loans) == 0 {
			saved.Loans = nil
		}
		gs = append(gs, saved)
	}
	cases := []struct {
		name string
		f    storage.GuarantorFilter
		want func(i int) bool
	}{
		{"every guarantor", storage.GuarantorFilter{}, func(int) bool { return true }},
		{"loan", storage.GuarantorFilter{LoanID: loans[1]}, func(i int) bool { return i%3 == 0 }},
		{"period ending", storage.GuarantorFilter{PeriodEnd: &storage.DateRange{From: day(2025, 1, 3), To: day(2025, 1, 6)}},
			func(i int) bool { return i%4 != 3 && i%10 >= 2 && i%10 <= 5 }},
		{"combined", storage.GuarantorFilter{LoanID: loans[0], PeriodEnd: &storage.DateRange{}},
			func(i int) bool { return i%2 == 0 && i%4 != 3 }},
	}
	for _, tc := range cases {
		var want []storage.Guarantor
		for i, g := range gs {
			if tc.want(i) {
				want = append(want, g)
			}
		}
		slices.SortFunc(want, func(a, b storage.Guarantor) int { return byteOrder(a.ID, b.ID) })
		assertScan(t, tc.name, want, func(g storage.Guarantor) storage.Guarantor {
			if len(g.Loans) == 0 {
				g.Loans = nil
			}
			return g
		}, func(batch int) iter.Seq2[storage.Guarantor, error] {
			f := tc.f
			f.BatchSize = batch
			return c.Guarantors(ctx, f)
		})
	}
}
