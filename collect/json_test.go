package collect_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/fault"
)

// Policies are data: each default round-trips through JSON unchanged and
// still validates (DESIGN principle 4).
func TestPoliciesRoundTripJSON(t *testing.T) {
	type validator interface{ Validate() error }
	rp, l, cp, lp, wp := collect.DefaultReminderPolicy(), collect.DefaultLadder(), collect.DefaultContactPolicy(),
		collect.DefaultLimitationPolicy(), collect.DefaultWriteOffPolicy()
	cases := []struct {
		name string
		in   validator
		out  validator
	}{
		{"reminders", &rp, &collect.ReminderPolicy{}},
		{"ladder", &l, &collect.Ladder{}},
		{"contact", &cp, &collect.ContactPolicy{}},
		{"limitation", &lp, &collect.LimitationPolicy{}},
		{"write-off", &wp, &collect.WriteOffPolicy{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, tc.in.Validate())
			b, err := json.Marshal(tc.in)
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(b, tc.out), "%s", b)
			assert.Equal(t, tc.in, tc.out)
			require.NoError(t, tc.out.Validate())
		})
	}
	b, _ := json.Marshal(l.Stages[1])
	assert.Contains(t, string(b), `"allowed":["remind","sms","call"]`)
	b, _ = json.Marshal(cp.QuietHours)
	assert.Contains(t, string(b), `"window":{"from":"22:00","to":"08:00"}`)
}

// A ladder loaded from JSON with a typo is refused, not half-applied.
func TestLadderJSONWithUnknownActionRefused(t *testing.T) {
	var l collect.Ladder
	err := json.Unmarshal([]byte(`{"stages":[{"stage":"pre-due","allowed":["remind","shout"]}]}`), &l)
	assert.ErrorIs(t, err, collect.ErrInvalidInput)
	var bad *fault.Fields
	require.ErrorAs(t, err, &bad)
	f, ok := bad.Get("action")
	require.True(t, ok, "%v", err)
	assert.Equal(t, "shout", f.Value)
	// A set that is not a list of names is the same kind of error.
	err = json.Unmarshal([]byte(`{"stages":[{"stage":"pre-due","allowed":5}]}`), &l)
	require.ErrorAs(t, err, &bad)
	assert.True(t, bad.Has("action set"), "%v", err)
}

