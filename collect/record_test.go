package collect_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// loanStart is the start of the loan the record tests collect on.
var loanStart = day(2024, 1, 1)

// promiseOf is a promise on loanID made on made, due on due for amount.
func promiseOf(made, due date.Date, amount string) collect.Promise {
	return collect.Promise{Collector: "c-1", Made: made, Due: due, Amount: cny(amount), Shortfall: cny("0")}
}

// ledger is a loan's payments by value date; received is the cumulative
// total through a day, as the Engine's position reports it, and calls
// counts how often Review asked.
type ledger struct {
	pays  []collect.Payment
	calls int
}

func (l *ledger) received(through date.Date) (money.Amount, error) {
	l.calls++
	total := cny("0")
	for _, p := range l.pays {
		if !p.Day.After(through) {
			total = total.Add(p.Amount)
		}
	}
	return total, nil
}

func pay(d date.Date, amount string) collect.Payment {
	return collect.Payment{Day: d, Amount: cny(amount)}
}

func TestRecordAddPromise(t *testing.T) {
	r := collect.NewRecord(loanID)
	p := promiseOf(day(2024, 5, 1), day(2024, 5, 10), "1000")

	got, added, err := r.AddPromise(p, money.CNY, loanStart)
	require.NoError(t, err)
	assert.True(t, added)
	// The id is derived from the promise's content with the loan filled in,
	// in the loan's namespace (as the Engine has always derived it).
	withLoan := p
	withLoan.Loan = loanID
	raw, err := json.Marshal(withLoan)
	require.NoError(t, err)
	assert.Equal(t, uuid.NewSHA1(loanID, raw), got.ID)
	assert.Equal(t, loanID, got.Loan)
	assert.Equal(t, collect.Pending, got.Status)
	assert.Equal(t, cny("0"), got.Paid)
	assert.True(t, got.Settled.IsZero())
	require.Len(t, r.Promises, 1)
	assert.Equal(t, got, r.Promises[0])

	// The same promise again, with or without its id: recorded already.
	for _, again := range []collect.Promise{p, got.Promise} {
		same, added, err := r.AddPromise(again, money.CNY, loanStart)
		require.NoError(t, err)
		assert.False(t, added)
		assert.Equal(t, got, same)
	}
	assert.Len(t, r.Promises, 1)

	// The id with other terms is bad input naming "id".
	other := got.Promise
	other.Amount = cny("900")
	_, added, err = r.AddPromise(other, money.CNY, loanStart)
	var bad *fault.Fields
	require.ErrorAs(t, err, &bad)
	assert.True(t, bad.Has("id"), "%v", err)
	assert.ErrorIs(t, err, collect.ErrInvalidInput)
	assert.False(t, added)
	assert.Len(t, r.Promises, 1)

	// Other terms without an id are another promise.
	_, added, err = r.AddPromise(promiseOf(day(2024, 5, 1), day(2024, 5, 10), "900"), money.CNY, loanStart)
	require.NoError(t, err)
	assert.True(t, added)
	assert.Len(t, r.Promises, 2)
}

