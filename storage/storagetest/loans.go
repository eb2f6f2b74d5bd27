package storagetest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// testLoanRoundTrip stores loans in several currencies with amounts at the
// edge of each currency's scale and reads them back unchanged: exact
// decimals (never through a float), dates, JSON documents byte for byte.
func testLoanRoundTrip(t *testing.T, s storage.Store) {
	ctx := context.Background()
	xau, err := money.NewCurrency("XAU", 6)
	require.NoError(t, err)
	cases := []struct {
		name    string
		cur     money.Currency
		amounts []string
	}{
		// 0.1 + 0.2 style values and 16 significant digits, which a
		// float64 would not carry exactly (9999999999999.99 needs 15+2).
		{"CNY", money.CNY, []string{"0.01", "0.10", "-12.34", "9999999999999.99", "0.30", "1234.50"}},
		{"JPY has no decimals", money.JPY, []string{"1", "999999999999999", "-7"}},
		{"KWD has three decimals", money.KWD, []string{"0.001", "1.005", "123456789.999"}},
		{"custom six-decimal currency", xau, []string{"0.000001", "999999999.999999"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := newLoan()
			l.Currency = tc.cur
			// A document with non-ASCII text and insignificant white
			// space must come back byte for byte.
			l.Document = json.RawMessage(`{ "borrower": "张三", "terms": {"periods": 36} }`)
			l.Index = storage.LoanIndex{NextDue: day(2024, 3, 5), DaysPastDue: 17,
				Classification: "special-mention", AsOf: day(2024, 2, 29),
				State: json.RawMessage(`{"stage": "M1", "overdue": "CNY 1060.66"}`)}
			for i, a := range tc.amounts {
				l.Journal = append(l.Journal, repayment(key("k%d", i), day(2024, 1, 1+i), amt(a, tc.cur)))
			}
			// The currency-less zero Amount (an entry with no headline
			// amount) round-trips as itself, distinct from Zero(cur).
			l.Journal = append(l.Journal,
				storage.Entry{ID: uuid.New(), IdempotencyKey: "note", ValueDate: day(2024, 2, 1), Kind: "note", Payload: json.RawMessage(`{}`)},
				storage.Entry{ID: uuid.New(), IdempotencyKey: "zero", ValueDate: day(2024, 2, 1), Kind: "fee", Amount: money.Zero(tc.cur), Payload: json.RawMessage(`{"waived":true}`)})
			mustCreate(t, s, l)

			got := mustGet(t, s, l.ID)
			want := l
			want.Version = 1
			want.Journal = nil
			for i, e := range l.Journal {
				e.LoanID, e.Seq, e.Version = l.ID, int64(i+1), 1
				want.Journal = append(want.Journal, e)
			}
			assert.Equal(t, want, got)
			for i, e := range got.Journal {
				assert.True(t, e.Amount == want.Journal[i].Amount, "entry %d amount %s, want %s", i, e.Amount, want.Journal[i].Amount)
				assert.Equal(t, string(want.Journal[i].Payload), string(e.Payload))
			}
			assert.Equal(t, string(l.Document), string(got.Document))
		})
	}

	t.Run("no journal and no index", func(t *testing.T) {
		l := newLoan()
		mustCreate(t, s, l)
		got := mustGet(t, s, l.ID)
		assert.Empty(t, got.Journal)
		assert.True(t, got.Index.NextDue.IsZero())
		assert.True(t, got.Index.AsOf.IsZero())
		assert.Equal(t, int64(1), got.Version)
	})

	t.Run("create several at once, all or nothing", func(t *testing.T) {
		a, b := newLoan(), newLoan()
		mustCreate(t, s, a, b)
		c := newLoan()
		err := s.Loans().Create(ctx, c, a) // a exists: nothing is created
		require.ErrorIs(t, err, storage.ErrDuplicate)
		_, err = s.Loans().Get(ctx, c.ID)
		assert.ErrorIs(t, err, storage.ErrNotFound)
		err = s.Loans().Create(ctx, c, c)
		require.ErrorIs(t, err, storage.ErrDuplicate)
		_, err = s.Loans().Get(ctx, c.ID)
		assert.ErrorIs(t, err, storage.ErrNotFound)
	})
}

