package collect_test

import (
	"testing"

	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/fault"
)

// monthlyFacts builds the facts of a loan with installments of 1,000 due on
// the given dates, of which those in missed are unpaid as of d (a missed
// installment stays unpaid). DPD counts from the oldest unpaid due date.
func monthlyFacts(d date.Date, dues []date.Date, missed map[date.Date]bool) collect.Facts {
	f := collect.Facts{Loan: loanID, Maturity: dues[len(dues)-1]}
	run := 0
	for _, due := range dues {
		if !due.Before(d) {
			if f.NextDue.IsZero() {
				f.NextDue = due
			}
			continue
		}
		if !missed[due] {
			run = 0
			continue
		}
		run++
		f.CumulativeMissed++
		if f.DPD == 0 {
			f.DPD = int(d.Sub(due))
			f.NextDue = due
		}
		f.Arrears = f.Arrears.Add(cny("1000"))
	}
	f.ConsecutiveMissed = run
	return f
}

// run drives the ladder day by day from `from` to `to`, feeding each
// decision back into the next day's facts, and returns the stages visited
// and the actions issued.
func run(t *testing.T, l *collect.Ladder, from, to date.Date, facts func(date.Date) collect.Facts) ([]collect.Stage, []collect.ActionDue) {
	t.Helper()
	var stages []collect.Stage
	var actions []collect.ActionDue
	var st collect.Stage
	var since date.Date
	for d := from; !d.After(to); d = d.Add(1) {
		f := facts(d)
		f.Stage, f.StageSince = st, since
		dec, out, err := l.Decide(d, &f, actions)
		require.NoError(t, err, "day %s", d)
		actions = out
		if len(stages) == 0 || stages[len(stages)-1] != dec.Stage {
			stages = append(stages, dec.Stage)
		}
		st, since = dec.Stage, dec.Since
	}
	return stages, actions
}

// The issue: "a loan that pays 2 days late gets the pre-due and M1 actions
// only". Due 2024-03-10, paid 2024-03-12: DPD 1 on 03-11 enters M1 (1–30
// DPD: SMS and phone, the borrower only), DPD 0 again on 03-12 cures it.
func TestLatePayerGetsPreDueAndM1ActionsOnly(t *testing.T) {
	l := collect.DefaultLadder()
	rp := collect.DefaultReminderPolicy()
	due := day(2024, 3, 10)
	facts := func(d date.Date) collect.Facts {
		f := collect.Facts{Loan: loanID, NextDue: due, Maturity: day(2025, 2, 10)}
		if d.After(due) && d.Before(day(2024, 3, 12)) {
			f.DPD, f.Arrears = int(d.Sub(due)), cny("1000")
		}
		if !d.Before(day(2024, 3, 12)) { // paid: the next installment is April's
			f.NextDue = day(2024, 4, 10)
		}
		return f
	}
	stages, actions := run(t, &l, day(2024, 3, 1), day(2024, 3, 20), facts)
	assert.Equal(t, []collect.Stage{collect.PreDue, collect.M1, collect.PreDue}, stages)
	kinds := map[collect.Action]int{}
	for _, a := range actions {
		kinds[a.Action]++
		assert.Equal(t, collect.Borrower, a.Party, "M1 addresses the borrower only")
	}
	// One SMS and one call on entering M1 (03-11); the 3-day cadence would
	// repeat them on 03-14, but the loan cured on 03-12.
	assert.Equal(t, map[collect.Action]int{collect.SendSMS: 1, collect.CallBorrower: 1}, kinds)

	var rems []collect.Reminder
	for d := day(2024, 3, 1); !d.After(day(2024, 3, 20)); d = d.Add(1) {
		f := facts(d)
		rems = rp.RemindersDue(d, &f, rems)
	}
	// 7 days, 1 day and 0 days before 03-10 (03-03, 03-09, 03-10), SMS and
	// app push each: 6 pre-due reminders; April's 7-day reminder is 04-03.
	require.Len(t, rems, 6)
	assert.Equal(t, day(2024, 3, 3), rems[0].Day)
	assert.Equal(t, day(2024, 3, 10), rems[5].Day)
}

// The issue: "a loan missing 3 consecutive installments reaches legal
// review even below 90 DPD". Installments due 01-10, 02-10, 03-10 of 2024
// are missed; on 03-11 the third is one day late, DPD = 61 (01-10 → 03-11:
// 21 + 29 + 11 days), so DPD alone says M3, but the 3-consecutive trigger
// of legal review holds.
func TestThreeConsecutiveMissesReachLegalReviewBelow90DPD(t *testing.T) {
	l := collect.DefaultLadder()
	dues := []date.Date{day(2024, 1, 10), day(2024, 2, 10), day(2024, 3, 10), day(2024, 4, 10)}
	missed := map[date.Date]bool{dues[0]: true, dues[1]: true, dues[2]: true}
	facts := func(d date.Date) collect.Facts { return monthlyFacts(d, dues, missed) }

	f := facts(day(2024, 3, 11))
	require.Equal(t, 61, f.DPD)
	require.Equal(t, 3, f.ConsecutiveMissed)

	stages, _ := run(t, &l, day(2024, 1, 1), day(2024, 3, 11), facts)
	// M1 from 01-11, M2 from 02-10 (DPD 31); M3 (not mandatory) is skipped
	// straight to legal review on 03-11.
	assert.Equal(t, []collect.Stage{collect.PreDue, collect.M1, collect.M2, collect.LegalReview}, stages)
}