func TestRecordAddPromiseRefusesBadInput(t *testing.T) {
	base := promiseOf(day(2024, 5, 1), day(2024, 5, 10), "1000")
	cases := []struct {
		name   string
		edit   func(p *collect.Promise)
		fields []string
	}{
		{"another loan", func(p *collect.Promise) { p.Loan = uuid.MustParse("00000000-0000-0000-0000-000000000002") }, []string{"loan"}},
		{"another currency", func(p *collect.Promise) {
			p.Amount, p.Shortfall = money.MustParse("1000", money.USD), money.Zero(money.USD)
		}, []string{"amount"}},
		{"made before the loan started", func(p *collect.Promise) { p.Made = day(2023, 12, 31) }, []string{"made"}},
		{"made missing", func(p *collect.Promise) { p.Made = date.Date{} }, []string{"made"}},
		{"no collector, zero amount", func(p *collect.Promise) { p.Collector, p.Amount = "", cny("0") }, []string{"collector", "amount"}},
		{"due before made, negative tolerance", func(p *collect.Promise) { p.Due, p.ToleranceDays = day(2024, 4, 1), -1 },
			[]string{"due", "tolerance_days"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := collect.NewRecord(loanID)
			_, _, err := r.AddPromise(promiseOf(day(2024, 4, 1), day(2024, 4, 9), "10"), money.CNY, loanStart)
			require.NoError(t, err)
			before := clone(t, r)
			p := base
			tc.edit(&p)
			_, added, err := r.AddPromise(p, money.CNY, loanStart)
			assert.False(t, added)
			var bad *fault.Fields
			require.ErrorAs(t, err, &bad)
			assert.ErrorIs(t, err, collect.ErrInvalidInput)
			for _, f := range tc.fields {
				assert.True(t, bad.Has(f), "%s in %v", f, err)
			}
			assert.Equal(t, len(tc.fields), bad.Len(), "%v", err)
			assert.Equal(t, before, r, "bad input changed the record")
		})
	}
}

// clone deep-copies a record through JSON, for "nothing changed" checks.
func clone(t *testing.T, r *collect.Record) *collect.Record {
	t.Helper()
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var out collect.Record
	require.NoError(t, json.Unmarshal(b, &out))
	return &out
}

// Settlement follows Promise.Evaluate: payments from the day the promise
// was made to its deadline (due + tolerance days) against the amount less
// the tolerated shortfall; kept as soon as they cover it, broken the day
// after the deadline otherwise.
func TestRecordReview(t *testing.T) {
	made, due := day(2024, 5, 1), day(2024, 5, 10)
	cases := []struct {
		name      string
		tolerance int
		shortfall string
		pays      []collect.Payment
		day       date.Date
		want      collect.PromiseStatus // Pending: not settled
		paid      string
	}{
		{"kept early, before the due date", 0, "0", []collect.Payment{pay(day(2024, 5, 3), "1000")}, day(2024, 5, 4), collect.Kept, "1000"},
		{"kept by two payments", 0, "0", []collect.Payment{pay(day(2024, 5, 2), "400"), pay(day(2024, 5, 9), "600")}, due, collect.Kept, "1000"},
		{"part paid, deadline not passed", 0, "0", []collect.Payment{pay(day(2024, 5, 3), "500")}, due, collect.Pending, ""},
		{"kept on the deadline with tolerance and shortfall", 2, "50",
			[]collect.Payment{pay(day(2024, 5, 5), "500"), pay(day(2024, 5, 12), "450")}, day(2024, 5, 12), collect.Kept, "950"},
		{"one fen more short than tolerated", 2, "50",
			[]collect.Payment{pay(day(2024, 5, 5), "500"), pay(day(2024, 5, 12), "449.99")}, day(2024, 5, 13), collect.Broken, "949.99"},
		{"on the deadline, not covered: still pending", 2, "0", []collect.Payment{pay(day(2024, 5, 5), "500")}, day(2024, 5, 12), collect.Pending, ""},
		{"broken the day after the deadline", 2, "0", []collect.Payment{pay(day(2024, 5, 5), "500")}, day(2024, 5, 13), collect.Broken, "500"},
		{"a payment after the deadline does not count", 2, "0",
			[]collect.Payment{pay(day(2024, 5, 5), "500"), pay(day(2024, 5, 13), "500")}, day(2024, 5, 13), collect.Broken, "500"},
		{"a payment before the promise was made does not count", 0, "0", []collect.Payment{pay(day(2024, 4, 30), "1000")}, day(2024, 5, 11), collect.Broken, "0"},
		{"a payment on the day it was made counts", 0, "0", []collect.Payment{pay(made, "1000")}, made, collect.Kept, "1000"},
		{"reviewed before it was made", 0, "0", []collect.Payment{pay(day(2024, 4, 30), "1000")}, day(2024, 4, 30), collect.Pending, ""},
		{"nothing paid at all", 0, "0", nil, day(2024, 5, 11), collect.Broken, "0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := collect.NewRecord(loanID)
			p := promiseOf(made, due, "1000")
			p.ToleranceDays, p.Shortfall = tc.tolerance, cny(tc.shortfall)
			pr, _, err := r.AddPromise(p, money.CNY, loanStart)
			require.NoError(t, err)
			l := &ledger{pays: tc.pays}
			settled, err := r.Review(tc.day, l.received)
			require.NoError(t, err)
			if tc.want == collect.Pending {
				assert.Empty(t, settled)
				assert.Equal(t, collect.Pending, r.Promises[0].Status)
				assert.True(t, r.Promises[0].Settled.IsZero())
				if tc.day.Before(made) {
					assert.Zero(t, l.calls, "a promise not yet made needs no payments")
				}
				return
			}
			require.Len(t, settled, 1)
			want := pr
			want.Status, want.Settled, want.Paid = tc.want, tc.day, cny(tc.paid)
			assert.Equal(t, want, settled[0])
			assert.Equal(t, want, r.Promises[0])
			// Cross-check against Promise.Evaluate on the raw payments.
			st, err := p.Evaluate(tc.pays, tc.day)
			require.NoError(t, err)
			assert.Equal(t, tc.want, st)

			// A settled promise is not reviewed again.
			again, err := r.Review(tc.day.Add(30), l.received)
			require.NoError(t, err)
			assert.Empty(t, again)
			assert.Equal(t, want, r.Promises[0])
		})
	}
}

