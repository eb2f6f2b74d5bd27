package collect_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/fault"
)

var debtorID = uuid.MustParse("00000000-0000-0000-0000-0000000000d1")

// A dispute or a hardship reported in an attempt opens the review, and the
// pause rule then refuses the next attempt (COL-PAUSE: lender practice; no
// regulatory source found).
func TestDebtorRecordOpensReviews(t *testing.T) {
	p := collect.DefaultContactPolicy()
	for _, tc := range []struct {
		outcome collect.Outcome
		want    collect.ContactState
	}{
		{collect.Disputed, collect.ContactState{DisputeOpen: true}},
		{collect.Hardship, collect.ContactState{HardshipOpen: true}},
		{collect.Reached, collect.ContactState{}},
	} {
		t.Run(tc.outcome.String(), func(t *testing.T) {
			d := collect.NewDebtor(debtorID)
			require.NoError(t, d.Record(&p, call(9, 0, tc.outcome), now))
			assert.Equal(t, tc.want, d.State)
			require.Len(t, d.Log.Records, 1)

			err := d.Record(&p, call(10, 0, collect.Reached), now)
			if tc.want == (collect.ContactState{}) {
				require.NoError(t, err)
				return
			}
			var re *collect.RuleError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, collect.RuleID("COL-PAUSE"), re.Rule)
			assert.Equal(t, fault.CodeRefused, fault.CodeOf(err))
			assert.Len(t, d.Log.Records, 1, "a refused attempt is not recorded")
		})
	}
}

// A refused or bad attempt changes neither the log nor the state, even one
// whose outcome would have opened a review.
func TestDebtorRecordRefusedChangesNothing(t *testing.T) {
	p := collect.DefaultContactPolicy()
	d := collect.NewDebtor(debtorID)
	late := call(22, 30, collect.Disputed) // quiet hours (COL-2)
	err := d.Record(&p, late, now)
	var re *collect.RuleError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, collect.RuleID("COL-2"), re.Rule)
	future := call(9, 0, collect.Hardship)
	err = d.Record(&p, future, future.At.Add(-time.Second))
	var bad *fault.Fields
	require.ErrorAs(t, err, &bad)
	assert.True(t, bad.Has("at"))
	assert.Equal(t, collect.NewDebtor(debtorID), d)
}

// The call limit needs only the attempts of the last Horizon: a log loaded
// from At − Horizon gives the verdict the whole log gives, in any zone; a
// shorter window would not.
func TestDebtorLogWindow(t *testing.T) {
	p := collect.DefaultContactPolicy()
	require.Equal(t, 48*time.Hour, p.Horizon())
	off := p
	off.CallLimit.Enabled = false
	assert.Zero(t, off.Horizon(), "no rule reads the log")

	// Three connected calls early on 06-03 in the borrower's zone (UTC+8),
	// which is still 06-02 in UTC; calls on the days around it.
	at := func(d, h, m int, loc *time.Location) time.Time { return time.Date(2024, 6, d, h, m, 0, 0, loc) }
	var full []collect.ContactRecord
	for _, t0 := range []time.Time{at(1, 9, 0, cst), at(2, 20, 0, cst), at(3, 0, 10, cst), at(3, 0, 20, cst), at(3, 8, 5, cst), at(4, 9, 0, cst)} {
		r := call(0, 0, collect.Reached)
		r.At = t0.UTC() // stored logs come back in UTC
		full = append(full, r)
	}
	window := func(from time.Time) []collect.ContactRecord {
		var out []collect.ContactRecord
		for _, r := range full {
			if !r.At.Before(from) {
				out = append(out, r)
			}
		}
		return out
	}
	for _, tc := range []struct {
		name string
		at   time.Time
		rule collect.RuleID
	}{
		{"late on 06-03: fourth call of the debtor's day", at(3, 21, 50, cst), "COL-1"},
		{"early on 06-04: a new day", at(4, 8, 30, cst), ""},
		{"06-03 in a zone far west of the borrower's", at(3, 8, 0, time.FixedZone("UTC-10", -10*3600)), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := call(0, 0, collect.Reached)
			rec.At = tc.at
			fullErr := p.Check(&rec, collect.ContactState{}, full)
			windowErr := p.Check(&rec, collect.ContactState{}, window(tc.at.Add(-p.Horizon())))
			assert.Equal(t, fullErr, windowErr)
			if tc.rule == "" {
				assert.NoError(t, fullErr)
				return
			}
			var re *collect.RuleError
			require.ErrorAs(t, fullErr, &re)
			assert.Equal(t, tc.rule, re.Rule)
			// Twelve hours back would miss the calls after midnight.
			assert.NoError(t, p.Check(&rec, collect.ContactState{}, window(tc.at.Add(-12*time.Hour))))
		})
	}
}

