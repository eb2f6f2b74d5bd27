package lendcore_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/memory"
)

// lateClock is the Engine's clock in the collection tests: 2025-06-30
// 18:00 in Shanghai, after every contact and promise they record.
func lateClock() time.Time { return time.Date(2025, 6, 30, 10, 0, 0, 0, time.UTC) }

// shanghai is the debtors' time zone: quiet hours and "a day" are theirs.
var shanghai = time.FixedZone("CST", 8*3600)

func cst(y int, m time.Month, day, h, min int) time.Time {
	return time.Date(y, m, day, h, min, 0, 0, shanghai)
}

func collectionEngine(t *testing.T) *lendcore.Engine {
	t.Helper()
	e, err := lendcore.New(memory.New(), lendcore.WithPolicies(testPolicies()), lendcore.WithClock(lateClock))
	require.NoError(t, err)
	return e
}

func call(at time.Time, o collect.Outcome) collect.ContactRecord {
	return collect.ContactRecord{At: at, Collector: "c-1", Channel: collect.Phone, Party: collect.Borrower, Outcome: o}
}

// collectionState is everything a collection command may change: the
// store's loans and outbox, and the loan's collection record.
func collectionState(t *testing.T, e *lendcore.Engine, id uuid.UUID) map[string]string {
	t.Helper()
	out := snapshot(t, e.Store())
	rec, err := e.Collection(context.Background(), id)
	if errors.Is(err, storage.ErrNotFound) {
		return out
	}
	require.NoError(t, err)
	raw, err := json.Marshal(rec)
	require.NoError(t, err)
	out["collection"] = string(raw)
	return out
}

func requireRule(t *testing.T, err error, rule collect.RuleID) {
	t.Helper()
	var re *collect.RuleError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, rule, re.Rule)
	assert.ErrorIs(t, err, collect.ErrContactRefused)
}

// COL-1 (GB/T 45251—2025, secondary): at most 3 connected calls a day to
// the debtor, counted across all their loans; calls not answered do not count.
func TestContactCallLimit(t *testing.T) {
	ctx := context.Background()
	e := collectionEngine(t)
	id := uuid.New()
	openLoan(t, e, id)
	// 09:00 reached, 10:00 no answer, 11:00 and 12:00 reached: three
	// connected calls in four attempts, all allowed.
	for h, o := range []collect.Outcome{collect.Reached, collect.NoAnswer, collect.Reached, collect.Reached} {
		require.NoError(t, e.RecordContact(ctx, id, call(cst(2024, 2, 20, 9+h, 0), o)))
	}
	before := collectionState(t, e, id)

	err := e.RecordContact(ctx, id, call(cst(2024, 2, 20, 15, 0), collect.PromisedPay))
	requireRule(t, err, "COL-1")
	assert.Equal(t, before, collectionState(t, e, id), "a refused call stores nothing")

	// The first call again (a retried command) is recorded already: no
	// error although the day is full, and nothing added.
	require.NoError(t, e.RecordContact(ctx, id, call(cst(2024, 2, 20, 9, 0), collect.Reached)))
	assert.Equal(t, before, collectionState(t, e, id))

	// COL-1 counts calls: an SMS on the full day is recorded.
	sms := call(cst(2024, 2, 20, 16, 0), collect.Delivered)
	sms.Channel = collect.SMS
	require.NoError(t, e.RecordContact(ctx, id, sms))
	// 2024-02-21 00:30 in Shanghai is 2024-02-20 16:30 UTC: a new local
	// day, but in the quiet hours (COL-2); 08:00 is the first allowed call.
	requireRule(t, e.RecordContact(ctx, id, call(cst(2024, 2, 21, 0, 30), collect.Reached)), "COL-2")
	require.NoError(t, e.RecordContact(ctx, id, call(cst(2024, 2, 21, 8, 0), collect.Reached)))
	rec, err := e.Collection(ctx, id)
	require.NoError(t, err)
	assert.Len(t, rec.Contacts, 6, "4 calls and an SMS on 02-20, one call on 02-21")
	key := "collection/contact/" + id.String() + "/"
	n := 0
	msgs, err := e.Store().Outbox().Pending(ctx, 1000)
	require.NoError(t, err)
	for _, m := range msgs {
		if len(m.Key) > len(key) && m.Key[:len(key)] == key {
			n++
			assert.Equal(t, lendcore.TopicCollection, m.Topic)
		}
	}
	assert.Equal(t, 6, n, "one outbox record per recorded contact")

	// A second loan of the same borrower: the debtor already had 3
	// connected calls on 02-20, so a call about this loan is refused too.
	other := uuid.New()
	req := request(other)
	l1, err := e.Application(ctx, id)
	require.NoError(t, err)
	req.Borrower = l1.Request().Borrower
	_, err = e.Submit(ctx, req)
	require.NoError(t, err)
	_, err = e.Approve(ctx, other, loan.Action{Officer: "approver", On: d(2024, 1, 12)}, loan.Exposure{})
	require.NoError(t, err)
	_, err = e.Disburse(ctx, other, lendcore.Disbursement{Actor: "teller", IdempotencyKey: "disburse"})
	require.NoError(t, err)
	requireRule(t, e.RecordContact(ctx, other, call(cst(2024, 2, 20, 17, 0), collect.Reached)), "COL-1")
	rec, err = e.Collection(ctx, other)
	require.NoError(t, err)
	assert.Empty(t, rec.Contacts)
}