// testLoanCopies checks that callers cannot alias stored state: changing a
// slice passed in or handed out does not change the store.
func testLoanCopies(t *testing.T, s storage.Store) {
	l := newLoan()
	l.Journal = []storage.Entry{repayment("a", day(2024, 1, 5), amt("10.00", money.CNY))}
	l.Index.State = json.RawMessage(`{"stage":"M0"}`)
	mustCreate(t, s, l)
	l.Index.State[2] = 'X'
	idx := storage.LoanIndex{State: json.RawMessage(`{"stage":"M1"}`)}
	require.NoError(t, s.Loans().UpdateIndex(context.Background(), storage.IndexUpdate{LoanID: l.ID, Index: idx}))
	idx.State[2] = 'X'
	assert.Equal(t, `{"stage":"M1"}`, string(mustGet(t, s, l.ID).Index.State))
	for got, err := range s.Loans().Scan(context.Background(), storage.LoanFilter{}) {
		require.NoError(t, err)
		got.Index.State[2] = 'Y'
	}
	assert.Equal(t, `{"stage":"M1"}`, string(mustGet(t, s, l.ID).Index.State))
	l.Document[2] = 'X'
	l.Journal[0].Payload[2] = 'X'
	l.Journal[0].Kind = "changed"

	got := mustGet(t, s, l.ID)
	assert.Equal(t, `{"principal":"CNY 12000.00","periods":12}`, string(got.Document))
	assert.Equal(t, "repayment", got.Journal[0].Kind)
	got.Document[2] = 'Y'
	got.Journal[0].Payload[2] = 'Y'

	again := mustGet(t, s, l.ID)
	assert.Equal(t, `{"principal":"CNY 12000.00","periods":12}`, string(again.Document))
	assert.NotEqual(t, byte('Y'), again.Journal[0].Payload[2])
}

// testLoanValidation: bad input is refused with every bad field listed and
// leaves nothing behind (house rule: validate fully before mutating).
func testLoanValidation(t *testing.T, s storage.Store) {
	ctx := context.Background()
	bad := storage.Loan{
		Document: json.RawMessage(`{not json`),
		Index:    storage.LoanIndex{DaysPastDue: -1, Classification: "a\x00b"},
		Journal: []storage.Entry{
			{IdempotencyKey: "k", Kind: "repayment", ValueDate: day(2024, 1, 1), Payload: json.RawMessage(`{}`)},
			{IdempotencyKey: "k", Payload: json.RawMessage(`{}`), Amount: amt("1.00", money.USD)},
		},
	}
	err := s.Loans().Create(ctx, bad)
	require.ErrorIs(t, err, storage.ErrInvalid)
	var v *storage.ValidationError
	require.True(t, errors.As(err, &v))
	fields := map[string]bool{}
	for _, f := range v.Fields {
		fields[f.Field] = true
	}
	for _, f := range []string{"id", "status", "currency", "document", "index.days_past_due",
		"index.classification", "journal[1].idempotency_key", "journal[1].kind", "journal[1].value_date"} {
		assert.True(t, fields[f], "missing %s in %v", f, v.Fields)
	}

	// A valid loan, then a bad append: nothing changes.
	l := newLoan()
	mustCreate(t, s, l)
	_, err = s.Loans().Append(ctx, storage.Append{LoanID: l.ID, ExpectedVersion: 1,
		Entries: []storage.Entry{repayment("usd", day(2024, 1, 1), amt("1.00", money.USD))}})
	require.ErrorIs(t, err, storage.ErrInvalid, "a USD amount on a CNY loan")
	_, err = s.Loans().Append(ctx, storage.Append{LoanID: l.ID, ExpectedVersion: 1})
	require.ErrorIs(t, err, storage.ErrInvalid, "no entries")
	got := mustGet(t, s, l.ID)
	assert.Equal(t, int64(1), got.Version)
	assert.Empty(t, got.Journal)
}

func testNotFound(t *testing.T, s storage.Store) {
	ctx := context.Background()
	id := uuid.New()
	_, err := s.Loans().Get(ctx, id)
	assert.ErrorIs(t, err, storage.ErrNotFound)
	_, err = s.Loans().Append(ctx, storage.Append{LoanID: id, ExpectedVersion: 1,
		Entries: []storage.Entry{repayment("k", day(2024, 1, 1), amt("1.00", money.CNY))}})
	assert.ErrorIs(t, err, storage.ErrNotFound)
	assert.ErrorIs(t, s.Loans().UpdateIndex(ctx, storage.IndexUpdate{LoanID: id}), storage.ErrNotFound)
	_, err = s.Applications().Get(ctx, id)
	assert.ErrorIs(t, err, storage.ErrNotFound)
	_, err = s.Applications().Update(ctx, newApplication(id))
	assert.ErrorIs(t, err, storage.ErrNotFound)
	_, err = s.Checkpoints().Get(ctx, "close", "nothing")
	assert.ErrorIs(t, err, storage.ErrNotFound)
	assert.ErrorIs(t, s.Outbox().MarkDelivered(ctx, "nothing"), storage.ErrNotFound)
}