func TestContactRecordKey(t *testing.T) {
	rec := call(10, 0, collect.Reached)
	key, err := rec.Key()
	require.NoError(t, err)

	// The key is a name-based UUID of the record's JSON with the instant in
	// UTC, in the loan's namespace: the derivation the Engine has stored.
	utc := rec
	utc.At = rec.At.UTC()
	raw, err := json.Marshal(utc)
	require.NoError(t, err)
	assert.Equal(t, uuid.NewSHA1(loanID, raw).String(), key)

	// The same instant in another zone, and after a JSON round trip: the same key.
	other, err := utc.Key()
	require.NoError(t, err)
	assert.Equal(t, key, other)
	var back collect.ContactRecord
	require.NoError(t, json.Unmarshal(raw, &back))
	again, err := back.Key()
	require.NoError(t, err)
	assert.Equal(t, key, again)

	// Any other content: another key.
	changed := rec
	changed.Note = "left a message"
	k2, err := changed.Key()
	require.NoError(t, err)
	assert.NotEqual(t, key, k2)

	bad := rec
	bad.Channel = 99
	_, err = bad.Key()
	var f *fault.Fields
	require.ErrorAs(t, err, &f)
	assert.ErrorIs(t, err, collect.ErrInvalidInput)
}

// A delivered written message to the borrower that states the debt is a
// demand that reached the debtor (SPC limitation provisions art. 8);
// nothing else is.
func TestContactRecordDemand(t *testing.T) {
	written := func(c collect.Channel) collect.ContactRecord {
		r := call(10, 0, collect.Delivered)
		r.Channel = c
		return r
	}
	cases := []struct {
		name   string
		rec    collect.ContactRecord
		demand bool
	}{
		{"SMS", written(collect.SMS), true},
		{"e-mail", written(collect.Email), true},
		{"letter", written(collect.Letter), true},
		{"app push", written(collect.AppPush), false},
		{"call", call(10, 0, collect.Reached), false},
		{"undelivered SMS", func() collect.ContactRecord { r := written(collect.SMS); r.Outcome = collect.Undelivered; return r }(), false},
		{"SMS not stating the debt", func() collect.ContactRecord { r := written(collect.SMS); r.MentionsDebt = false; return r }(), false},
		{"letter to a guarantor", func() collect.ContactRecord {
			r := written(collect.Letter)
			r.Party, r.Guarantor = collect.Guarantor, 1
			return r
		}(), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev, ok := tc.rec.Demand(day(2024, 6, 3))
			assert.Equal(t, tc.demand, ok)
			if !tc.demand {
				assert.Zero(t, ev)
				return
			}
			key, err := tc.rec.Key()
			require.NoError(t, err)
			assert.Equal(t, collect.LimitationEvent{Day: day(2024, 6, 3), Kind: collect.Demand, Channel: tc.rec.Channel,
				Delivered: true, Evidence: "contact/" + key}, ev)
			require.NoError(t, ev.Validate())
		})
	}
}

func TestDebtorJSON(t *testing.T) {
	p := collect.DefaultContactPolicy()
	d := collect.NewDebtor(debtorID)
	d.State.OutOfHoursConsent = true
	require.NoError(t, d.Record(&p, call(9, 0, collect.Reached), now))
	require.NoError(t, d.Record(&p, call(10, 0, collect.Hardship), now))
	b, err := json.Marshal(d)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"state":{"out_of_hours_consent":true,"dispute_open":false,"hardship_open":true,"outsource_notified":false}`)
	var back collect.Debtor
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, d.ID, back.ID)
	assert.Equal(t, d.State, back.State)
	require.Len(t, back.Log.Records, 2)
	for i, r := range back.Log.Records {
		assert.True(t, r.At.Equal(d.Log.Records[i].At))
		k1, err := r.Key()
		require.NoError(t, err)
		k2, err := d.Log.Records[i].Key()
		require.NoError(t, err)
		assert.Equal(t, k2, k1, "the same attempt after the round trip")
	}

	for _, tc := range []struct {
		name, doc, field string
	}{
		{"no id", `{"state":{},"log":{"records":[]}}`, "id"},
		{"record without collector", `{"id":"` + debtorID.String() + `","log":{"records":[{"at":"2024-06-03T09:00:00+08:00","channel":"phone","party":"borrower","outcome":"reached"}]}}`, "log.records[0].collector"},
		{"record without time", `{"id":"` + debtorID.String() + `","log":{"records":[{"collector":"c","channel":"phone","party":"borrower","outcome":"reached"}]}}`, "log.records[0].at"},
		{"unknown channel", `{"id":"` + debtorID.String() + `","log":{"records":[{"collector":"c","channel":"pigeon"}]}}`, "channel"},
		{"log of the wrong type", `{"id":"` + debtorID.String() + `","log":[]}`, "log"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := collect.NewDebtor(debtorID)
			err := json.Unmarshal([]byte(tc.doc), got)
			var bad *fault.Fields
			require.ErrorAs(t, err, &bad)
			assert.ErrorIs(t, err, collect.ErrInvalidInput)
			assert.True(t, bad.Has(tc.field), "want %s in %v", tc.field, err)
			assert.Equal(t, collect.NewDebtor(debtorID), got)
		})
	}
}
