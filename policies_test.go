package lendcore_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/fault"
)

func TestLoadPoliciesRoundTrip(t *testing.T) {
	want := lendcore.DefaultPolicies()
	want.Posting.FutureDays = 3
	b, err := json.MarshalIndent(want, "", "  ")
	require.NoError(t, err)
	got, err := lendcore.LoadPolicies(bytes.NewReader(b))
	require.NoError(t, err)
	again, err := json.Marshal(got)
	require.NoError(t, err)
	compact := new(bytes.Buffer)
	require.NoError(t, json.Compact(compact, b))
	assert.JSONEq(t, compact.String(), string(again))
}

func TestLoadPoliciesKeepsDefaultsOfPartsNotGiven(t *testing.T) {
	p, err := lendcore.LoadPolicies(strings.NewReader(`{"posting": {"future_days": 2}}`))
	require.NoError(t, err)
	want := lendcore.DefaultPolicies()
	want.Posting.FutureDays = 2
	a, _ := json.Marshal(want)
	b, _ := json.Marshal(p)
	assert.JSONEq(t, string(a), string(b))
}

func TestLoadPoliciesIsStrict(t *testing.T) {
	cases := []struct {
		name, file string
		// fields: every bad field, by JSON path, and a word its problem
		// must contain.
		fields map[string]string
	}{
		{"misspelt key", `{"servicing": {"penalty": {"rat": "0.5"}}}`,
			map[string]string{"servicing.penalty.rat": "unknown field"}},
		{"key given twice", `{"posting": {"future_days": 2}, "ladder": {}, "posting": {"future_days": 1}}`,
			map[string]string{"posting": "given twice"}},
		{"wrong case", `{"Servicing": {}}`,
			map[string]string{"Servicing": `did you mean "servicing"`}},
		{"every bad field at once", `{"ladder": {"stagez": []}, "posting": {"future_days": "3"}, "reminders": {"hours": "x"}, "nonsense": 1}`,
			map[string]string{"ladder.stagez": "unknown field", "posting.future_days": "want a whole number", "nonsense": "unknown field",
				"reminders.hours": "want an object"}},
		{"enum set lists its values", `{"reminders": {"timed": ["sms", "pigeon"]}}`,
			map[string]string{"reminders.timed": "pigeon"}},
		{"inside an array", `{"ladder": {"stages": [{"stage": "m7"}]}}`,
			map[string]string{"ladder.stages[0].stage": "want one of"}},
		{"validation by path", `{"posting": {"future_days": 99}}`,
			map[string]string{"posting.future_days": "between 0 and 31"}},
		{"syntax error with line and column", "{\n  \"posting\": {\n    \"future_days\": 3,\n  }\n}",
			map[string]string{"$": "line 4, column 3"}},
		{"truncated", "{\"posting\": {", map[string]string{"$": "end of the file"}},
		{"two documents", `{} {}`, map[string]string{"$": "more than one JSON value"}},
		{"not an object", `[1]`, map[string]string{"$": "want an object"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := lendcore.LoadPolicies(strings.NewReader(c.file))
			require.Error(t, err)
			assert.ErrorIs(t, err, lendcore.ErrInvalidPolicies)
			var bad *fault.Fields
			require.ErrorAs(t, err, &bad)
			for name, word := range c.fields {
				f, ok := bad.Get(name)
				if assert.True(t, ok, "%q is reported: %v", name, err) {
					assert.Contains(t, f.Problem, word)
				}
			}
			assert.Equal(t, len(c.fields), bad.Len(), "%v", err)
			assert.Equal(t, lendcore.DefaultPolicies().Posting, p.Posting, "a refused file gives the defaults")
		})
	}
}

// TestLoadPoliciesReadmeExample checks the error the README shows.
func TestLoadPoliciesReadmeExample(t *testing.T) {
	_, err := lendcore.LoadPolicies(strings.NewReader(`{"ladder": {"stages": [{"stage": "m7"}]}, "nonsense": 1, "posting": {"future_days": "3"}, "reminders": {"timed": ["sms", "pigeon"]}}`))
	assert.EqualError(t, err, `lendcore: invalid policies: ladder.stages[0].stage: unknown stage "m7"; want one of: pre-due, m1, m2, `+
		`m3, legal-review, write-off-proposal; nonsense: unknown field; posting.future_days: want a whole `+
		`number, not string; reminders.timed: unknown channel "pigeon"; want one of: sms, email, phone, `+
		`app-push, letter, visit`)
}

// FuzzLoadPolicies: whatever the file, LoadPolicies returns policies that
// validate or a *fault.Fields, and never panics.
func FuzzLoadPolicies(f *testing.F) {
	b, _ := json.Marshal(lendcore.DefaultPolicies())
	f.Add(string(b))
	f.Add(`{"posting": {"future_days": 2}}`)
	f.Add(`{"classification": {"rules": [{"effective_from": "2024-13-45"}]}}`)
	f.Add(`{"ladder": {"stages": [{"stage": "m7"}]}, "x": [1, {"y": null}]}`)
	f.Add("{\n  \"posting\": {\n")
	f.Fuzz(func(t *testing.T, file string) {
		p, err := lendcore.LoadPolicies(strings.NewReader(file))
		if err != nil {
			var bad *fault.Fields
			if !errors.As(err, &bad) || bad.Len() == 0 {
				t.Fatalf("not a field list: %v", err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("loaded policies do not validate: %v", err)
		}
	})
}