// COL-2 (GB/T 45251—2025, secondary): no contact 22:00–08:00 local time
// unless the debtor agreed.
func TestContactQuietHours(t *testing.T) {
	ctx := context.Background()
	e := collectionEngine(t)
	id := uuid.New()
	openLoan(t, e, id)
	before := collectionState(t, e, id)
	requireRule(t, e.RecordContact(ctx, id, call(cst(2024, 2, 20, 22, 30), collect.Reached)), "COL-2")
	// The same instant given in UTC (14:30) is still 22:30 for the debtor.
	utc := call(cst(2024, 2, 20, 22, 30).UTC(), collect.Reached)
	utc.Location = shanghai
	requireRule(t, e.RecordContact(ctx, id, utc), "COL-2")
	assert.Equal(t, before, collectionState(t, e, id), "refused calls store nothing")

	require.NoError(t, e.SetContactState(ctx, id, collect.ContactState{OutOfHoursConsent: true}))
	require.NoError(t, e.RecordContact(ctx, id, call(cst(2024, 2, 20, 22, 30), collect.Reached)), "the debtor agreed")
	rec, err := e.Collection(ctx, id)
	require.NoError(t, err)
	assert.Len(t, rec.Contacts, 1)
	assert.True(t, rec.ContactState.OutOfHoursConsent)

	// A dispute reported in a call opens a review: COL-PAUSE (NF, lender
	// policy) refuses the next contact until the host closes it.
	require.NoError(t, e.RecordContact(ctx, id, call(cst(2024, 2, 21, 10, 0), collect.Disputed)))
	requireRule(t, e.RecordContact(ctx, id, call(cst(2024, 2, 22, 10, 0), collect.Reached)), "COL-PAUSE")
	require.NoError(t, e.SetContactState(ctx, id, collect.ContactState{}))
	require.NoError(t, e.RecordContact(ctx, id, call(cst(2024, 2, 22, 10, 0), collect.Reached)))
}

// promise is 888.49 (the first installment of the test loan) promised on
// 2024-02-20 for 2024-02-25.
func promise(tolerance int) collect.Promise {
	return collect.Promise{Collector: "c-1", Made: d(2024, 2, 20), Due: d(2024, 2, 25), Amount: cny("888.49"),
		ToleranceDays: tolerance}
}

