package storagetest

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/storage"
)

func newLine(borrower uuid.UUID) storage.Line {
	return storage.Line{ID: uuid.New(), Borrower: borrower, Status: "active", Until: day(2024, 12, 31),
		Document: doc(`1`)}
}

// testLineRoundTrip: a saved line comes back field for field, its loans in
// order and its document byte for byte; each Save adds one to the version.
func testLineRoundTrip(t *testing.T, s storage.Store) {
	ctx := context.Background()
	l := newLine(uuid.New())
	_, err := s.Lines().Get(ctx, l.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
	saved, err := s.Lines().Save(ctx, l)
	require.NoError(t, err)
	assert.Equal(t, int64(1), saved.Version)
	got, err := s.Lines().Get(ctx, l.ID)
	require.NoError(t, err)
	l.Version = 1
	assert.Equal(t, l, got)

	loans := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
	got.Loans, got.Status, got.Until, got.Document = loans, "frozen", day(2025, 6, 30), doc(`2`)
	saved, err = s.Lines().Save(ctx, got)
	require.NoError(t, err)
	assert.Equal(t, int64(2), saved.Version)
	again, err := s.Lines().Get(ctx, l.ID)
	require.NoError(t, err)
	assert.Equal(t, saved, again)
	assert.Equal(t, loans, again.Loans)
	assert.Equal(t, string(doc(`2`)), string(again.Document))

	// A returned record is a copy: changing it changes nothing stored.
	again.Loans[0] = uuid.Nil
	fresh, err := s.Lines().Get(ctx, l.ID)
	require.NoError(t, err)
	assert.Equal(t, loans, fresh.Loans)
}

// testLineVersions: a write at a stale version, a new line whose id
// exists, an update of a line that does not, and a change of borrower
// are refused and change nothing.
func testLineVersions(t *testing.T, s storage.Store) {
	ctx := context.Background()
	l := newLine(uuid.New())
	v1, err := s.Lines().Save(ctx, l)
	require.NoError(t, err)
	v2, err := s.Lines().Save(ctx, v1)
	require.NoError(t, err)

	stale := v1
	stale.Document = doc(`"stale"`)
	_, err = s.Lines().Save(ctx, stale)
	assert.ErrorIs(t, err, storage.ErrConflict)
	_, err = s.Lines().Save(ctx, l) // version 0: a new line with an existing id
	assert.ErrorIs(t, err, storage.ErrConflict)
	other := v2
	other.Borrower = uuid.New()
	_, err = s.Lines().Save(ctx, other)
	assert.ErrorIs(t, err, storage.ErrConflict, "the borrower never changes")
	missing := newLine(uuid.New())
	missing.Version = 3
	_, err = s.Lines().Save(ctx, missing)
	assert.ErrorIs(t, err, storage.ErrNotFound)

	got, err := s.Lines().Get(ctx, l.ID)
	require.NoError(t, err)
	assert.Equal(t, v2, got)
}

func testLineValidation(t *testing.T, s storage.Store) {
	ctx := context.Background()
	_, err := s.Lines().Save(ctx, storage.Line{Version: -1, Loans: []uuid.UUID{uuid.Nil},
		Document: json.RawMessage(`{`)})
	assertInvalid(t, err, "id", "borrower", "version", "status", "until", "loans[0]", "document")
	n := 0
	for _, err := range s.Lines().Scan(ctx, storage.LineFilter{}) {
		require.NoError(t, err)
		n++
	}
	assert.Zero(t, n, "nothing stored")
}

// testScanLines: each filter alone and combined, in id order, whatever
// the batch size.
func testScanLines(t *testing.T, s storage.Store) {
	ctx := context.Background()
	alice, bob := uuid.New(), uuid.New()
	drawn := uuid.New()
	var all []storage.Line
	for i, spec := range []struct {
		borrower uuid.UUID
		status   string
		until    int
		loans    []uuid.UUID
	}{
		{alice, "active", 2024, nil},
		{alice, "frozen", 2025, []uuid.UUID{drawn, uuid.New()}},
		{bob, "active", 2025, []uuid.UUID{uuid.New()}},
		{bob, "closed", 2024, nil},
	} {
		l := newLine(spec.borrower)
		l.Status, l.Until, l.Loans, l.Document = spec.status, day(spec.until, 12, 31), spec.loans, doc(`%d`, i)
		saved, err := s.Lines().Save(ctx, l)
		require.NoError(t, err)
		all = append(all, saved)
	}
	slices.SortFunc(all, func(a, b storage.Line) int { return byteOrder(a.ID, b.ID) })
	for _, f := range []storage.LineFilter{
		{},
		{Borrower: alice},
		{LoanID: drawn},
		{Statuses: []string{"active", "frozen"}},
		{Until: &storage.DateRange{To: day(2024, 12, 31)}},
		{Borrower: bob, Statuses: []string{"active"}},
	} {
		var want []uuid.UUID
		for i := range all {
			if f.Matches(&all[i]) {
				want = append(want, all[i].ID)
			}
		}
		assertScan(t, "lines", want, func(l storage.Line) uuid.UUID { return l.ID },
			func(batch int) iter.Seq2[storage.Line, error] {
				g := f
				g.BatchSize = batch
				return s.Lines().Scan(ctx, g)
			})
	}
	for l, err := range s.Lines().Scan(ctx, storage.LineFilter{LoanID: drawn}) {
		require.NoError(t, err)
		assert.Len(t, l.Loans, 2, "a scan fills each line's loans")
	}
}

// testConcurrentLines: writers on both stores each add loans to one line
// at the version they read; every write lands exactly once, none is lost.
func testConcurrentLines(t *testing.T, ss [2]storage.Store) {
	ctx := context.Background()
	l, err := ss[0].Lines().Save(ctx, newLine(uuid.New()))
	require.NoError(t, err)
	race(t, ss, func(w int, s storage.Store) error {
		for i := range perWriter {
			tok := key("w%d-%d", w, i)
			err := retry(func() error {
				return s.WithTx(ctx, func(tx storage.Tx) error {
					x, err := tx.Lines().Get(ctx, l.ID)
					if err != nil {
						return err
					}
					x.Document, x.Loans = withToken(x.Document, tok), append(x.Loans, uuid.New())
					_, err = tx.Lines().Save(ctx, x)
					return err
				})
			})
			if err != nil {
				return errors.Join(errors.New(tok), err)
			}
		}
		return nil
	})
	got, err := ss[1].Lines().Get(ctx, l.ID)
	require.NoError(t, err)
	assertTokens(t, got.Document)
	assert.Equal(t, int64(1+Writers*perWriter), got.Version)
	assert.Len(t, got.Loans, Writers*perWriter, "each write's loan is linked once")
}