// Review settles several promises at once and leaves the others alone;
// an error settles nothing.
func TestRecordReviewAllOrNothing(t *testing.T) {
	r := collect.NewRecord(loanID)
	for _, p := range []collect.Promise{
		promiseOf(day(2024, 5, 1), day(2024, 5, 5), "100"),
		promiseOf(day(2024, 5, 1), day(2024, 5, 20), "5000"),
		promiseOf(day(2024, 5, 2), day(2024, 5, 6), "300"),
	} {
		_, _, err := r.AddPromise(p, money.CNY, loanStart)
		require.NoError(t, err)
	}
	l := &ledger{pays: []collect.Payment{pay(day(2024, 5, 3), "200")}}
	before := clone(t, r)

	boom := errors.New("position unavailable")
	_, err := r.Review(day(2024, 5, 7), func(date.Date) (money.Amount, error) { return money.Amount{}, boom })
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, before, r)

	_, err = r.Review(day(2024, 5, 7), func(date.Date) (money.Amount, error) { return money.MustParse("1", money.USD), nil })
	var bad *fault.Fields
	require.ErrorAs(t, err, &bad)
	assert.True(t, bad.Has("received"))
	assert.Equal(t, before, r)

	settled, err := r.Review(day(2024, 5, 7), l.received)
	require.NoError(t, err)
	require.Len(t, settled, 2)
	assert.Equal(t, collect.Kept, settled[0].Status) // 200 covers 100
	assert.Equal(t, collect.Broken, settled[1].Status)
	assert.Equal(t, cny("200"), settled[1].Paid) // 200 paid 05-03 counts for the promise of 05-02 too
	assert.Equal(t, collect.Pending, r.Promises[1].Status)
	assert.Equal(t, day(2024, 5, 20), r.NextDeadline())
}

func TestRecordNextDeadline(t *testing.T) {
	r := collect.NewRecord(loanID)
	assert.True(t, r.NextDeadline().IsZero())
	late := promiseOf(day(2024, 5, 1), day(2024, 5, 10), "100")
	early := promiseOf(day(2024, 5, 1), day(2024, 5, 8), "200")
	early.ToleranceDays = 3 // deadline 05-11, after late's
	for _, p := range []collect.Promise{late, early} {
		_, _, err := r.AddPromise(p, money.CNY, loanStart)
		require.NoError(t, err)
	}
	assert.Equal(t, day(2024, 5, 10), r.NextDeadline())
	_, err := r.Review(day(2024, 5, 11), (&ledger{}).received) // late breaks; early's deadline is today
	require.NoError(t, err)
	assert.Equal(t, day(2024, 5, 11), r.NextDeadline())
	_, err = r.Review(day(2024, 5, 12), (&ledger{}).received)
	require.NoError(t, err)
	assert.True(t, r.NextDeadline().IsZero())
}

