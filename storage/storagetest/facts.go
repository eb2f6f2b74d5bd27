package storagetest

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/storage"
)

// fact is a fact of kind about loan (uuid.Nil: about the borrower) taking
// effect on day.
func fact(k, kind string, loan uuid.UUID, day date.Date) storage.Fact {
	return storage.Fact{Key: k, LoanID: loan, Day: day, Kind: kind, Payload: doc(`{"kind": %q, "key": %q}`, kind, k)}
}

// testFactRoundTrip: a subject's facts come back whole, in Seq order, each
// with its subject and seq, borrower facts with no loan; a read copy is a
// copy; each Append is a version.
func testFactRoundTrip(t *testing.T, s storage.Store) {
	ctx := context.Background()
	subject, loan := uuid.New(), uuid.New()
	day := date.New(2024, time.March, 5)
	in := []storage.Fact{fact("f1", "bankruptcy", uuid.Nil, day), fact("f2", "litigation", loan, day.Add(3))}
	v, replayed, err := s.Facts().Append(ctx, storage.FactAppend{Subject: subject, Facts: in})
	require.NoError(t, err)
	assert.False(t, replayed)
	assert.Equal(t, int64(1), v)
	want := storage.FactJournal{Subject: subject, Version: 1, Facts: []storage.Fact{
		{Subject: subject, Seq: 1, Key: "f1", Day: day, Kind: "bankruptcy", Payload: slices.Clone(in[0].Payload)},
		{Subject: subject, Seq: 2, Key: "f2", LoanID: loan, Day: day.Add(3), Kind: "litigation", Payload: slices.Clone(in[1].Payload)},
	}}
	in[0].Payload[2] = 'X'
	got, err := s.Facts().Get(ctx, subject)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	got.Facts[0].Payload[3] = 'Y'

	v, _, err = s.Facts().Append(ctx, storage.FactAppend{Subject: subject, ExpectedVersion: 1,
		Facts: []storage.Fact{fact("f3", "withdrawal", loan, day.Add(9))}})
	require.NoError(t, err)
	assert.Equal(t, int64(2), v)
	got, err = s.Facts().Get(ctx, subject)
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.Version)
	require.Len(t, got.Facts, 3)
	assert.Equal(t, want.Facts[:2], got.Facts[:2], "earlier facts unchanged, a read copy is a copy")
	assert.Equal(t, int64(3), got.Facts[2].Seq)

	_, err = s.Facts().Get(ctx, uuid.New())
	assert.ErrorIs(t, err, storage.ErrNotFound)
}

// testFactVersions: a stale version, or 0 for a journal that exists, or
// a version for one never written, is refused and writes nothing.
func testFactVersions(t *testing.T, s storage.Store) {
	ctx := context.Background()
	subject := uuid.New()
	day := date.New(2024, time.March, 5)
	_, _, err := s.Facts().Append(ctx, storage.FactAppend{Subject: subject, ExpectedVersion: 1,
		Facts: []storage.Fact{fact("f0", "fraud", uuid.Nil, day)}})
	require.ErrorIs(t, err, storage.ErrNotFound)
	_, _, err = s.Facts().Append(ctx, storage.FactAppend{Subject: subject, Facts: []storage.Fact{fact("f1", "fraud", uuid.Nil, day)}})
	require.NoError(t, err)
	_, _, err = s.Facts().Append(ctx, storage.FactAppend{Subject: subject, ExpectedVersion: 1,
		Facts: []storage.Fact{fact("f2", "fraud", uuid.Nil, day)}})
	require.NoError(t, err)
	for _, stale := range []int64{0, 1, 3} {
		_, _, err = s.Facts().Append(ctx, storage.FactAppend{Subject: subject, ExpectedVersion: stale,
			Facts: []storage.Fact{fact("late", "fraud", uuid.Nil, day)}})
		require.ErrorIs(t, err, storage.ErrConflict, "version %d", stale)
	}
	got, err := s.Facts().Get(ctx, subject)
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.Version)
	assert.Len(t, got.Facts, 2)
}

