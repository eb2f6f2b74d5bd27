package classify

import (
	"encoding/json"
	"testing"

	"github.com/lendcore/lendcore/money"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzGradeMonotoneInDPD: under every preset, with all other facts fixed,
// the grade and stage never improve while DPD grows (CN23-DPD-1..4,
// CARD11, CN07, IFRS9, US-R1..R3 are all "at least" floors).
func FuzzGradeMonotoneInDPD(f *testing.F) {
	f.Add(0, 1, false, false, false, int64(0))
	f.Add(90, 91, true, false, true, int64(5000))
	f.Add(270, 271, false, true, false, int64(100))
	f.Add(360, 361, true, true, true, int64(9999))
	f.Add(119, 180, false, false, true, int64(0))
	classifiers := map[string]*Classifier{}
	for name, p := range presets() {
		classifiers[name] = compile(f, p)
	}
	f.Fuzz(func(t *testing.T, a, b int, impaired, restructured, openEnd bool, ecl int64) {
		if a < 0 || b < 0 || ecl < 0 || ecl > 10000 {
			return
		}
		if a > b {
			a, b = b, a
		}
		for name, c := range classifiers {
			base := Facts{Balance: cny(10000), ECL: money.New(ecl*100, money.CNY), CreditImpaired: impaired,
				Restructured: restructured, OpenEnd: openEnd}
			fa, fb := base, base
			fa.DPD, fb.DPD = a, b
			ra, err := c.Classify(&fa, asOf2024)
			require.NoError(t, err)
			rb, err := c.Classify(&fb, asOf2024)
			require.NoError(t, err)
			assert.LessOrEqual(t, ra.Grade, rb.Grade, "%s: dpd %d → %d", name, a, b)
			assert.LessOrEqual(t, ra.Stage, rb.Stage, "%s: dpd %d → %d", name, a, b)
			assert.LessOrEqual(t, ra.Bucket, rb.Bucket, "%s: dpd %d → %d", name, a, b)
		}
	})
}

// FuzzPolicyJSON: any JSON either fails to decode, fails validation, or
// is a valid policy that round-trips unchanged and compiles; nothing panics.
func FuzzPolicyJSON(f *testing.F) {
	for _, p := range presets() {
		b, err := json.Marshal(p)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte(`{"name":"x","rules":[{"id":"a","regime":"r","when":[{"kind":"dpd","op":">","days":3}],"then":{"min_grade":"次级"},"effective_from":"2024-13-99","evidence":"V","source":"s"}],"buckets":[{"name":"c","from":0}]}`))
	f.Add([]byte(`{"rules":[{"effective_to":"+"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p Policy
		if err := json.Unmarshal(data, &p); err != nil {
			return
		}
		if p.Validate() != nil {
			return
		}
		c, err := p.Compile()
		require.NoError(t, err)
		out, err := json.Marshal(p)
		require.NoError(t, err)
		var back Policy
		require.NoError(t, json.Unmarshal(out, &back))
		again, err := json.Marshal(back)
		require.NoError(t, err)
		assert.JSONEq(t, string(out), string(again))
		fa := Facts{DPD: 100, Balance: cny(1)}
		_, err = c.Classify(&fa, asOf2024)
		assert.NoError(t, err)
	})
}