// testAppendHeader: an append stores its entries at the next seqs and
// version, and applies the status, document and index it carries.
func testAppendHeader(t *testing.T, s storage.Store) {
	ctx := context.Background()
	l := newLoan()
	l.Journal = []storage.Entry{{ID: uuid.New(), IdempotencyKey: "disburse", ValueDate: day(2024, 1, 1),
		Kind: "disbursement", Amount: amt("12000.00", money.CNY), Payload: json.RawMessage(`{}`)}}
	mustCreate(t, s, l)

	idx := storage.LoanIndex{NextDue: day(2024, 3, 1), Classification: "normal", AsOf: day(2024, 2, 1)}
	res, err := s.Loans().Append(ctx, storage.Append{LoanID: l.ID, ExpectedVersion: 1,
		Entries: []storage.Entry{
			repayment("r1", day(2024, 2, 1), amt("1000.00", money.CNY)),
			repayment("r2", day(2024, 2, 1), amt("0.01", money.CNY)),
		},
		Status:   "closed",
		Document: json.RawMessage(`{"restructured":true}`),
		Index:    &idx,
	})
	require.NoError(t, err)
	assert.False(t, res.Replayed)
	assert.Equal(t, int64(2), res.Version)
	require.Len(t, res.Entries, 2)
	// The disbursement is seq 1, so the two repayments are seq 2 and 3,
	// both at the append's version 2.
	assert.Equal(t, []int64{2, 3}, []int64{res.Entries[0].Seq, res.Entries[1].Seq})
	assert.Equal(t, int64(2), res.Entries[1].Version)
	assert.Equal(t, l.ID, res.Entries[1].LoanID)

	got := mustGet(t, s, l.ID)
	assert.Equal(t, int64(2), got.Version)
	assert.Equal(t, "closed", got.Status)
	assert.Equal(t, `{"restructured":true}`, string(got.Document))
	assert.Equal(t, idx, got.Index)
	require.Len(t, got.Journal, 3)
	assert.Equal(t, res.Entries, got.Journal[1:])

	// Empty Status, nil Document and nil Index keep what is stored.
	_, err = s.Loans().Append(ctx, storage.Append{LoanID: l.ID, ExpectedVersion: 2,
		Entries: []storage.Entry{repayment("r3", day(2024, 2, 2), amt("5.00", money.CNY))}})
	require.NoError(t, err)
	got = mustGet(t, s, l.ID)
	assert.Equal(t, "closed", got.Status)
	assert.Equal(t, `{"restructured":true}`, string(got.Document))
	assert.Equal(t, idx, got.Index)
}

// testConflict: optimistic concurrency. An append naming a version that is
// no longer current fails with ErrConflict and changes nothing.
func testConflict(t *testing.T, s storage.Store) {
	ctx := context.Background()
	l := newLoan()
	mustCreate(t, s, l)
	_, err := s.Loans().Append(ctx, storage.Append{LoanID: l.ID, ExpectedVersion: 1,
		Entries: []storage.Entry{repayment("first", day(2024, 1, 1), amt("1.00", money.CNY))}})
	require.NoError(t, err)

	for _, v := range []int64{1, 3} { // stale, and from the future
		_, err = s.Loans().Append(ctx, storage.Append{LoanID: l.ID, ExpectedVersion: v, Status: "closed",
			Entries: []storage.Entry{repayment("second", day(2024, 1, 2), amt("2.00", money.CNY))}})
		require.ErrorIs(t, err, storage.ErrConflict, "version %d", v)
	}
	got := mustGet(t, s, l.ID)
	assert.Equal(t, int64(2), got.Version)
	assert.Equal(t, "active", got.Status)
	require.Len(t, got.Journal, 1)
	assert.Equal(t, "first", got.Journal[0].IdempotencyKey)
}

