package storagetest

import (
	"context"
	"encoding/json"
	"iter"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/storage"
)

// shanghai is UTC+8 without daylight saving, built in so the suite needs
// no time zone database.
var shanghai = time.FixedZone("CST", 8*3600)

// contact is a call about loan at t.
func contact(k string, loan uuid.UUID, at time.Time) storage.Contact {
	return storage.Contact{Key: k, LoanID: loan, At: at, Payload: doc(`{"channel": "call", "key": %q}`, k)}
}

// testDebtorRoundTrip: a debtor's state and contact log come back whole:
// each contact with its debtor and seq, its time in UTC to the
// microsecond; Get since a time returns the attempts at or after it;
// state and contacts are saved together or apart, each Save a version.
func testDebtorRoundTrip(t *testing.T, s storage.Store) {
	ctx := context.Background()
	id, loan := uuid.New(), uuid.New()
	at1 := time.Date(2024, 3, 5, 9, 30, 15, 123456000, time.UTC)
	// 18:45:00.000000789 in Shanghai is 10:45 UTC; the nanoseconds go.
	at2 := time.Date(2024, 3, 5, 18, 45, 0, 789, shanghai)
	state := json.RawMessage(`{ "consent_out_of_hours": false, "dispute": "开放" }`)
	in := []storage.Contact{contact("c1", loan, at1), contact("c2", loan, at2)}
	v, replayed, err := s.Debtors().Save(ctx, storage.DebtorSave{ID: id, State: state, Contacts: in})
	require.NoError(t, err)
	assert.False(t, replayed)
	assert.Equal(t, int64(1), v)

	want := storage.Debtor{ID: id, Version: 1, State: slices.Clone(state), Contacts: []storage.Contact{
		{Debtor: id, Seq: 1, Key: "c1", LoanID: loan, At: at1, Payload: slices.Clone(in[0].Payload)},
		{Debtor: id, Seq: 2, Key: "c2", LoanID: loan, At: time.Date(2024, 3, 5, 10, 45, 0, 0, time.UTC), Payload: slices.Clone(in[1].Payload)},
	}}
	state[2] = 'X'
	in[0].Payload[2] = 'X'
	got, err := s.Debtors().Get(ctx, id, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.Equal(t, time.UTC, got.Contacts[1].At.Location())
	got.State[3] = 'Y'
	got.Contacts[0].Payload[3] = 'Y'

	// Since 10:45 UTC (in any zone): c2 only; since just after it: none.
	since, err := s.Debtors().Get(ctx, id, at2)
	require.NoError(t, err)
	assert.Equal(t, want.Contacts[1:], since.Contacts)
	assert.Equal(t, want.State, since.State, "the state whatever the time")
	since, err = s.Debtors().Get(ctx, id, want.Contacts[1].At.Add(time.Microsecond))
	require.NoError(t, err)
	assert.Empty(t, since.Contacts)

	// Contacts only: the state stays. State only: a version, no contact.
	// Neither: a version still (a Save is a write).
	at3 := at1.Add(26 * time.Hour)
	v, replayed, err = s.Debtors().Save(ctx, storage.DebtorSave{ID: id, ExpectedVersion: 1, Contacts: []storage.Contact{contact("c3", loan, at3)}})
	require.NoError(t, err)
	assert.Equal(t, int64(2), v)
	assert.False(t, replayed)
	got, err = s.Debtors().Get(ctx, id, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, want.State, got.State)
	require.Len(t, got.Contacts, 3)
	assert.Equal(t, int64(3), got.Contacts[2].Seq)

	v, replayed, err = s.Debtors().Save(ctx, storage.DebtorSave{ID: id, ExpectedVersion: 2, State: json.RawMessage(`{"dispute":null}`)})
	require.NoError(t, err)
	assert.Equal(t, int64(3), v)
	assert.False(t, replayed, "a save without contacts is never a replay")
	v, _, err = s.Debtors().Save(ctx, storage.DebtorSave{ID: id, ExpectedVersion: 3})
	require.NoError(t, err)
	assert.Equal(t, int64(4), v)
	got, err = s.Debtors().Get(ctx, id, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, int64(4), got.Version)
	assert.Equal(t, `{"dispute":null}`, string(got.State))
	assert.Len(t, got.Contacts, 3)

	// A debtor first saved with contacts only has no state.
	other := uuid.New()
	_, _, err = s.Debtors().Save(ctx, storage.DebtorSave{ID: other, Contacts: []storage.Contact{contact("c1", loan, at1)}})
	require.NoError(t, err)
	got, err = s.Debtors().Get(ctx, other, time.Time{})
	require.NoError(t, err)
	assert.Nil(t, got.State)
	assert.Equal(t, other, got.Contacts[0].Debtor)
}

// testDebtorVersions: a stale version, or 0 for a debtor that exists,
// conflicts and writes nothing.
func testDebtorVersions(t *testing.T, s storage.Store) {
	ctx := context.Background()
	id, loan := uuid.New(), uuid.New()
	at := time.Date(2024, 3, 5, 9, 0, 0, 0, time.UTC)
	_, _, err := s.Debtors().Save(ctx, storage.DebtorSave{ID: id, State: doc("1")})
	require.NoError(t, err)
	_, _, err = s.Debtors().Save(ctx, storage.DebtorSave{ID: id, ExpectedVersion: 1, State: doc("2")})
	require.NoError(t, err)
	for _, stale := range []int64{0, 1, 3} {
		_, _, err = s.Debtors().Save(ctx, storage.DebtorSave{ID: id, ExpectedVersion: stale, State: doc("9"),
			Contacts: []storage.Contact{contact("late", loan, at)}})
		require.ErrorIs(t, err, storage.ErrConflict, "version %d", stale)
	}
	got, err := s.Debtors().Get(ctx, id, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.Version)
	assert.Equal(t, string(doc("2")), string(got.State))
	assert.Empty(t, got.Contacts)
}

// testDebtorIdempotency: a save whose contacts are all stored with the
// same content (the same instant, to the microsecond, in any zone) is a
// replay — nothing written, the state included, the current version
// returned whatever version it states; other content under a stored key,
// or some keys stored and some not, is ErrDuplicate.
func testDebtorIdempotency(t *testing.T, s storage.Store) {
	ctx := context.Background()
	id, loan := uuid.New(), uuid.New()
	at := time.Date(2024, 3, 5, 9, 0, 0, 123456000, time.UTC)
	first := []storage.Contact{contact("c1", loan, at), contact("c2", loan, at.Add(time.Hour))}
	_, _, err := s.Debtors().Save(ctx, storage.DebtorSave{ID: id, State: doc("1"), Contacts: first})
	require.NoError(t, err)
	_, _, err = s.Debtors().Save(ctx, storage.DebtorSave{ID: id, ExpectedVersion: 1, State: doc("2")})
	require.NoError(t, err)
	before, err := s.Debtors().Get(ctx, id, time.Time{})
	require.NoError(t, err)

	retry := slices.Clone(first)
	retry[0].At = at.In(shanghai).Add(789) // the nanoseconds of time.Now() are not stored
	retry[1].Payload = json.RawMessage(" " + string(first[1].Payload))
	v, replayed, err := s.Debtors().Save(ctx, storage.DebtorSave{ID: id, State: doc("3"), Contacts: retry})
	require.NoError(t, err)
	assert.True(t, replayed)
	assert.Equal(t, int64(2), v)

	for name, c := range map[string]storage.Contact{
		"other loan": contact("c1", uuid.New(), at),
		"other time": contact("c1", loan, at.Add(time.Microsecond)),
		"other call": {Key: "c1", LoanID: loan, At: at, Payload: json.RawMessage(`{"channel":"sms"}`)},
	} {
		_, _, err = s.Debtors().Save(ctx, storage.DebtorSave{ID: id, ExpectedVersion: 2, Contacts: []storage.Contact{c}})
		assert.ErrorIs(t, err, storage.ErrDuplicate, name)
	}
	_, _, err = s.Debtors().Save(ctx, storage.DebtorSave{ID: id, ExpectedVersion: 2,
		Contacts: []storage.Contact{first[0], contact("c3", loan, at)}})
	assert.ErrorIs(t, err, storage.ErrDuplicate, "stored, then new")
	_, _, err = s.Debtors().Save(ctx, storage.DebtorSave{ID: id, ExpectedVersion: 2,
		Contacts: []storage.Contact{contact("c3", loan, at), first[1]}})
	assert.ErrorIs(t, err, storage.ErrDuplicate, "new, then stored")
	after, err := s.Debtors().Get(ctx, id, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, before, after, "nothing written")

	// Keys are per debtor.
	v, replayed, err = s.Debtors().Save(ctx, storage.DebtorSave{ID: uuid.New(), Contacts: first})
	require.NoError(t, err)
	assert.False(t, replayed)
	assert.Equal(t, int64(1), v)
}

// testDebtorValidation: a bad save is refused naming every bad field, and
// nothing is written.
func testDebtorValidation(t *testing.T, s storage.Store) {
	ctx := context.Background()
	at := time.Date(2024, 3, 5, 9, 0, 0, 0, time.UTC)
	_, _, err := s.Debtors().Save(ctx, storage.DebtorSave{ExpectedVersion: -1, State: json.RawMessage(`{`),
		Contacts: []storage.Contact{
			{Payload: json.RawMessage(`nope`)},
			contact("k", uuid.New(), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)),
			contact("k", uuid.New(), at),
		}})
	assertInvalid(t, err, "id", "expected_version", "state", "contacts[0].key", "contacts[0].loan_id", "contacts[0].at",
		"contacts[0].payload", "contacts[1].at", "contacts[2].key")
	id := uuid.New()
	_, _, err = s.Debtors().Save(ctx, storage.DebtorSave{ID: id})
	assertInvalid(t, err, "state") // a new debtor with nothing to save
	_, err = s.Debtors().Get(ctx, id, time.Time{})
	require.ErrorIs(t, err, storage.ErrNotFound)
}

