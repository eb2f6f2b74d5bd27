package line_test

import (
	"testing"

	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/line"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// Exposure at default of a line of 50,000 with 6,000 drawn and
// outstanding, under the Basel II §83 factors (DefaultConversions). By
// hand: undrawn 50,000 − 6,000 = 44,000; a committed line valid
// 2024-01-10 to 2024-12-31 (12 months: 2024-01-10 + 12 months =
// 2025-01-10 is the first not before its end) converts 20 %: 8,800, EAD
// 14,800; valid to 2025-06-30 (18 months), 50 %: 22,000, EAD 28,000; a
// cancellable line converts nothing: EAD 6,000. A frozen line keeps its
// commitment (the freeze may be lifted); a closed one has none.
func TestExposure(t *testing.T) {
	p := line.DefaultPolicy()
	tests := []struct {
		name      string
		committed bool
		until     date.Date
		move      line.Event
		undrawn   string
		ccf       string
		converted string
		ead       string
	}{
		{"cancellable", false, d(2024, 12, 31), 0, "44000", "0", "0", "6000"},
		{"committed up to a year", true, d(2024, 12, 31), 0, "44000", "20%", "8800", "14800"},
		{"committed over a year", true, d(2025, 6, 30), 0, "44000", "50%", "22000", "28000"},
		{"committed frozen", true, d(2024, 12, 31), line.EventFreeze, "44000", "20%", "8800", "14800"},
		{"committed closed", true, d(2024, 12, 31), line.EventClose, "0", "20%", "0", "6000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := terms()
			tm.Committed = tt.committed
			tm.Until = tt.until
			l := open(t, tm)
			require.NoError(t, l.Draw(draw("6000", d(2024, 1, 15), 12), cny("0")))
			if tt.move != 0 {
				require.NoError(t, l.Apply(tt.move, loan.Action{Officer: "o", On: d(2024, 2, 1), Reason: "r"}))
			}
			r, err := l.Review(line.Observation{Day: d(2024, 2, 1), Outstanding: cny("6000")}, p)
			require.NoError(t, err)
			x, err := l.Exposure(r, p)
			require.NoError(t, err)
			assert.Equal(t, cny("6000"), x.Drawn)
			assert.Equal(t, cny(tt.undrawn), x.Undrawn)
			assert.Equal(t, 0, x.CCF.Cmp(money.MustRate(tt.ccf)), "ccf %s", x.CCF.Percent(2))
			assert.Equal(t, cny(tt.converted), x.Converted)
			assert.Equal(t, cny(tt.ead), x.EAD)
			assert.NotEmpty(t, x.Source)
		})
	}
}

// A conversion table without a catch-all row for each kind of line, or
// with a factor outside 0..1, is refused naming the fields.
func TestConversionPolicyValidation(t *testing.T) {
	p := line.DefaultPolicy()
	p.Conversion = []line.Conversion{{Committed: true, UpToMonths: 12, Rate: money.MustRate("120%")}}
	err := p.Validate()
	var f *fault.Fields
	require.ErrorAs(t, err, &f)
	var names []string
	for _, x := range f.List {
		names = append(names, x.Name)
	}
	assert.ElementsMatch(t, []string{"conversion[0].rate", "conversion[0].source", "conversion", "conversion"}, names)
}
