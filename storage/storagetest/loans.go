package storagetest

import (
	"context"
	"encoding/json"
	"math"
	"testing"
	"time"

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
				Classification: "special-mention", Bucket: "M1", Collection: "m1",
				InspectionDue: day(2024, 2, 20), AsOf: day(2024, 2, 29), Final: true,
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

	t.Run("no journal, no index, no borrower", func(t *testing.T) {
		l := newLoan()
		l.Borrower = uuid.Nil
		mustCreate(t, s, l)
		got := mustGet(t, s, l.ID)
		assert.Empty(t, got.Journal)
		assert.Equal(t, storage.LoanIndex{}, got.Index)
		assert.Equal(t, uuid.Nil, got.Borrower)
		assert.Equal(t, int64(1), got.Version)
	})

	t.Run("the largest days past due a SQL INTEGER holds", func(t *testing.T) {
		l := newLoan()
		l.Index.DaysPastDue = math.MaxInt32
		mustCreate(t, s, l)
		assert.Equal(t, math.MaxInt32, mustGet(t, s, l.ID).Index.DaysPastDue)
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

	// An append's entries and result, and a scan's journal.
	e := repayment("b", day(2024, 1, 6), amt("1.00", money.CNY))
	newIdx := storage.LoanIndex{State: json.RawMessage(`{"stage":"M1"}`), AsOf: day(2024, 1, 6)}
	res, err := s.Loans().Append(context.Background(), storage.Append{LoanID: l.ID, ExpectedVersion: 1,
		Entries: []storage.Entry{e}, Document: json.RawMessage(`{"principal":"CNY 12000.00","periods":12}`), Index: &newIdx})
	require.NoError(t, err)
	want := string(e.Payload)
	e.Payload[2] = 'X'
	newIdx.State[2] = 'X'
	res.Entries[0].Payload[3] = 'X'
	for got, err := range s.Loans().Scan(context.Background(), storage.LoanFilter{Journal: true}) {
		require.NoError(t, err)
		got.Journal[1].Payload[4] = 'X'
		got.Document[5] = 'X'
	}
	afterAppend := mustGet(t, s, l.ID)
	assert.Equal(t, want, string(afterAppend.Journal[1].Payload))
	assert.Equal(t, `{"stage":"M1"}`, string(afterAppend.Index.State))

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
	// Each loan of the call is named by its position; a good loan beside
	// a bad one is not created either.
	good := newLoan()
	err := s.Loans().Create(ctx, good, bad)
	assertInvalid(t, err, "loans[1].id", "loans[1].status", "loans[1].currency", "loans[1].document",
		"loans[1].index.days_past_due", "loans[1].index.classification", "loans[1].journal[1].idempotency_key",
		"loans[1].journal[1].kind", "loans[1].journal[1].value_date")
	_, err = s.Loans().Get(ctx, good.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)

	tooLate := newLoan()
	tooLate.Index = storage.LoanIndex{DaysPastDue: math.MaxInt32 + 1, NextDue: day(10000, 1, 1), InspectionDue: day(0, 12, 31),
		AsOf: day(2024, 1, 1), Bucket: "\xff", Collection: "m\x001", State: json.RawMessage(`{`)}
	assertInvalid(t, s.Loans().Create(ctx, tooLate), "loans[0].index.days_past_due", "loans[0].index.next_due",
		"loans[0].index.inspection_due", "loans[0].index.bucket", "loans[0].index.collection", "loans[0].index.state")

	// A valid loan, then bad appends and index updates: nothing changes.
	l := newLoan()
	mustCreate(t, s, l)
	_, err = s.Loans().Append(ctx, storage.Append{LoanID: l.ID, ExpectedVersion: 1,
		Entries: []storage.Entry{repayment("usd", day(2024, 1, 1), amt("1.00", money.USD))}})
	assertInvalid(t, err, "entries[0].amount") // a USD amount on a CNY loan
	_, err = s.Loans().Append(ctx, storage.Append{LoanID: l.ID, ExpectedVersion: 0, Status: "a\x00",
		Document: json.RawMessage(`nope`), Index: &storage.LoanIndex{DaysPastDue: -1}})
	assertInvalid(t, err, "expected_version", "entries", "status", "document", "index.days_past_due")
	err = s.Loans().UpdateIndex(ctx,
		storage.IndexUpdate{LoanID: l.ID, Index: storage.LoanIndex{DaysPastDue: 3}},
		storage.IndexUpdate{LoanID: uuid.Nil, PrevAsOf: day(10000, 1, 1)},
		storage.IndexUpdate{LoanID: l.ID, Index: storage.LoanIndex{DaysPastDue: 4}})
	assertInvalid(t, err, "updates[1].loan_id", "updates[1].prev_as_of", "updates[2].loan_id")
	got := mustGet(t, s, l.ID)
	assert.Equal(t, int64(1), got.Version)
	assert.Empty(t, got.Journal)
	assert.Equal(t, l.Index, got.Index)
}

// testNotFound: every read of a key that was never stored, and every write
// that needs a stored record, is ErrNotFound.
func testNotFound(t *testing.T, s storage.Store) {
	ctx := context.Background()
	id := uuid.New()
	var err error
	check := func(name string, err error) {
		t.Helper()
		assert.ErrorIs(t, err, storage.ErrNotFound, name)
	}
	_, err = s.Loans().Get(ctx, id)
	check("Loans.Get", err)
	_, err = s.Loans().Append(ctx, storage.Append{LoanID: id, ExpectedVersion: 1,
		Entries: []storage.Entry{repayment("k", day(2024, 1, 1), amt("1.00", money.CNY))}})
	check("Loans.Append", err)
	check("Loans.UpdateIndex", s.Loans().UpdateIndex(ctx, storage.IndexUpdate{LoanID: id}))
	_, err = s.Applications().Get(ctx, id)
	check("Applications.Get", err)
	a := newApplication(id)
	a.Version = 1
	_, err = s.Applications().Update(ctx, a)
	check("Applications.Update", err)
	_, err = s.Books().Get(ctx, id)
	check("Books.Get", err)
	_, _, err = s.Books().Append(ctx, storage.BookAppend{LoanID: id, ExpectedVersion: 1, Ops: []storage.BookOp{bookOp("k", 1)}})
	check("Books.Append", err)
	_, err = s.Collections().Get(ctx, id)
	check("Collections.Get", err)
	_, err = s.Collections().Save(ctx, storage.Collection{LoanID: id, Version: 1, Document: doc("1")})
	check("Collections.Save at a version", err)
	_, err = s.Debtors().Get(ctx, id, time.Time{})
	check("Debtors.Get", err)
	_, _, err = s.Debtors().Save(ctx, storage.DebtorSave{ID: id, ExpectedVersion: 1, State: doc("1")})
	check("Debtors.Save at a version", err)
	_, err = s.Inspections().Get(ctx, id)
	check("Inspections.Get", err)
	_, err = s.Inspections().Last(ctx, id)
	check("Inspections.Last", err)
	_, err = s.Inspections().Save(ctx, storage.Inspection{ID: id, LoanID: id, Version: 1, Date: day(2024, 1, 1),
		Status: "recorded", Document: doc("1")})
	check("Inspections.Save at a version", err)
	_, err = s.Collateral().Item(ctx, id)
	check("Collateral.Item", err)
	_, err = s.Collateral().SaveItem(ctx, storage.Item{ID: id, Version: 1, Status: "pledged", Document: doc("1")})
	check("Collateral.SaveItem at a version", err)
	_, err = s.Collateral().Cover(ctx, id)
	check("Collateral.Cover", err)
	_, err = s.Collateral().SaveCover(ctx, storage.Cover{LoanID: id, Version: 1, Document: doc("1")})
	check("Collateral.SaveCover at a version", err)
	_, err = s.Collateral().Guarantor(ctx, id)
	check("Collateral.Guarantor", err)
	_, err = s.Collateral().SaveGuarantor(ctx, storage.Guarantor{ID: id, Version: 1, Document: doc("1")})
	check("Collateral.SaveGuarantor at a version", err)
	_, err = s.Closes().Save(ctx, storage.ClosePart{Day: day(2024, 1, 1), Parts: 2, Version: 1})
	check("Closes.Save of a day not planned", err)
	check("Outbox.MarkDelivered", s.Outbox().MarkDelivered(ctx, "nothing"))

	// Nothing was created by the failed writes.
	_, err = s.Collections().Get(ctx, id)
	check("Collections.Get after", err)
	_, err = s.Debtors().Get(ctx, id, time.Time{})
	check("Debtors.Get after", err)
	_, err = s.Inspections().Get(ctx, id)
	check("Inspections.Get after", err)
	_, err = s.Collateral().Item(ctx, id)
	check("Collateral.Item after", err)
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
	require.NoError(t, s.Loans().UpdateIndex(ctx, storage.IndexUpdate{LoanID: a.ID, PrevAsOf: ia.AsOf, Index: next}))
	next.State = ia.State
	assert.Equal(t, next, mustGet(t, s, a.ID).Index)
	ia = next
	assert.Equal(t, int64(1), mustGet(t, s, a.ID).Version, "the index is derived: no new version")

	// One unknown loan: nothing is updated.
	err := s.Loans().UpdateIndex(ctx, storage.IndexUpdate{LoanID: a.ID, PrevAsOf: ia.AsOf, Index: ib},
		storage.IndexUpdate{LoanID: uuid.New(), Index: ib})
	require.ErrorIs(t, err, storage.ErrNotFound)
	assert.Equal(t, ia, mustGet(t, s, a.ID).Index)

	err = s.Loans().UpdateIndex(ctx, storage.IndexUpdate{LoanID: a.ID, Index: storage.LoanIndex{DaysPastDue: -3}})
	require.ErrorIs(t, err, storage.ErrInvalid)
	assert.Equal(t, ia, mustGet(t, s, a.ID).Index)
}

// testUpdateIndexFence: an index update applies only while the stored AsOf
// is the one the writer read (PrevAsOf), so two closes of one day cannot
// both write; one stale update fails the whole batch.
func testUpdateIndexFence(t *testing.T, s storage.Store) {
	ctx := context.Background()
	a, b := newLoan(), newLoan()
	b.Index.AsOf = day(2024, 3, 31)
	mustCreate(t, s, a, b)

	// A loan never indexed has the zero AsOf.
	first := storage.LoanIndex{AsOf: day(2024, 3, 31), Bucket: "M0", Collection: "pre-due", State: json.RawMessage(`{"n":1}`)}
	require.NoError(t, s.Loans().UpdateIndex(ctx, storage.IndexUpdate{LoanID: a.ID, Index: first}))

	// The next day's update states the AsOf it read.
	next := storage.LoanIndex{AsOf: day(2024, 4, 1), DaysPastDue: 1, Bucket: "M1", Collection: "m1", State: json.RawMessage(`{"n":2}`)}
	stale := storage.LoanIndex{AsOf: day(2024, 4, 1), DaysPastDue: 99, Bucket: "M4", Collection: "legal"}
	err := s.Loans().UpdateIndex(ctx, storage.IndexUpdate{LoanID: a.ID, Index: next}) // PrevAsOf zero: stale
	require.ErrorIs(t, err, storage.ErrConflict)
	assert.Equal(t, first, mustGet(t, s, a.ID).Index)

	require.NoError(t, s.Loans().UpdateIndex(ctx,
		storage.IndexUpdate{LoanID: a.ID, PrevAsOf: day(2024, 3, 31), Index: next},
		storage.IndexUpdate{LoanID: b.ID, PrevAsOf: day(2024, 3, 31), Index: next}))
	assert.Equal(t, next, mustGet(t, s, a.ID).Index)

	// A second writer of the same day read 2024-03-31 too: it conflicts,
	// and the fresh update of c in its batch is not written either.
	c := newLoan()
	mustCreate(t, s, c)
	err = s.Loans().UpdateIndex(ctx,
		storage.IndexUpdate{LoanID: c.ID, Index: stale},
		storage.IndexUpdate{LoanID: a.ID, PrevAsOf: day(2024, 3, 31), Index: stale})
	require.ErrorIs(t, err, storage.ErrConflict)
	assert.Equal(t, next, mustGet(t, s, a.ID).Index)
	assert.Equal(t, storage.LoanIndex{}, mustGet(t, s, c.ID).Index)

	// An unknown loan beside a stale one: not found, nothing written.
	err = s.Loans().UpdateIndex(ctx,
		storage.IndexUpdate{LoanID: b.ID, PrevAsOf: day(2024, 4, 1), Index: stale},
		storage.IndexUpdate{LoanID: uuid.New(), Index: stale})
	require.ErrorIs(t, err, storage.ErrNotFound)
	assert.Equal(t, next, mustGet(t, s, b.ID).Index)

	// Versions are untouched by index updates.
	assert.Equal(t, int64(1), mustGet(t, s, a.ID).Version)
}