// A broken promise is fed to the ladder by the close of a later day than
// the one that found it, once.
func TestRecordFeedBrokenPromises(t *testing.T) {
	r := collect.NewRecord(loanID)
	for _, p := range []collect.Promise{
		promiseOf(day(2024, 5, 1), day(2024, 5, 5), "100"),  // broken 05-06
		promiseOf(day(2024, 5, 1), day(2024, 5, 8), "100"),  // broken 05-09
		promiseOf(day(2024, 5, 1), day(2024, 5, 20), "100"), // kept 05-10
	} {
		_, _, err := r.AddPromise(p, money.CNY, loanStart)
		require.NoError(t, err)
	}
	l := &ledger{}
	for d := day(2024, 5, 1); !d.After(day(2024, 5, 9)); d = d.Add(1) {
		_, err := r.Review(d, l.received)
		require.NoError(t, err)
	}
	assert.Equal(t, day(2024, 5, 6), r.Unfed())
	assert.False(t, r.BrokenBefore(day(2024, 5, 6)), "found today: fed by tomorrow's close")
	assert.True(t, r.BrokenBefore(day(2024, 5, 7)))
	assert.Zero(t, r.MarkFed(day(2024, 5, 6)))

	assert.Equal(t, 1, r.MarkFed(day(2024, 5, 9)), "the one found 05-09 waits for 05-10")
	assert.Equal(t, day(2024, 5, 9), r.Promises[0].Fed)
	assert.True(t, r.Promises[1].Fed.IsZero())
	assert.Equal(t, day(2024, 5, 9), r.Unfed())
	assert.False(t, r.BrokenBefore(day(2024, 5, 9)))
	assert.True(t, r.BrokenBefore(day(2024, 5, 10)))

	l.pays = []collect.Payment{pay(day(2024, 5, 10), "100")}
	_, err := r.Review(day(2024, 5, 10), l.received)
	require.NoError(t, err)
	assert.Equal(t, collect.Kept, r.Promises[2].Status)
	assert.Equal(t, 1, r.MarkFed(day(2024, 5, 10)))
	assert.True(t, r.Unfed().IsZero())
	assert.False(t, r.BrokenBefore(day(2024, 6, 1)), "a kept promise is never fed")
	assert.Zero(t, r.MarkFed(day(2024, 6, 1)))
	assert.Equal(t, day(2024, 5, 9), r.Promises[0].Fed, "fed once")
	require.NoError(t, r.Validate())
}

func TestRecordDemands(t *testing.T) {
	r := collect.NewRecord(loanID)
	letter := func(d date.Date, ev string) collect.LimitationEvent {
		return collect.LimitationEvent{Day: d, Kind: collect.Demand, Channel: collect.Letter, Delivered: true, Evidence: ev}
	}
	for _, ev := range []collect.LimitationEvent{
		letter(day(2024, 6, 1), "a"), letter(day(2024, 3, 1), "b"), letter(day(2024, 6, 1), "c"), letter(day(2024, 4, 1), "d"),
	} {
		added, err := r.AddDemand(ev)
		require.NoError(t, err)
		assert.True(t, added)
	}
	evidence := func() []string {
		var out []string
		for _, d := range r.Demands {
			out = append(out, d.Evidence)
		}
		return out
	}
	assert.Equal(t, []string{"b", "d", "a", "c"}, evidence(), "by day; one day's in the order recorded")

	// The same event again adds nothing, even with other details.
	dup := letter(day(2024, 6, 1), "c")
	dup.SignedReceipt = true
	added, err := r.AddDemand(dup)
	require.NoError(t, err)
	assert.False(t, added)
	// Same day and evidence, another kind: another event.
	ack := letter(day(2024, 6, 1), "c")
	ack.Kind = collect.Acknowledgement
	added, err = r.AddDemand(ack)
	require.NoError(t, err)
	assert.True(t, added)
	assert.Equal(t, []string{"b", "d", "a", "c", "c"}, evidence())

	before := clone(t, r)
	for _, tc := range []struct {
		ev     collect.LimitationEvent
		fields []string
	}{
		{collect.LimitationEvent{Kind: collect.Demand, Evidence: "x"}, []string{"day"}},
		{collect.LimitationEvent{Day: day(2024, 7, 1), Kind: 99, Channel: 42}, []string{"kind", "evidence", "channel"}},
	} {
		added, err := r.AddDemand(tc.ev)
		assert.False(t, added)
		var bad *fault.Fields
		require.ErrorAs(t, err, &bad)
		for _, f := range tc.fields {
			assert.True(t, bad.Has(f), "%s in %v", f, err)
		}
	}
	assert.Equal(t, before, r)
}