// testFactIdempotency: an append whose facts are all stored with the same
// content is a replay — nothing written, the current version returned
// whatever version it states; other content under a stored key, or some
// keys stored and some not, is ErrDuplicate.
func testFactIdempotency(t *testing.T, s storage.Store) {
	ctx := context.Background()
	subject, loan := uuid.New(), uuid.New()
	day := date.New(2024, time.March, 5)
	first := []storage.Fact{fact("f1", "fraud", loan, day), fact("f2", "litigation", uuid.Nil, day)}
	_, _, err := s.Facts().Append(ctx, storage.FactAppend{Subject: subject, Facts: first})
	require.NoError(t, err)
	_, _, err = s.Facts().Append(ctx, storage.FactAppend{Subject: subject, ExpectedVersion: 1,
		Facts: []storage.Fact{fact("f3", "fraud", loan, day)}})
	require.NoError(t, err)
	before, err := s.Facts().Get(ctx, subject)
	require.NoError(t, err)

	retry := slices.Clone(first)
	retry[1].Payload = json.RawMessage(" " + string(first[1].Payload))
	v, replayed, err := s.Facts().Append(ctx, storage.FactAppend{Subject: subject, Facts: retry})
	require.NoError(t, err)
	assert.True(t, replayed)
	assert.Equal(t, int64(2), v)

	for name, f := range map[string]storage.Fact{
		"other loan": fact("f1", "fraud", uuid.New(), day),
		"other day":  fact("f1", "fraud", loan, day.Add(1)),
		"other kind": {Key: "f1", LoanID: loan, Day: day, Kind: "bankruptcy", Payload: first[0].Payload},
		"other body": {Key: "f1", LoanID: loan, Day: day, Kind: "fraud", Payload: json.RawMessage(`{}`)},
	} {
		_, _, err = s.Facts().Append(ctx, storage.FactAppend{Subject: subject, ExpectedVersion: 2, Facts: []storage.Fact{f}})
		assert.ErrorIs(t, err, storage.ErrDuplicate, name)
	}
	_, _, err = s.Facts().Append(ctx, storage.FactAppend{Subject: subject, ExpectedVersion: 2,
		Facts: []storage.Fact{first[0], fact("f4", "fraud", loan, day)}})
	assert.ErrorIs(t, err, storage.ErrDuplicate, "stored, then new")
	after, err := s.Facts().Get(ctx, subject)
	require.NoError(t, err)
	assert.Equal(t, before, after, "nothing written")
}

// testFactValidation: a bad append is refused naming every bad field, and
// nothing is written.
func testFactValidation(t *testing.T, s storage.Store) {
	ctx := context.Background()
	_, _, err := s.Facts().Append(ctx, storage.FactAppend{ExpectedVersion: -1, Facts: []storage.Fact{
		{Payload: json.RawMessage(`nope`)},
		fact("k", "fraud", uuid.Nil, date.Date{}),
		fact("k", "", uuid.Nil, date.New(2024, time.March, 5)),
	}})
	assertInvalid(t, err, "subject", "expected_version", "facts[0].key", "facts[0].day", "facts[0].kind",
		"facts[0].payload", "facts[1].day", "facts[2].key", "facts[2].kind")
	subject := uuid.New()
	_, _, err = s.Facts().Append(ctx, storage.FactAppend{Subject: subject})
	assertInvalid(t, err, "facts")
	_, err = s.Facts().Get(ctx, subject)
	require.ErrorIs(t, err, storage.ErrNotFound)
}

