package collect_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// Bad input returns a typed error and changes nothing (DESIGN: lifecycles;
// house rules: validate fully before mutating).
func TestBadInputChangesNothing(t *testing.T) {
	l := collect.DefaultLadder()
	noM3 := collect.DefaultLadder()
	noM3.Stages = append(noM3.Stages[:3:3], noM3.Stages[4:]...)
	cp := collect.DefaultContactPolicy()

	type state struct {
		c    collect.Case
		log  collect.ContactLog
		p    collect.Proceeding
		cl   collect.Claim
		prop collect.Proposal
	}
	fresh := func() *state {
		c, err := collect.NewCase(loanID, loanID, day(2024, 5, 1), &l)
		require.NoError(t, err)
		p, err := collect.FileProceeding(loanID, loanID, "court", day(2024, 5, 1), cny("5000"))
		require.NoError(t, err)
		return &state{c: *c, p: *p,
			cl:   collect.Claim{Loan: loanID, Party: collect.Borrower, Start: day(2024, 1, 1)},
			prop: collect.Proposal{Loan: loanID, Day: day(2024, 5, 1), Amount: cny("5000"), Grade: collect.Substandard, ProposedBy: "maker", Status: collect.Proposed}}
	}
	var asTransition *fault.Transition
	var asValidation *fault.Fields
	var asRule *collect.RuleError

	cases := []struct {
		name string
		do   func(s *state) error
		is   error
		as   any
	}{
		{"unknown stage in the facts", func(s *state) error {
			f := collect.Facts{Stage: collect.Stage(42), DPD: 3, Arrears: cny("1")}
			out := make([]collect.ActionDue, 0, 4)
			_, got, err := l.Decide(day(2024, 5, 2), &f, out)
			assert.Empty(t, got)
			return err
		}, collect.ErrUnknownStage, nil},
		{"stage the host ladder does not define", func(s *state) error {
			f := collect.Facts{Stage: collect.M3, DPD: 70, Arrears: cny("1")}
			_, _, err := noM3.Decide(day(2024, 5, 2), &f, nil)
			return err
		}, collect.ErrUnknownStage, nil},
		{"action not allowed in this stage (litigate in pre-due)", func(s *state) error {
			return s.c.RecordAction(&l, day(2024, 5, 2), collect.Litigate, "c-1")
		}, collect.ErrActionNotAllowed, nil},
		{"undefined action", func(s *state) error {
			return s.c.RecordAction(&l, day(2024, 5, 2), collect.Action(99), "c-1")
		}, collect.ErrActionNotAllowed, nil},
		{"illegal case move: promise on an open case", func(s *state) error {
			return s.c.Apply(day(2024, 5, 2), collect.EventPromise, "c-1")
		}, collect.ErrIllegalTransition, &asTransition},
		{"case event dated before the case's last entry", func(s *state) error {
			return s.c.Apply(day(2024, 4, 30), collect.EventAssign, "c-1")
		}, collect.ErrInvalidInput, &asValidation},
		{"contact record in the future", func(s *state) error {
			rec := call(10, 0, collect.Reached)
			return s.log.Record(&cp, collect.ContactState{}, rec, rec.At.Add(-time.Minute))
		}, collect.ErrInvalidInput, &asValidation},
		{"contact record without collector, channel or outcome", func(s *state) error {
			return s.log.Record(&cp, collect.ContactState{}, collect.ContactRecord{At: now.Add(-time.Hour), Party: collect.Borrower}, now)
		}, collect.ErrInvalidInput, &asValidation},
		{"contact refused by a rule", func(s *state) error {
			return s.log.Record(&cp, collect.ContactState{DisputeOpen: true}, call(10, 0, collect.Reached), now)
		}, collect.ErrContactRefused, &asRule},
		{"promise with zero amount", func(s *state) error {
			p := collect.Promise{Collector: "c-1", Made: day(2024, 5, 1), Due: day(2024, 5, 5), Amount: cny("0")}
			_, err := p.Evaluate(nil, day(2024, 5, 6))
			return err
		}, collect.ErrInvalidInput, &asValidation},
		{"promise due before it was made", func(s *state) error {
			p := collect.Promise{Collector: "c-1", Made: day(2024, 5, 5), Due: day(2024, 5, 1), Amount: cny("10")}
			return p.Validate()
		}, collect.ErrInvalidInput, &asValidation},
		{"limitation event without evidence", func(s *state) error {
			return s.cl.Record(collect.LimitationEvent{Day: day(2024, 2, 1), Kind: collect.Demand, Delivered: true})
		}, collect.ErrInvalidInput, &asValidation},
		{"limitation event of undefined kind", func(s *state) error {
			return s.cl.Record(collect.LimitationEvent{Day: day(2024, 2, 1), Kind: 77, Evidence: "x"})
		}, collect.ErrInvalidInput, &asValidation},
		{"proceeding enforced before judgment", func(s *state) error {
			return s.p.Enforce(day(2024, 6, 1))
		}, collect.ErrIllegalTransition, &asTransition},
		{"judgment with an award in another currency", func(s *state) error {
			return s.p.Judge(day(2024, 6, 1), money.MustParse("10", money.USD))
		}, collect.ErrInvalidInput, &asValidation},
		{"negative recovery", func(s *state) error {
			return s.p.AddRecovery(cny("-1"), cny("0"))
		}, collect.ErrInvalidInput, &asValidation},
		{"write-off approved by its proposer", func(s *state) error {
			p := collect.DefaultWriteOffPolicy()
			return s.prop.Approve(&p, day(2024, 5, 2), "maker")
		}, collect.ErrFourEyes, nil},
		{"write-off without the evidence", func(s *state) error {
			p := collect.DefaultWriteOffPolicy()
			return s.prop.Approve(&p, day(2024, 5, 2), "checker")
		}, collect.ErrInvalidInput, &asValidation},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := fresh()
			before := fresh()
			err := tc.do(s)
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.is)
			if tc.as != nil {
				assert.True(t, errors.As(err, tc.as), "%T", err)
			}
			assert.Equal(t, before, s, "bad input changed state")
		})
	}
}

// Enumerations decode only names they define and leave the target as it
// was otherwise.
func TestUnknownNamesRefused(t *testing.T) {
	s := collect.M2
	require.Error(t, s.UnmarshalText([]byte("m9")))
	assert.Equal(t, collect.M2, s)
	var tod collect.TimeOfDay = collect.Clock(8, 0)
	for _, bad := range []string{"24:00", "8:00", "08-00", "0a:00", ""} {
		require.Error(t, tod.UnmarshalText([]byte(bad)), bad)
	}
	assert.Equal(t, collect.Clock(8, 0), tod)
	var cs collect.ChannelSet = collect.Channels(collect.SMS)
	require.Error(t, cs.UnmarshalJSON([]byte(`["sms","pigeon"]`)))
	assert.Equal(t, collect.Channels(collect.SMS), cs)
}
