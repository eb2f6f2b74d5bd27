package collect_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/collect"
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
}
