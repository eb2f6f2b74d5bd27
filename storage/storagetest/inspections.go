package storagetest

import (
	"cmp"
	"context"
	"encoding/json"
	"iter"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/storage"
)

func newInspection(loan uuid.UUID, d int) storage.Inspection {
	return storage.Inspection{ID: uuid.New(), LoanID: loan, Date: day(2024, 3, d), Status: "recorded",
		Document: doc(`{"inspector": "王五", "kind": "on-site", "findings": "正常经营"}`)}
}

// testInspectionRoundTrip: an inspection comes back whole; a new one never
// replaces an earlier one of the same loan; saving a new inspection again
// with the same content is a replay, with other content ErrDuplicate.
func testInspectionRoundTrip(t *testing.T, s storage.Store) {
	ctx := context.Background()
	loan := uuid.New()
	i := newInspection(loan, 5)
	saved, err := s.Inspections().Save(ctx, i)
	require.NoError(t, err)
	want := i
	want.Version = 1
	want.Document = slices.Clone(i.Document)
	assert.Equal(t, want, saved)
	i.Document[2] = 'X'
	saved.Document[3] = 'X'
	got, err := s.Inspections().Get(ctx, i.ID)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	got.Document[4] = 'X'

	second := newInspection(loan, 5)
	_, err = s.Inspections().Save(ctx, second)
	require.NoError(t, err)
	got, err = s.Inspections().Get(ctx, i.ID)
	require.NoError(t, err)
	assert.Equal(t, want, got, "kept beside the second")

	// A retry of the first save (its answer lost) returns what is stored.
	retry := want
	retry.Version = 0
	retry.Document = json.RawMessage(" " + string(want.Document))
	again, err := s.Inspections().Save(ctx, retry)
	require.NoError(t, err)
	assert.Equal(t, want, again)
	for name, change := range map[string]func(*storage.Inspection){
		"other loan":     func(x *storage.Inspection) { x.LoanID = uuid.New() },
		"other day":      func(x *storage.Inspection) { x.Date = day(2024, 3, 6) },
		"other status":   func(x *storage.Inspection) { x.Status = "signed-off" },
		"other document": func(x *storage.Inspection) { x.Document = json.RawMessage(`{}`) },
	} {
		x := retry
		change(&x)
		_, err = s.Inspections().Save(ctx, x)
		assert.ErrorIs(t, err, storage.ErrDuplicate, name)
	}
	got, err = s.Inspections().Get(ctx, i.ID)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

// testInspectionVersions: a sign-off saves the inspection at the version
// read; a stale version conflicts; the loan and the day of a stored
// inspection cannot change; nothing is written by a refused save.
func testInspectionVersions(t *testing.T, s storage.Store) {
	ctx := context.Background()
	i, err := s.Inspections().Save(ctx, newInspection(uuid.New(), 5))
	require.NoError(t, err)
	signed := i
	signed.Status, signed.Document = "signed-off", doc(`{"signed_by": "赵六"}`)
	out, err := s.Inspections().Save(ctx, signed)
	require.NoError(t, err)
	signed.Version = 2
	assert.Equal(t, signed, out)

	for _, stale := range []int64{1, 3} {
		x := signed
		x.Version, x.Status = stale, "reopened"
		_, err = s.Inspections().Save(ctx, x)
		require.ErrorIs(t, err, storage.ErrConflict, "version %d", stale)
	}
	x := signed
	x.LoanID, x.Date = uuid.New(), day(2024, 3, 9)
	_, err = s.Inspections().Save(ctx, x)
	assertInvalid(t, err, "loan_id", "date")
	x.Version = 1 // a stale writer who also moves the day: the change is refused first
	x.LoanID = signed.LoanID
	_, err = s.Inspections().Save(ctx, x)
	assertInvalid(t, err, "date")
	got, err := s.Inspections().Get(ctx, i.ID)
	require.NoError(t, err)
	assert.Equal(t, signed, got)
}

// testInspectionLast: a loan's latest inspection is the one of the latest
// day, the greatest id among those of one day, whatever the order they
// were saved in.
func testInspectionLast(t *testing.T, s storage.Store) {
	ctx := context.Background()
	loan := uuid.New()
	lo := newInspection(loan, 20)
	lo.ID = uuid.MustParse("10000000-0000-4000-8000-000000000000")
	hi := newInspection(loan, 20)
	hi.ID = uuid.MustParse("f0000000-0000-4000-8000-000000000000")
	for _, x := range []storage.Inspection{newInspection(loan, 3), hi, newInspection(loan, 19), lo} {
		_, err := s.Inspections().Save(ctx, x)
		require.NoError(t, err)
	}
	_, err := s.Inspections().Save(ctx, newInspection(uuid.New(), 28)) // another loan's, later
	require.NoError(t, err)
	last, err := s.Inspections().Last(ctx, loan)
	require.NoError(t, err)
	assert.Equal(t, hi.ID, last.ID)
	assert.Equal(t, int64(1), last.Version)

	// A later inspection becomes the last; a sign-off of an earlier one
	// does not change which is.
	later := newInspection(loan, 21)
	_, err = s.Inspections().Save(ctx, later)
	require.NoError(t, err)
	first, err := s.Inspections().Get(ctx, lo.ID)
	require.NoError(t, err)
	first.Status = "signed-off"
	_, err = s.Inspections().Save(ctx, first)
	require.NoError(t, err)
	last, err = s.Inspections().Last(ctx, loan)
	require.NoError(t, err)
	assert.Equal(t, later.ID, last.ID)
}

// testInspectionValidation: a bad inspection is refused naming every bad
// field, and nothing is written.
func testInspectionValidation(t *testing.T, s storage.Store) {
	ctx := context.Background()
	_, err := s.Inspections().Save(ctx, storage.Inspection{Version: -1, Date: day(10000, 1, 1), Document: json.RawMessage(`{`)})
	assertInvalid(t, err, "id", "loan_id", "version", "date", "status", "document")
	x := newInspection(uuid.New(), 1)
	x.Status = "a\x00"
	_, err = s.Inspections().Save(ctx, x)
	assertInvalid(t, err, "status")
	_, err = s.Inspections().Get(ctx, x.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
	_, err = s.Inspections().Last(ctx, x.LoanID)
	require.ErrorIs(t, err, storage.ErrNotFound)
}

// testScanInspections: Inspections.Scan by loan, dates and statuses, alone
// and combined, ordered by loan id, date and id, every batch size.
func testScanInspections(t *testing.T, s storage.Store) {
	ctx := context.Background()
	loans := []uuid.UUID{uuid.New(), uuid.New(), uuid.New(), uuid.New()}
	type row struct {
		x storage.Inspection
		i int
	}
	var rows []row
	for i := range 40 {
		// Days repeat within a loan, so the id orders some of them.
		x := newInspection(loans[i%4], 1+(i*7)%5)
		saved, err := s.Inspections().Save(ctx, x)
		require.NoError(t, err)
		if i%3 == 0 {
			saved.Status = "signed-off"
			saved, err = s.Inspections().Save(ctx, saved)
			require.NoError(t, err)
		}
		rows = append(rows, row{saved, i})
	}
	slices.SortFunc(rows, func(a, b row) int {
		return cmp.Or(byteOrder(a.x.LoanID, b.x.LoanID), int(a.x.Date.Sub(b.x.Date)), byteOrder(a.x.ID, b.x.ID))
	})
	cases := []struct {
		name string
		f    storage.InspectionFilter
		want func(i int) bool
	}{
		{"every inspection", storage.InspectionFilter{}, func(int) bool { return true }},
		{"loan", storage.InspectionFilter{LoanID: loans[2]}, func(i int) bool { return i%4 == 2 }},
		{"unknown loan", storage.InspectionFilter{LoanID: uuid.New()}, func(int) bool { return false }},
		{"dates", storage.InspectionFilter{Dates: &storage.DateRange{From: day(2024, 3, 2), To: day(2024, 3, 3)}},
			func(i int) bool { return (i*7)%5 == 1 || (i*7)%5 == 2 }},
		{"statuses", storage.InspectionFilter{Statuses: []string{"signed-off"}}, func(i int) bool { return i%3 == 0 }},
		{"combined", storage.InspectionFilter{LoanID: loans[1], Statuses: []string{"recorded"}, Dates: &storage.DateRange{To: day(2024, 3, 4)}},
			func(i int) bool { return i%4 == 1 && i%3 != 0 && (i*7)%5 <= 3 }},
	}
	for _, tc := range cases {
		var want []storage.Inspection
		for _, r := range rows {
			if tc.want(r.i) {
				want = append(want, r.x)
			}
		}
		assertScan(t, tc.name, want, func(x storage.Inspection) storage.Inspection { return x },
			func(batch int) iter.Seq2[storage.Inspection, error] {
				f := tc.f
				f.BatchSize = batch
				return s.Inspections().Scan(ctx, f)
			})
	}
}