func TestRecordProceedings(t *testing.T) {
	r := collect.NewRecord(loanID)
	id := uuid.MustParse("00000000-0000-0000-0000-0000000000aa")
	p, err := r.File(id, "Chaoyang District Court", day(2024, 8, 1), cny("5000"))
	require.NoError(t, err)
	assert.Equal(t, collect.Filed, p.Status)
	assert.Equal(t, loanID, p.Loan)
	// Filing interrupts the limitation period (Civil Code art. 195(3)).
	require.Len(t, r.Demands, 1)
	assert.Equal(t, collect.LimitationEvent{Day: day(2024, 8, 1), Kind: collect.Lawsuit, Delivered: true,
		Evidence: "proceeding/" + id.String()}, r.Demands[0])

	before := clone(t, r)
	_, err = r.File(id, "another court", day(2024, 8, 2), cny("5000"))
	var bad *fault.Fields
	require.ErrorAs(t, err, &bad)
	assert.True(t, bad.Has("id"))
	_, err = r.File(uuid.Nil, "", date.Date{}, cny("0"))
	require.ErrorAs(t, err, &bad)
	for _, f := range []string{"id", "day", "forum", "claimed"} {
		assert.True(t, bad.Has(f), "%s in %v", f, err)
	}
	assert.Equal(t, before, r)

	// Proceeding gives the stored proceeding, to step in place.
	got, err := r.Proceeding(id)
	require.NoError(t, err)
	require.NoError(t, got.Judge(day(2024, 10, 1), cny("4800")))
	assert.Equal(t, collect.Judgment, r.Proceedings[0].Status)
	assert.Equal(t, cny("4800"), r.Proceedings[0].Awarded)
	err = got.Judge(day(2024, 10, 2), cny("1"))
	var tr *fault.Transition
	require.ErrorAs(t, err, &tr)
	assert.Equal(t, "legal proceeding", tr.Machine)
	assert.ErrorIs(t, err, collect.ErrIllegalTransition)

	_, err = r.Proceeding(uuid.New())
	assert.ErrorIs(t, err, collect.ErrNotFound)
	assert.Equal(t, fault.CodeNotFound, fault.CodeOf(err))
	require.NoError(t, r.Validate())
}

// Claim is the borrower's claim from the record's demands and the
// acknowledgements the caller derives from payments; its status is the one
// a hand-built claim of the same events gets.
func TestRecordClaim(t *testing.T) {
	r := collect.NewRecord(loanID)
	sms := smsDemand(2025, 3, 1)
	_, err := r.AddDemand(sms)
	require.NoError(t, err)
	acks := []collect.LimitationEvent{
		{Day: day(2025, 9, 1), Kind: collect.Acknowledgement, Delivered: true, Evidence: "entry/2"},
		{Day: day(2024, 12, 1), Kind: collect.Acknowledgement, Delivered: true, Evidence: "entry/1"},
	}
	start := day(2024, 11, 30)
	c := r.Claim(start, acks)
	require.NoError(t, c.Validate())
	assert.Equal(t, collect.Borrower, c.Party)
	assert.Equal(t, loanID, c.Loan)
	assert.Equal(t, []collect.LimitationEvent{acks[1], sms, acks[0]}, c.Events)
	assert.Equal(t, day(2025, 9, 1), acks[0].Day, "the caller's slice is not sorted in place")

	lp := collect.DefaultLimitationPolicy()
	s := lp.Status(&c, day(2026, 1, 1))
	// The latest interruption, the payment of 2025-09-01, restarts the
	// 3 years (Civil Code arts. 188, 195; SPC limitation provisions art. 14).
	assert.Equal(t, day(2025, 9, 1), s.Restart)
	assert.Equal(t, day(2028, 9, 1), s.Expiry)
}