// A promise is kept once the payments from the day it was made cover it
// (issue 7, promises to pay): 888.49 paid 2024-02-24 against 888.49
// promised for 2024-02-25 (+2 days) settles it at the close of 02-24.
func TestPromiseKept(t *testing.T) {
	ctx := context.Background()
	e := collectionEngine(t)
	id := uuid.New()
	openLoan(t, e, id)
	closeDays(t, e, d(2024, 2, 16), d(2024, 2, 19)) // 2024-02-15 missed: M1
	require.NoError(t, e.RecordPromise(ctx, id, promise(2)))
	require.NoError(t, e.RecordPromise(ctx, id, promise(2)), "a retried command adds nothing")
	_, err := e.Post(ctx, id, loan.Entry{Kind: loan.Repayment, ValueDate: d(2024, 2, 24), Actor: "borrower",
		IdempotencyKey: "pay-1", Amount: cny("888.49")})
	require.NoError(t, err)

	closeDays(t, e, d(2024, 2, 20), d(2024, 2, 23))
	rec, err := e.Collection(ctx, id)
	require.NoError(t, err)
	require.Len(t, rec.Promises, 1)
	assert.Equal(t, collect.Pending, rec.Promises[0].Status, "on 02-23 nothing is paid yet and the deadline is 02-27")

	closeDays(t, e, d(2024, 2, 24), d(2024, 2, 24))
	rec, err = e.Collection(ctx, id)
	require.NoError(t, err)
	p := rec.Promises[0]
	assert.Equal(t, collect.Kept, p.Status)
	assert.Equal(t, d(2024, 2, 24), p.Settled)
	assert.Equal(t, cny("888.49"), p.Paid)
	assert.True(t, hasMessage(t, e, "collection/promise-kept/"+id.String()+"/"+p.ID.String()))
	assert.True(t, hasMessage(t, e, "collection/promise/"+id.String()+"/"+p.ID.String()))

	// Settled promises leave the review: the next days add no message.
	n := len(pending(t, e))
	closeDays(t, e, d(2024, 2, 25), d(2024, 2, 28))
	rec, err = e.Collection(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, p, rec.Promises[0])
	for _, m := range pending(t, e)[n:] {
		assert.NotContains(t, m.Key, "promise")
	}
}

// A broken promise escalates (issue 7; collect.DefaultLadder: "a broken
// promise moves a loan from M1 up to M2"). Loans A and B both miss
// 2024-02-15 and are in M1 (1–30 DPD). A's borrower promises 888.49 for
// 2024-02-25 without tolerance and pays nothing: the close of 02-26 finds
// the promise broken, and the close of 02-27 moves A to M2 although its
// 12 days past due alone keep B in M1. A never comes back down while in
// arrears.
func TestBrokenPromiseEscalates(t *testing.T) {
	ctx := context.Background()
	e := collectionEngine(t)
	a, b := uuid.New(), uuid.New()
	openLoan(t, e, a)
	openLoan(t, e, b)
	require.NoError(t, e.RecordPromise(ctx, a, promise(0)))
	closeDays(t, e, d(2024, 2, 16), d(2024, 2, 26))

	rec, err := e.Collection(ctx, a)
	require.NoError(t, err)
	require.Len(t, rec.Promises, 1)
	assert.Equal(t, collect.Broken, rec.Promises[0].Status)
	assert.Equal(t, d(2024, 2, 26), rec.Promises[0].Settled, "the day after the deadline 02-25")
	assert.True(t, rec.Promises[0].Paid.IsZero())
	assert.True(t, hasMessage(t, e, "collection/promise-broken/"+a.String()+"/"+rec.Promises[0].ID.String()))
	stA, err := e.State(ctx, a)
	require.NoError(t, err)
	assert.Equal(t, collect.M1, stA.Collection, "found broken after the day's batches: fed tomorrow")

	closeDays(t, e, d(2024, 2, 27), d(2024, 2, 27))
	stA, err = e.State(ctx, a)
	require.NoError(t, err)
	stB, err := e.State(ctx, b)
	require.NoError(t, err)
	assert.Equal(t, 12, stA.DPD)
	assert.Equal(t, 12, stB.DPD)
	assert.Equal(t, collect.M2, stA.Collection)
	assert.Equal(t, d(2024, 2, 27), stA.CollectionSince)
	assert.Equal(t, collect.M1, stB.Collection)

	closeDays(t, e, d(2024, 2, 28), d(2024, 3, 5))
	stA, err = e.State(ctx, a)
	require.NoError(t, err)
	assert.Equal(t, collect.M2, stA.Collection)
	assert.Equal(t, d(2024, 2, 27), stA.CollectionSince, "fed once: the stage was entered once")
}