// testScanContacts: Debtors.Contacts by debtor, loan and time, alone and
// combined, ordered by debtor then Seq, every batch size.
func testScanContacts(t *testing.T, s storage.Store) {
	ctx := context.Background()
	debtors := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
	loans := []uuid.UUID{uuid.New(), uuid.New()}
	base := time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)
	type row struct {
		c storage.Contact
		i int
	}
	var rows []row
	for i := range 36 {
		d := debtors[i%3]
		c := contact(key("c%d", i), loans[(i/3)%2], base.Add(time.Duration(i%12)*time.Hour))
		_, _, err := s.Debtors().Save(ctx, storage.DebtorSave{ID: d, ExpectedVersion: int64(i / 3),
			Contacts: []storage.Contact{c}})
		require.NoError(t, err)
		c.Debtor, c.Seq = d, int64(i/3+1)
		rows = append(rows, row{c, i})
	}
	slices.SortStableFunc(rows, func(a, b row) int { return byteOrder(a.c.Debtor, b.c.Debtor) }) // then Seq: the order saved
	cases := []struct {
		name string
		f    storage.ContactFilter
		want func(i int) bool
	}{
		{"every contact", storage.ContactFilter{}, func(int) bool { return true }},
		{"debtor", storage.ContactFilter{Debtor: debtors[1]}, func(i int) bool { return i%3 == 1 }},
		{"unknown debtor", storage.ContactFilter{Debtor: uuid.New()}, func(int) bool { return false }},
		{"loan", storage.ContactFilter{LoanID: loans[0]}, func(i int) bool { return (i/3)%2 == 0 }},
		// [10:00, 14:00) is i%12 in 2..5.
		{"time", storage.ContactFilter{From: base.Add(2 * time.Hour), To: base.Add(6 * time.Hour)},
			func(i int) bool { return i%12 >= 2 && i%12 < 6 }},
		{"from", storage.ContactFilter{From: base.Add(10 * time.Hour).In(shanghai)}, func(i int) bool { return i%12 >= 10 }},
		{"combined", storage.ContactFilter{Debtor: debtors[2], LoanID: loans[1], To: base.Add(9 * time.Hour)},
			func(i int) bool { return i%3 == 2 && (i/3)%2 == 1 && i%12 < 9 }},
	}
	for _, tc := range cases {
		var want []storage.Contact
		for _, r := range rows {
			if tc.want(r.i) {
				want = append(want, r.c)
			}
		}
		assertScan(t, tc.name, want, func(c storage.Contact) storage.Contact { return c },
			func(batch int) iter.Seq2[storage.Contact, error] {
				f := tc.f
				f.BatchSize = batch
				return s.Debtors().Contacts(ctx, f)
			})
	}
	for c, err := range s.Debtors().Contacts(ctx, storage.ContactFilter{Debtor: debtors[0]}) {
		require.NoError(t, err)
		c.Payload[0] = 'X'
	}
	got, err := s.Debtors().Get(ctx, debtors[0], time.Time{})
	require.NoError(t, err)
	assert.Equal(t, string(contact("c0", loans[0], base).Payload), string(got.Contacts[0].Payload), "a scanned contact is a copy")
}
