package schedule_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// TestValidateReportsEveryField: issue 2 — every bad field is reported at
// once in one typed error wrapping ErrInvalidTerms.
func TestValidateReportsEveryField(t *testing.T) {
	terms := schedule.Terms{
		Principal:           money.New(-100, money.CNY), // non-positive principal
		AnnualRate:          money.MustRate("-1%"),      // negative rate
		Method:              schedule.Method(9),         // unknown method
		Frequency:           schedule.Frequency(42),     // unknown frequency
		Periods:             0,                          // non-positive term
		Start:               d("2026-01-15"),            //
		FirstDue:            d("2026-01-10"),            // before start
		DayCount:            schedule.DayCount(7),       // unknown day count
		Rounding:            money.RoundingMode(99),     // unknown mode
		InstallmentMultiple: money.New(100, money.USD),  // other currency
		PrincipalGrace:      -1,                         // negative grace
		BusinessDay:         schedule.BusinessDayConvention(8),
	}
	err := terms.Validate()
	require.Error(t, err)
	assert.ErrorIs(t, err, schedule.ErrInvalidTerms)
	var ve *fault.Fields
	require.ErrorAs(t, err, &ve)
	for _, f := range []string{"principal", "annual_rate", "method", "frequency", "periods", "first_due",
		"day_count", "rounding", "installment_multiple", "principal_grace", "business_day"} {
		assert.True(t, ve.Has(f), "missing %s in %v", f, err)
	}
	_, genErr := schedule.Generate(terms)
	assert.ErrorIs(t, genErr, schedule.ErrInvalidTerms)
}

// TestValidateNamesJSONFields: every field Validate names is a key of the
// terms' JSON, so a caller can point at it in the document it decoded.
func TestValidateNamesJSONFields(t *testing.T) {
	keys := map[string]json.RawMessage{}
	for _, terms := range []schedule.Terms{fullTerms(), days90(schedule.Actual365Fixed)} {
		b, err := json.Marshal(terms)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, &keys))
	}
	bad := schedule.Terms{
		Principal: money.New(-1, money.CNY), AnnualRate: money.MustRate("-1%"), MaxAnnualRate: money.MustRate("-1%"),
		Method: schedule.Method(9), Frequency: schedule.Frequency(42), DayCount: schedule.DayCount(7),
		Basis: schedule.InterestBasis(5), BusinessDay: schedule.BusinessDayConvention(8), Totals: schedule.TotalsConvention(9),
		Rounding: money.RoundingMode(99), InstallmentRounding: money.RoundingMode(99), InstallmentMultiple: money.New(-1, money.CNY),
		Periods: -1, TermDays: 5, PrincipalGrace: -1, InterestGrace: -1, AnchorDay: 40, FirstDue: d("2026-01-01"),
	}
	var fields *fault.Fields
	require.ErrorAs(t, bad.Validate(), &fields)
	require.GreaterOrEqual(t, fields.Len(), 18, "%v", fields)
	for _, f := range fields.List {
		assert.Contains(t, keys, f.Name, "%s: %s", f.Name, f.Problem)
	}
}

func TestValidateCases(t *testing.T) {
	base := func() schedule.Terms { return monthly("10000", "12%", 12, schedule.EqualInstallment) }
	cases := []struct {
		name  string
		edit  func(*schedule.Terms)
		field string // "" = valid
	}{
		{"the base terms are valid", func(*schedule.Terms) {}, ""},
		{"zero rate is valid", func(t *schedule.Terms) { t.AnnualRate = money.Rate{} }, ""},
		{"no currency", func(t *schedule.Terms) { t.Principal = money.Amount{} }, "principal"},
		{"zero principal", func(t *schedule.Terms) { t.Principal = money.Zero(money.CNY) }, "principal"},
		{"rate above the cap", func(t *schedule.Terms) { t.MaxAnnualRate = money.MustRate("10%") }, "annual_rate"},
		{"rate at the cap", func(t *schedule.Terms) { t.MaxAnnualRate = money.MustRate("12%") }, ""},
		{"negative cap", func(t *schedule.Terms) { t.MaxAnnualRate = money.MustRate("-1%") }, "max_annual_rate"},
		{"grace as long as the term", func(t *schedule.Terms) { t.PrincipalGrace, t.InterestGrace = 6, 6 }, "principal_grace"},
		{"interest grace as long as the term", func(t *schedule.Terms) { t.InterestGrace = 12 }, "interest_grace"},
		{"grace on a bullet", func(t *schedule.Terms) { t.Method, t.PrincipalGrace = schedule.Bullet, 1 }, "principal_grace"},
		{"first due on the start", func(t *schedule.Terms) { t.FirstDue = t.Start }, "first_due"},
		{"first due over two periods away", func(t *schedule.Terms) { t.FirstDue = d("2026-03-16") }, "first_due"},
		{"first due on a bullet", func(t *schedule.Terms) { t.Method, t.FirstDue = schedule.Bullet, d("2026-02-01") }, "first_due"},
		{"no start", func(t *schedule.Terms) { t.Start = date.Date{} }, "start"},
		{"too many periods", func(t *schedule.Terms) { t.Periods = schedule.MaxPeriods + 1 }, "periods"},
		{"term days on a monthly loan", func(t *schedule.Terms) { t.TermDays = 30 }, "term_days"},
		{"days loan without days", func(t *schedule.Terms) { t.Frequency, t.Periods = schedule.Days, 1 }, "term_days"},
		{"days loan with periods", func(t *schedule.Terms) { t.Frequency, t.TermDays = schedule.Days, 30 }, "periods"},
		{"multiple on equal principal", func(t *schedule.Terms) {
			t.Method, t.InstallmentMultiple = schedule.EqualPrincipal, cny("1")
		}, "installment_multiple"},
		{"anchor day off the start", func(t *schedule.Terms) { t.AnchorDay = 20 }, "anchor_day"},
		{"anchor day on a weekly loan", func(t *schedule.Terms) { t.Frequency, t.AnchorDay = schedule.Weekly, 15 }, "anchor_day"},
		{"anchor day 31 on a clamped start", func(t *schedule.Terms) { t.Start, t.AnchorDay = d("2026-02-28"), 31 }, ""},
		{"totals convention on a flat loan", func(t *schedule.Terms) { t.Method, t.Totals = schedule.Flat, schedule.LevelPayment }, "totals"},
		{"past the year 9999", func(t *schedule.Terms) { t.Start, t.Frequency, t.Periods = d("9998-01-01"), schedule.Annual, 5 }, "periods"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			terms := base()
			c.edit(&terms)
			err := terms.Validate()
			if c.field == "" {
				assert.NoError(t, err)
				return
			}
			var ve *fault.Fields
			require.True(t, errors.As(err, &ve), "want a *fault.Fields, got %v", err)
			assert.True(t, ve.Has(c.field), "want %s in %v", c.field, err)
		})
	}
}

// TestInstallmentTooSmall: an installment multiple rounded down to zero is
// an error, not a schedule of zero payments.
func TestInstallmentTooSmall(t *testing.T) {
	terms := monthly("100", "12%", 12, schedule.EqualInstallment)
	terms.InstallmentMultiple, terms.InstallmentRounding = cny("100"), money.Down
	_, err := schedule.Generate(terms)
	assert.ErrorIs(t, err, schedule.ErrInvalidTerms)
}