// The limitation period (Civil Code arts. 188–189, 195):
// three years from the due date of the last installment — the test loan's
// 12th falls due 2025-01-15, so it expires 2028-01-15 — restarted by an
// SMS demand that reached the borrower on 2025-03-01 (SPC art. 8) →
// 2028-03-01, and by a partial payment on 2025-05-10 (SPC art. 14) →
// 2028-05-10.
func TestLimitationMovesAfterDemand(t *testing.T) {
	ctx := context.Background()
	e := collectionEngine(t)
	id := uuid.New()
	openLoan(t, e, id)
	expiry := func(y int, m time.Month, day int) any {
		t.Helper()
		s, err := e.LimitationExpiry(ctx, id, d(y, m, day))
		require.NoError(t, err)
		return s.Expiry
	}
	assert.Equal(t, d(2028, 1, 15), expiry(2025, 2, 1))

	sms := collect.ContactRecord{At: cst(2025, 3, 1, 10, 0), Collector: "c-1", Channel: collect.SMS,
		Party: collect.Borrower, Outcome: collect.Delivered, MentionsDebt: true}
	undelivered, phone := sms, call(cst(2025, 4, 1, 10, 0), collect.Reached)
	undelivered.At, undelivered.Outcome = cst(2025, 4, 1, 10, 0), collect.Undelivered
	phone.MentionsDebt = true
	for _, r := range []collect.ContactRecord{sms, undelivered, phone} {
		require.NoError(t, e.RecordContact(ctx, id, r))
	}
	assert.Equal(t, d(2028, 1, 15), expiry(2025, 2, 28), "the demand is not counted before its day")
	assert.Equal(t, d(2028, 3, 1), expiry(2025, 3, 1))
	assert.Equal(t, d(2028, 3, 1), expiry(2025, 4, 30), "an undelivered SMS and a call are no demand")
	rec, err := e.Collection(ctx, id)
	require.NoError(t, err)
	require.Len(t, rec.Demands, 1)
	assert.Equal(t, collect.Demand, rec.Demands[0].Kind)

	_, err = e.Post(ctx, id, loan.Entry{Kind: loan.Repayment, ValueDate: d(2025, 5, 10), Actor: "borrower",
		IdempotencyKey: "part-1", Amount: cny("100")})
	require.NoError(t, err)
	assert.Equal(t, d(2028, 5, 10), expiry(2025, 6, 1))
}

// Bad input (issue 7's table: contact record in the future, promise with
// zero amount, …) returns a typed error naming the fields and changes
// nothing.
func TestCollectionBadInput(t *testing.T) {
	ctx := context.Background()
	e := collectionEngine(t)
	id, unknown := uuid.New(), uuid.New()
	openLoan(t, e, id)
	require.NoError(t, e.RecordPromise(ctx, id, promise(0)))
	first, err := e.Collection(ctx, id)
	require.NoError(t, err)
	ok := call(cst(2024, 2, 20, 10, 0), collect.Reached)
	with := func(f func(*collect.ContactRecord)) collect.ContactRecord { r := ok; f(&r); return r }
	promised := func(f func(*collect.Promise)) collect.Promise { p := promise(0); f(&p); return p }

	cases := []struct {
		name   string
		run    func() error
		is     error
		fields []string
	}{
		{"contact on an unknown loan", func() error { return e.RecordContact(ctx, unknown, ok) }, storage.ErrNotFound, nil},
		{"promise on an unknown loan", func() error { return e.RecordPromise(ctx, unknown, promise(0)) }, storage.ErrNotFound, nil},
		{"contact after the Engine's clock (2025-06-30 18:00 CST)", func() error {
			return e.RecordContact(ctx, id, with(func(r *collect.ContactRecord) { r.At = cst(2025, 6, 30, 18, 1) }))
		}, collect.ErrInvalidInput, []string{"at"}},
		{"contact without collector or channel", func() error {
			return e.RecordContact(ctx, id, with(func(r *collect.ContactRecord) { r.Collector, r.Channel = "", 0 }))
		}, collect.ErrInvalidInput, []string{"collector", "channel"}},
		{"contact about another loan", func() error {
			return e.RecordContact(ctx, id, with(func(r *collect.ContactRecord) { r.Loan = unknown }))
		}, collect.ErrInvalidInput, []string{"loan"}},
		{"promise of zero", func() error {
			return e.RecordPromise(ctx, id, promised(func(p *collect.Promise) { p.Amount = cny("0") }))
		}, collect.ErrInvalidInput, []string{"amount"}},
		// The clock says 2025-06-30 10:00 UTC, already 2025-07-01 00:00 at
		// UTC+14: a promise made 2025-07-02 is in the future everywhere.
		{"promise made after today, without collector", func() error {
			return e.RecordPromise(ctx, id, promised(func(p *collect.Promise) { p.Made, p.Due, p.Collector = d(2025, 7, 2), d(2025, 7, 5), "" }))
		}, collect.ErrInvalidInput, []string{"collector", "made"}},
		{"promise in another currency", func() error {
			return e.RecordPromise(ctx, id, promised(func(p *collect.Promise) { p.Amount = money.MustParse("100", money.USD) }))
		}, collect.ErrInvalidInput, []string{"amount"}},
		{"promise made before the loan started (2024-01-15)", func() error {
			return e.RecordPromise(ctx, id, promised(func(p *collect.Promise) { p.Made = d(2024, 1, 10) }))
		}, collect.ErrInvalidInput, []string{"made"}},
		{"promise id recorded with other terms", func() error {
			return e.RecordPromise(ctx, id, promised(func(p *collect.Promise) { p.ID, p.Amount = first.Promises[0].ID, cny("1") }))
		}, collect.ErrInvalidInput, []string{"id"}},
		{"limitation of an unknown loan", func() error {
			_, err := e.LimitationExpiry(ctx, unknown, d(2025, 1, 1))
			return err
		}, storage.ErrNotFound, nil},
		// COL-3 (S): the debt must not be disclosed to an emergency contact.
		{"SMS to an emergency contact mentioning the debt", func() error {
			return e.RecordContact(ctx, id, with(func(r *collect.ContactRecord) {
				r.Channel, r.Party, r.Outcome, r.MentionsDebt = collect.SMS, collect.EmergencyContact, collect.Delivered, true
			}))
		}, collect.ErrContactRefused, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := collectionState(t, e, id)
			err := tc.run()
			require.ErrorIs(t, err, tc.is)
			if tc.fields != nil {
				var v *fault.Fields
				require.ErrorAs(t, err, &v)
				var got []string
				for _, f := range v.List {
					got = append(got, f.Name)
				}
				assert.ElementsMatch(t, tc.fields, got)
			}
			assert.Equal(t, before, collectionState(t, e, id), "nothing changed")
		})
	}
}