// fullRecord has one of everything, for JSON tests.
func fullRecord(t *testing.T) *collect.Record {
	t.Helper()
	r, err := buildFullRecord()
	require.NoError(t, err)
	return r
}

// buildFullRecord builds fullRecord's record; the fuzz target seeds with it.
func buildFullRecord() (*collect.Record, error) {
	r := collect.NewRecord(loanID)
	for _, p := range []collect.Promise{
		promiseOf(day(2024, 5, 1), day(2024, 5, 5), "100"),
		promiseOf(day(2024, 5, 1), day(2024, 5, 7), "50"),
		promiseOf(day(2024, 5, 1), day(2024, 6, 30), "900"),
	} {
		if _, _, err := r.AddPromise(p, money.CNY, loanStart); err != nil {
			return nil, err
		}
	}
	l := &ledger{pays: []collect.Payment{pay(day(2024, 5, 6), "50")}}
	for d := day(2024, 5, 1); !d.After(day(2024, 5, 8)); d = d.Add(1) {
		if _, err := r.Review(d, l.received); err != nil {
			return nil, err
		}
	}
	if n := r.MarkFed(day(2024, 5, 7)); n != 1 {
		return nil, fmt.Errorf("fed %d broken promises, want 1", n)
	}
	if _, err := r.AddDemand(smsDemand(2024, 5, 2)); err != nil {
		return nil, err
	}
	p, err := r.File(uuid.MustParse("00000000-0000-0000-0000-0000000000bb"), "court", day(2024, 9, 1), cny("1000"))
	if err != nil {
		return nil, err
	}
	if err := p.Judge(day(2024, 11, 1), cny("1000")); err != nil {
		return nil, err
	}
	return r, p.AddRecovery(cny("200"), cny("30"))
}

func TestRecordJSONRoundTrip(t *testing.T) {
	r := fullRecord(t)
	require.NoError(t, r.Validate())
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var back collect.Record
	require.NoError(t, json.Unmarshal(b, &back), "%s", b)
	assert.Equal(t, r, &back)
	s := string(b)
	assert.Contains(t, s, `"status":"broken","settled":"2024-05-06","paid":"CNY 0.00","fed":"2024-05-07"`)
	assert.Contains(t, s, `"status":"kept","settled":"2024-05-06","paid":"CNY 50.00"}`)
	assert.Contains(t, s, `"status":"pending","paid":"CNY 0.00"}`)
	assert.Contains(t, s, `"kind":"lawsuit"`)
	assert.Contains(t, s, `"status":"judgment"`)
}