// Every enumeration keeps its text (JSON, golden files and scenario files
// depend on it), and decodes it back to the same value.
func TestEnumerationNames(t *testing.T) {
	type named interface {
		String() string
		MarshalText() ([]byte, error)
	}
	cases := []struct {
		what  string
		names []string
		value func(i int) named
		parse func(s string) (named, error)
	}{
		{"stage", []string{"pre-due", "m1", "m2", "m3", "legal-review", "write-off-proposal"},
			func(i int) named { return collect.Stage(i) },
			func(s string) (named, error) { var v collect.Stage; return v, v.UnmarshalText([]byte(s)) }},
		{"action", []string{"remind", "sms", "call", "collection-letter", "notify-guarantor", "field-visit", "demand-guarantor",
			"demand-dealer", "claim-insurer", "legal-review", "litigate", "enforce", "claim-reserve", "propose-write-off"},
			func(i int) named { return collect.Action(i) },
			func(s string) (named, error) { var v collect.Action; return v, v.UnmarshalText([]byte(s)) }},
		{"channel", []string{"sms", "email", "phone", "app-push", "letter", "visit"},
			func(i int) named { return collect.Channel(i) },
			func(s string) (named, error) { var v collect.Channel; return v, v.UnmarshalText([]byte(s)) }},
		{"party", []string{"borrower", "guarantor", "emergency-contact", "dealer", "insurer", "reserve"},
			func(i int) named { return collect.Party(i) },
			func(s string) (named, error) { var v collect.Party; return v, v.UnmarshalText([]byte(s)) }},
		{"grade", []string{"normal", "special-mention", "substandard", "doubtful", "loss"},
			func(i int) named { return collect.Grade(i) },
			func(s string) (named, error) { var v collect.Grade; return v, v.UnmarshalText([]byte(s)) }},
		{"outcome", []string{"reached", "no-answer", "wrong-number", "refused", "promised-to-pay", "disputed", "hardship", "delivered", "undelivered"},
			func(i int) named { return collect.Outcome(i) },
			func(s string) (named, error) { var v collect.Outcome; return v, v.UnmarshalText([]byte(s)) }},
		{"case status", []string{"open", "in-progress", "promise-to-pay", "broken-promise", "restructuring", "legal", "settled", "cured", "written-off", "closed"},
			func(i int) named { return collect.CaseStatus(i) },
			func(s string) (named, error) { var v collect.CaseStatus; return v, v.UnmarshalText([]byte(s)) }},
		{"case event", []string{"assign", "promise", "keep-promise", "break-promise", "resume", "restructure", "sue", "settle", "cure", "write-off", "close"},
			func(i int) named { return collect.CaseEvent(i) },
			func(s string) (named, error) { var v collect.CaseEvent; return v, v.UnmarshalText([]byte(s)) }},
		{"promise status", []string{"pending", "kept", "broken"},
			func(i int) named { return collect.PromiseStatus(i) },
			func(s string) (named, error) { var v collect.PromiseStatus; return v, v.UnmarshalText([]byte(s)) }},
		{"proceeding status", []string{"filed", "judgment", "enforcement", "concluded"},
			func(i int) named { return collect.ProceedingStatus(i) },
			func(s string) (named, error) { var v collect.ProceedingStatus; return v, v.UnmarshalText([]byte(s)) }},
		{"interruption", []string{"demand", "account-debit", "acknowledgement", "lawsuit", "assignment-notice"},
			func(i int) named { return collect.Interruption(i) },
			func(s string) (named, error) { var v collect.Interruption; return v, v.UnmarshalText([]byte(s)) }},
		{"reminder kind", []string{"installment", "maturity"},
			func(i int) named { return collect.ReminderKind(i) },
			func(s string) (named, error) { var v collect.ReminderKind; return v, v.UnmarshalText([]byte(s)) }},
		{"proposal status", []string{"proposed", "approved", "rejected"},
			func(i int) named { return collect.ProposalStatus(i) },
			func(s string) (named, error) { var v collect.ProposalStatus; return v, v.UnmarshalText([]byte(s)) }},
		{"recovery source", []string{"borrower", "guarantor", "collateral", "insurer", "dealer", "reserve", "litigation", "debt-sale"},
			func(i int) named { return collect.RecoverySource(i) },
			func(s string) (named, error) { var v collect.RecoverySource; return v, v.UnmarshalText([]byte(s)) }},
	}
	for _, tc := range cases {
		t.Run(tc.what, func(t *testing.T) {
			for i, name := range tc.names {
				v := tc.value(i + 1)
				b, err := v.MarshalText()
				require.NoError(t, err)
				assert.Equal(t, name, string(b))
				assert.Equal(t, name, v.String())
				back, err := tc.parse(name)
				require.NoError(t, err)
				assert.Equal(t, v, back)
			}
			// Neither the zero value nor one past the last has a name.
			for _, i := range []int{0, len(tc.names) + 1} {
				_, err := tc.value(i).MarshalText()
				assert.ErrorIs(t, err, collect.ErrInvalidInput, "%d", i)
			}
			_, err := tc.parse("no-such-" + strings.ReplaceAll(tc.what, " ", "-"))
			var bad *fault.Fields
			require.ErrorAs(t, err, &bad)
			assert.ErrorIs(t, err, collect.ErrInvalidInput)
		})
	}
}

// The lifecycles are transition tables: an illegal move is a
// *fault.Transition naming the machine, the state and the event.
func TestLifecycleErrors(t *testing.T) {
	l := collect.DefaultLadder()
	c, err := collect.NewCase(loanID, loanID, day(2024, 5, 1), &l)
	require.NoError(t, err)
	err = c.Apply(day(2024, 5, 2), collect.EventPromise, "c-1")
	var tr *fault.Transition
	require.ErrorAs(t, err, &tr)
	assert.Equal(t, fault.Transition{Kind: collect.ErrIllegalTransition, Machine: "collection case", From: "open", Event: "promise"}, *tr)
	assert.Equal(t, "collect: illegal transition: cannot promise a collection case that is open", err.Error())
	assert.Equal(t, fault.CodeTransition, fault.CodeOf(err))
	assert.Len(t, collect.CaseMoves(), 30) // the moves of the table before it was a lifecycle.Table

	p, err := collect.FileProceeding(loanID, loanID, "court", day(2024, 5, 1), cny("10"))
	require.NoError(t, err)
	require.NoError(t, p.Conclude(day(2024, 6, 1), "withdrawn"))
	err = p.AddRecovery(cny("1"), cny("0"))
	require.ErrorAs(t, err, &tr)
	assert.Equal(t, fault.Transition{Kind: collect.ErrIllegalTransition, Machine: "legal proceeding", From: "concluded", Event: "add-recovery"}, *tr)

	w := collect.DefaultWriteOffPolicy()
	pr := collect.Proposal{Loan: loanID, Day: day(2024, 5, 1), Amount: cny("10"), ProposedBy: "maker", Status: collect.Rejected}
	err = pr.Approve(&w, day(2024, 5, 2), "checker")
	require.ErrorAs(t, err, &tr)
	assert.Equal(t, fault.Transition{Kind: collect.ErrIllegalTransition, Machine: "write-off proposal", From: "rejected", Event: "approve"}, *tr)
}