func pending(t *testing.T, e *lendcore.Engine) []storage.Message {
	t.Helper()
	msgs, err := e.Store().Outbox().Pending(context.Background(), 1_000_000)
	require.NoError(t, err)
	return msgs
}

// A close killed midway on the day a broken promise is fed, then run
// again, ends exactly as an uninterrupted close (issue 9: crash-and-resume
// without double effects): the loan escalates once, and the promise is fed
// once. The kill falls after the first of the day's two batches (n = 1),
// or after both, before the promise review commits (n = 2).
func TestBrokenPromiseSurvivesInterruptedClose(t *testing.T) {
	ctx := context.Background()
	a, b := uuid.NewSHA1(uuid.NameSpaceOID, []byte("promise-a")), uuid.NewSHA1(uuid.NameSpaceOID, []byte("promise-b"))
	setup := func(s storage.Store) *lendcore.Engine {
		e, err := lendcore.New(s, lendcore.WithPolicies(testPolicies()), lendcore.WithClock(lateClock),
			lendcore.WithBatchSize(1), lendcore.WithWorkers(1))
		require.NoError(t, err)
		openLoan(t, e, a)
		openLoan(t, e, b)
		require.NoError(t, e.RecordPromise(ctx, a, promise(0)))
		closeDays(t, e, d(2024, 2, 16), d(2024, 2, 26))
		return e
	}
	whole := setup(memory.New())
	closeDays(t, whole, d(2024, 2, 27), d(2024, 3, 2))
	want := collectionState(t, whole, a)

	for _, n := range []int32{1, 2} {
		killCtx, cancel := context.WithCancel(ctx)
		store := &cancelAfter{Store: memory.New(), cancel: cancel}
		e := setup(store)
		store.n = store.done.Load() + n
		_, err := e.CloseOfDay(killCtx, d(2024, 2, 27))
		require.ErrorIs(t, err, context.Canceled, "n=%d", n)
		closeDays(t, e, d(2024, 2, 27), d(2024, 3, 2))
		assert.Equal(t, want, collectionState(t, e, a), "n=%d", n)
		st, err := e.State(ctx, a)
		require.NoError(t, err)
		assert.Equal(t, collect.M2, st.Collection)
		assert.Equal(t, d(2024, 2, 27), st.CollectionSince)
	}
}