// The issue: "6 cumulative misses with cures in between reach it too". The
// loan cured after each of its first five misses, so it stands in pre-due
// when the sixth miss makes legal review the target; the mandatory M1 and
// M2 are each entered first (their day-one call and formal letter), so the
// loan reaches legal review on the third day, at DPD 3.
func TestSixCumulativeMissesReachLegalReview(t *testing.T) {
	l := collect.DefaultLadder()
	due := day(2024, 7, 10)
	facts := func(d date.Date) collect.Facts {
		f := collect.Facts{Loan: loanID, NextDue: due, CumulativeMissed: 5}
		if d.After(due) {
			f.DPD, f.ConsecutiveMissed, f.CumulativeMissed, f.Arrears = int(d.Sub(due)), 1, 6, cny("1000")
		}
		return f
	}
	first := facts(day(2024, 7, 11))
	first.Stage, first.StageSince = collect.PreDue, day(2024, 6, 1)
	dec, _, err := l.Decide(day(2024, 7, 11), &first, nil)
	require.NoError(t, err)
	assert.Equal(t, collect.LegalReview, dec.Target)
	assert.Equal(t, collect.M1, dec.Stage)

	stages, actions := run(t, &l, day(2024, 7, 10), day(2024, 7, 13), facts)
	assert.Equal(t, []collect.Stage{collect.PreDue, collect.M1, collect.M2, collect.LegalReview}, stages)
	assert.Equal(t, collect.ReviewLegal, actions[len(actions)-1].Action)
}

// A broken promise escalates (ladder rule OnBrokenPromise): a case in M1
// at DPD 12 whose promise is broken moves to M2 at its next review,
// 19 days before DPD alone would take it there.
func TestBrokenPromiseEscalates(t *testing.T) {
	l := collect.DefaultLadder()
	c, err := collect.NewCase(loanID, loanID, day(2024, 5, 11), &l)
	require.NoError(t, err)
	f := collect.Facts{DPD: 1, Arrears: cny("800"), Guarantors: 1}
	_, _, err = c.Review(&l, day(2024, 5, 11), f, nil)
	require.NoError(t, err)
	require.Equal(t, collect.M1, c.Stage)
	for _, ev := range []collect.CaseEvent{collect.EventAssign, collect.EventPromise} {
		require.NoError(t, c.Apply(day(2024, 5, 15), ev, "c-7"))
	}
	require.NoError(t, c.Apply(day(2024, 5, 22), collect.EventBreakPromise, "system"))

	f.DPD = 12
	dec, actions, err := c.Review(&l, day(2024, 5, 22), f, nil)
	require.NoError(t, err)
	assert.Equal(t, collect.M2, dec.Stage)
	assert.True(t, dec.Entered)
	// M2's entry actions: the collection letter and notice to the one guarantor.
	require.Len(t, actions, 2)
	assert.Equal(t, collect.CollectionLetter, actions[0].Action)
	assert.Equal(t, collect.NotifyGuarantor, actions[1].Action)
	assert.Equal(t, 1, actions[1].Guarantor)
	assert.False(t, c.PendingBrokenPromise, "the broken promise is consumed by one escalation")

	// The next review, same DPD band, does not escalate again.
	dec, _, err = c.Review(&l, day(2024, 5, 23), collect.Facts{DPD: 13, Arrears: cny("800")}, nil)
	require.NoError(t, err)
	assert.Equal(t, collect.M2, dec.Stage)
}

// The issue: "a cured loan closes its case". A case in M2 whose arrears
// are cleared cures and closes by itself at the next review.
func TestCuredLoanClosesCase(t *testing.T) {
	l := collect.DefaultLadder()
	c, err := collect.NewCase(loanID, loanID, day(2024, 5, 1), &l)
	require.NoError(t, err)
	require.NoError(t, c.Apply(day(2024, 5, 1), collect.EventAssign, "c-1"))
	for d := day(2024, 5, 1); d.Before(day(2024, 6, 5)); d = d.Add(1) {
		_, _, err := c.Review(&l, d, collect.Facts{DPD: int(d.Sub(day(2024, 4, 30))), Arrears: cny("500")}, nil)
		require.NoError(t, err)
	}
	require.Equal(t, collect.M2, c.Stage)

	dec, actions, err := c.Review(&l, day(2024, 6, 5), collect.Facts{}, nil)
	require.NoError(t, err)
	assert.True(t, dec.Cured)
	assert.Empty(t, actions)
	assert.Equal(t, collect.Closed, c.Status)
	assert.Equal(t, collect.PreDue, c.Stage)
	n := len(c.History)
	assert.Equal(t, collect.EventCure, c.History[n-2].Event)
	assert.Equal(t, collect.EventClose, c.History[n-1].Event)

	// A case in court settles rather than cures.
	c2, _ := collect.NewCase(loanID, loanID, day(2024, 5, 1), &l)
	for _, ev := range []collect.CaseEvent{collect.EventAssign, collect.EventSue} {
		require.NoError(t, c2.Apply(day(2024, 5, 2), ev, "c-1"))
	}
	_, _, err = c2.Review(&l, day(2024, 9, 1), collect.Facts{}, nil)
	require.NoError(t, err)
	assert.Equal(t, collect.EventSettle, c2.History[len(c2.History)-2].Event)
	assert.Equal(t, collect.Closed, c2.Status)
}