// testScanFacts: Facts.Scan by subject, loan and day, alone and combined,
// ordered by subject then Seq, every batch size; a scanned fact is a copy.
func testScanFacts(t *testing.T, s storage.Store) {
	ctx := context.Background()
	subjects := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
	loans := []uuid.UUID{uuid.New(), uuid.New()}
	base := date.New(2024, time.March, 1)
	type row struct {
		f storage.Fact
		i int
	}
	var rows []row
	for i := range 36 {
		sub := subjects[i%3]
		f := fact(key("f%d", i), "litigation", loans[(i/3)%2], base.Add(date.PeriodOfDays(i%12)))
		_, _, err := s.Facts().Append(ctx, storage.FactAppend{Subject: sub, ExpectedVersion: int64(i / 3), Facts: []storage.Fact{f}})
		require.NoError(t, err)
		f.Subject, f.Seq = sub, int64(i/3+1)
		rows = append(rows, row{f, i})
	}
	slices.SortStableFunc(rows, func(a, b row) int { return byteOrder(a.f.Subject, b.f.Subject) })
	cases := []struct {
		name string
		f    storage.FactFilter
		want func(i int) bool
	}{
		{"every fact", storage.FactFilter{}, func(int) bool { return true }},
		{"subject", storage.FactFilter{Subject: subjects[1]}, func(i int) bool { return i%3 == 1 }},
		{"unknown subject", storage.FactFilter{Subject: uuid.New()}, func(int) bool { return false }},
		{"loan", storage.FactFilter{LoanID: loans[0]}, func(i int) bool { return (i/3)%2 == 0 }},
		{"in force", storage.FactFilter{Days: &storage.DateRange{To: base.Add(4)}}, func(i int) bool { return i%12 <= 4 }},
		{"combined", storage.FactFilter{Subject: subjects[2], LoanID: loans[1], Days: &storage.DateRange{From: base.Add(3), To: base.Add(8)}},
			func(i int) bool { return i%3 == 2 && (i/3)%2 == 1 && i%12 >= 3 && i%12 <= 8 }},
	}
	for _, tc := range cases {
		var want []storage.Fact
		for _, r := range rows {
			if tc.want(r.i) {
				want = append(want, r.f)
			}
		}
		assertScan(t, tc.name, want, func(f storage.Fact) storage.Fact { return f },
			func(batch int) iter.Seq2[storage.Fact, error] {
				f := tc.f
				f.BatchSize = batch
				return s.Facts().Scan(ctx, f)
			})
	}
	for f, err := range s.Facts().Scan(ctx, storage.FactFilter{Subject: subjects[0]}) {
		require.NoError(t, err)
		f.Payload[0] = 'X'
	}
	got, err := s.Facts().Get(ctx, subjects[0])
	require.NoError(t, err)
	assert.Equal(t, byte('{'), got.Facts[0].Payload[0], "a scanned fact is a copy")
}

// testConcurrentFacts: the writers append facts to one journal never
// written before, each at the version it read, retrying on conflict: every
// fact is stored once at seqs 1..n and the version counts every append.
func testConcurrentFacts(t *testing.T, ss [2]storage.Store) {
	ctx := context.Background()
	subject, loan := uuid.New(), uuid.New()
	day := date.New(2024, time.March, 5)
	race(t, ss, func(w int, s storage.Store) error {
		for i := range perWriter {
			tok := key("w%d-%d", w, i)
			err := retry(func() error {
				j, err := s.Facts().Get(ctx, subject)
				if err != nil && !errors.Is(err, storage.ErrNotFound) {
					return err
				}
				_, replayed, err := s.Facts().Append(ctx, storage.FactAppend{Subject: subject, ExpectedVersion: j.Version,
					Facts: []storage.Fact{fact(tok, "litigation", loan, day)}})
				if err == nil && replayed {
					return errors.New("a new fact was taken for a replay")
				}
				return err
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	got, err := ss[1].Facts().Get(ctx, subject)
	require.NoError(t, err)
	require.Len(t, got.Facts, Writers*perWriter)
	seen := map[string]bool{}
	for i, f := range got.Facts {
		assert.Equal(t, int64(i+1), f.Seq)
		seen[f.Key] = true
	}
	assert.Len(t, seen, Writers*perWriter, "every fact once")
	assert.Equal(t, int64(Writers*perWriter), got.Version)
}