// testIdempotency: a reused idempotency key with the same content returns
// the first result (even at a stale version, as when a response was lost),
// with different content ErrDuplicate.
func testIdempotency(t *testing.T, s storage.Store) {
	ctx := context.Background()
	l := newLoan()
	mustCreate(t, s, l)
	e := repayment("pay-2024-01", day(2024, 1, 15), amt("1060.66", money.CNY))
	first, err := s.Loans().Append(ctx, storage.Append{LoanID: l.ID, ExpectedVersion: 1, Entries: []storage.Entry{e}})
	require.NoError(t, err)
	_, err = s.Loans().Append(ctx, storage.Append{LoanID: l.ID, ExpectedVersion: 2,
		Entries: []storage.Entry{repayment("other", day(2024, 1, 16), amt("1.00", money.CNY))}})
	require.NoError(t, err)

	// Same content, a fresh entry id and a stale version: a replay.
	again := e
	again.ID = uuid.New()
	again.Payload = json.RawMessage(" " + string(e.Payload) + "\n") // white space is insignificant
	res, err := s.Loans().Append(ctx, storage.Append{LoanID: l.ID, ExpectedVersion: 1, Entries: []storage.Entry{again}})
	require.NoError(t, err)
	assert.True(t, res.Replayed)
	assert.Equal(t, first.Version, res.Version)
	require.Len(t, res.Entries, 1)
	assert.Equal(t, first.Entries[0].Seq, res.Entries[0].Seq)
	assert.Equal(t, first.Entries[0].ID, res.Entries[0].ID, "the stored first entry comes back")

	changed := e
	changed.Amount = amt("1060.67", money.CNY)
	_, err = s.Loans().Append(ctx, storage.Append{LoanID: l.ID, ExpectedVersion: 3, Entries: []storage.Entry{changed}})
	assert.ErrorIs(t, err, storage.ErrDuplicate, "same key, different amount")

	// Some keys stored and some new is not a replay.
	_, err = s.Loans().Append(ctx, storage.Append{LoanID: l.ID, ExpectedVersion: 3,
		Entries: []storage.Entry{e, repayment("new", day(2024, 1, 17), amt("1.00", money.CNY))}})
	assert.ErrorIs(t, err, storage.ErrDuplicate)
	_, err = s.Loans().Append(ctx, storage.Append{LoanID: l.ID, ExpectedVersion: 3,
		Entries: []storage.Entry{repayment("new", day(2024, 1, 17), amt("1.00", money.CNY)), e}})
	assert.ErrorIs(t, err, storage.ErrDuplicate)

	got := mustGet(t, s, l.ID)
	assert.Equal(t, int64(3), got.Version)
	assert.Len(t, got.Journal, 2)

	// Keys are unique per loan, not globally.
	other := newLoan()
	mustCreate(t, s, other)
	res, err = s.Loans().Append(ctx, storage.Append{LoanID: other.ID, ExpectedVersion: 1, Entries: []storage.Entry{e}})
	require.NoError(t, err)
	assert.False(t, res.Replayed)
}

func testUpdateIndex(t *testing.T, s storage.Store) {
	ctx := context.Background()
	a, b := newLoan(), newLoan()
	mustCreate(t, s, a, b)
	ia := storage.LoanIndex{NextDue: day(2024, 4, 1), DaysPastDue: 31, Classification: "substandard", AsOf: day(2024, 3, 31),
		State: json.RawMessage(`{"stage":"M2"}`)}
	ib := storage.LoanIndex{DaysPastDue: 0, Classification: "normal", AsOf: day(2024, 3, 31)}
	require.NoError(t, s.Loans().UpdateIndex(ctx, storage.IndexUpdate{LoanID: a.ID, Index: ia}, storage.IndexUpdate{LoanID: b.ID, Index: ib}))
	ga, gb := mustGet(t, s, a.ID), mustGet(t, s, b.ID)
	assert.Equal(t, ia, ga.Index)
	assert.Equal(t, ib, gb.Index)

	// A nil state keeps the stored document; the columns change.
	next := ia
	next.State, next.AsOf, next.DaysPastDue = nil, day(2024, 4, 1), 32
	require.NoError(t, s.Loans().UpdateIndex(ctx, storage.IndexUpdate{LoanID: a.ID, Index: next}))
	next.State = ia.State
	assert.Equal(t, next, mustGet(t, s, a.ID).Index)
	ia = next
	assert.Equal(t, int64(1), ga.Version, "the index is derived: no new version")

	// One unknown loan: nothing is updated.
	err := s.Loans().UpdateIndex(ctx, storage.IndexUpdate{LoanID: a.ID, Index: ib}, storage.IndexUpdate{LoanID: uuid.New(), Index: ib})
	require.ErrorIs(t, err, storage.ErrNotFound)
	assert.Equal(t, ia, mustGet(t, s, a.ID).Index)

	err = s.Loans().UpdateIndex(ctx, storage.IndexUpdate{LoanID: a.ID, Index: storage.LoanIndex{DaysPastDue: -3}})
	require.ErrorIs(t, err, storage.ErrInvalid)
	assert.Equal(t, ia, mustGet(t, s, a.ID).Index)
}