// Cadence: M1 repeats SMS and call every 3 days after entry; M3 issues the
// dealer demand only where the product has a dealer.
func TestLadderCadenceAndProductFeatures(t *testing.T) {
	l := collect.DefaultLadder()
	entered := day(2024, 1, 11)
	cases := []struct {
		name string
		d    date.Date
		f    collect.Facts
		want []collect.Action
	}{
		{"M1 day after entry: nothing", entered.Add(1), collect.Facts{DPD: 2, Stage: collect.M1, StageSince: entered}, nil},
		{"M1 3 days after entry: repeat", entered.Add(3), collect.Facts{DPD: 4, Stage: collect.M1, StageSince: entered},
			[]collect.Action{collect.SendSMS, collect.CallBorrower}},
		{"M1 6 days after entry: repeat", entered.Add(6), collect.Facts{DPD: 7, Stage: collect.M1, StageSince: entered},
			[]collect.Action{collect.SendSMS, collect.CallBorrower}},
		{"M3 entry without dealer, insurer or guarantor", entered, collect.Facts{DPD: 61, Stage: collect.M2, StageSince: entered.Add(-30)},
			[]collect.Action{collect.FieldVisit}},
		{"M3 entry with dealer and 2 guarantors", entered, collect.Facts{DPD: 61, Stage: collect.M2, StageSince: entered.Add(-30),
			Features: collect.HasDealer, Guarantors: 2},
			[]collect.Action{collect.FieldVisit, collect.DemandGuarantor, collect.DemandGuarantor, collect.DemandDealer}},
		{"grade Loss in legal review: write-off proposal", entered, collect.Facts{DPD: 200, Grade: collect.Loss,
			Stage: collect.LegalReview, StageSince: entered.Add(-100)}, []collect.Action{collect.ProposeWriteOff}},
		{"partial payment lowers DPD: no regression", entered, collect.Facts{DPD: 20, Arrears: cny("10"),
			Stage: collect.M2, StageSince: entered.Add(-1)}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.f.Loan = loanID
			if tc.f.Arrears.IsZero() {
				tc.f.Arrears = cny("100")
			}
			_, out, err := l.Decide(tc.d, &tc.f, nil)
			require.NoError(t, err)
			var got []collect.Action
			for _, a := range out {
				got = append(got, a.Action)
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestDefaultLadderValid(t *testing.T) {
	l := collect.DefaultLadder()
	require.NoError(t, l.Validate())
	bad := collect.Ladder{Stages: []collect.StageRule{
		{Stage: collect.M1, Trigger: collect.Trigger{MinDPD: 1}},
		{Stage: collect.PreDue, Repeat: collect.Actions(collect.SendSMS)},
	}}
	err := bad.Validate()
	var ve *fault.Fields
	require.ErrorAs(t, err, &ve)
	assert.ErrorIs(t, err, collect.ErrInvalidPolicy)
	// first stage has a trigger; second is out of order, unreachable, and
	// repeats an action it does not allow without a cadence.
	assert.Len(t, ve.List, 5, "%v", err)
}

// A stage without the day it was entered would count days in stage from
// the zero date and fire repeats on arbitrary days: refused.
func TestDecideRequiresStageSince(t *testing.T) {
	l := collect.DefaultLadder()
	f := collect.Facts{Loan: loanID, DPD: 4, Stage: collect.M1}
	dst := make([]collect.ActionDue, 0, 4)
	_, got, err := l.Decide(day(2024, 6, 10), &f, dst)
	var ve *fault.Fields
	require.ErrorAs(t, err, &ve)
	assert.ErrorIs(t, err, collect.ErrInvalidInput)
	assert.Equal(t, "stage_since", ve.List[0].Name)
	assert.Empty(t, got)

	f.StageSince = day(2024, 6, 7)
	_, _, err = l.Decide(day(2024, 6, 10), &f, dst)
	assert.NoError(t, err)
	f.Stage, f.StageSince = 0, date.Date{} // a first decision needs none
	_, _, err = l.Decide(day(2024, 6, 10), &f, dst)
	assert.NoError(t, err)
}