// A record from outside is validated as it is decoded: a malformed one is
// a *fault.Fields naming the field, and the target is left as it was.
func TestRecordJSONRefusesMalformed(t *testing.T) {
	good, err := json.Marshal(fullRecord(t))
	require.NoError(t, err)
	edit := func(f func(m map[string]any)) string {
		var m map[string]any
		require.NoError(t, json.Unmarshal(good, &m))
		f(m)
		b, err := json.Marshal(m)
		require.NoError(t, err)
		return string(b)
	}
	promise := func(m map[string]any, i int) map[string]any { return m["promises"].([]any)[i].(map[string]any) }
	proceeding := func(m map[string]any) map[string]any { return m["proceedings"].([]any)[0].(map[string]any) }
	cases := []struct {
		name  string
		doc   string
		field string
	}{
		{"wrong type", `{"loan":"00000000-0000-0000-0000-000000000001","promises":7}`, "promises"},
		{"no loan", edit(func(m map[string]any) { delete(m, "loan") }), "loan"},
		{"unknown status", edit(func(m map[string]any) { promise(m, 0)["status"] = "forgotten" }), "promise status"},
		{"promise of another loan", edit(func(m map[string]any) { promise(m, 1)["loan"] = uuid.New().String() }), "promises[1].loan"},
		{"promise id twice", edit(func(m map[string]any) { promise(m, 1)["id"] = promise(m, 0)["id"] }), "promises[1].id"},
		{"promise without id", edit(func(m map[string]any) { promise(m, 2)["id"] = uuid.Nil.String() }), "promises[2].id"},
		{"promise amount negative", edit(func(m map[string]any) { promise(m, 2)["amount"] = "CNY -1.00" }), "promises[2].amount"},
		{"pending but settled", edit(func(m map[string]any) { promise(m, 2)["settled"] = "2024-05-09" }), "promises[2].settled"},
		{"broken but not settled", edit(func(m map[string]any) { delete(promise(m, 0), "settled") }), "promises[0].settled"},
		{"settled before made", edit(func(m map[string]any) { promise(m, 0)["settled"] = "2024-04-01" }), "promises[0].settled"},
		{"kept but fed", edit(func(m map[string]any) { promise(m, 1)["fed"] = "2024-05-09" }), "promises[1].fed"},
		{"fed the day found", edit(func(m map[string]any) { promise(m, 0)["fed"] = "2024-05-06" }), "promises[0].fed"},
		{"paid in another currency", edit(func(m map[string]any) { promise(m, 1)["paid"] = "USD 50.00" }), "promises[1].paid"},
		{"demands out of order", edit(func(m map[string]any) {
			d := m["demands"].([]any)
			d[0], d[1] = d[1], d[0]
		}), "demands"},
		{"demand without evidence", edit(func(m map[string]any) { m["demands"].([]any)[0].(map[string]any)["evidence"] = "" }), "demands[0].evidence"},
		{"proceeding of another loan", edit(func(m map[string]any) { proceeding(m)["loan"] = uuid.New().String() }), "proceedings[0].loan"},
		{"proceeding amounts in two currencies", edit(func(m map[string]any) { proceeding(m)["recovered"] = "USD 1.00" }), "proceedings[0].recovered"},
		{"proceeding status not its last step", edit(func(m map[string]any) { proceeding(m)["status"] = "enforcement" }), "proceedings[0].status"},
		{"proceeding without steps", edit(func(m map[string]any) { delete(proceeding(m), "steps") }), "proceedings[0].steps"},
		{"proceeding skipping judgment", edit(func(m map[string]any) {
			steps := proceeding(m)["steps"].([]any)
			steps[1].(map[string]any)["to"] = "enforcement"
			proceeding(m)["status"] = "enforcement"
		}), "proceedings[0].steps[1].to"},
		{"proceeding id twice", edit(func(m map[string]any) {
			m["proceedings"] = append(m["proceedings"].([]any), m["proceedings"].([]any)[0])
		}), "proceedings[1].id"},
	}
	// Not JSON at all: encoding/json refuses it before the record sees it.
	r := collect.NewRecord(loanID)
	require.Error(t, json.Unmarshal([]byte(`{"loan":`), r))
	assert.Equal(t, collect.NewRecord(loanID), r)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := collect.NewRecord(loanID)
			err := json.Unmarshal([]byte(tc.doc), r)
			var bad *fault.Fields
			require.ErrorAs(t, err, &bad, "%s", tc.doc)
			assert.ErrorIs(t, err, collect.ErrInvalidInput)
			assert.True(t, bad.Has(tc.field), "want %s in %v", tc.field, err)
			assert.Equal(t, collect.NewRecord(loanID), r, "a refused document changed the target")
		})
	}
}
