package schedule_test

import (
	"errors"
	"testing"

	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	var ve *schedule.ValidationError
	require.ErrorAs(t, err, &ve)
	for _, f := range []string{"Principal", "AnnualRate", "Method", "Frequency", "Periods", "FirstDue",
		"DayCount", "Rounding", "InstallmentMultiple", "PrincipalGrace", "BusinessDay"} {
		assert.True(t, ve.Has(f), "missing %s in %v", f, err)
	}
	_, genErr := schedule.Generate(terms)
	assert.ErrorIs(t, genErr, schedule.ErrInvalidTerms)
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
		{"no currency", func(t *schedule.Terms) { t.Principal = money.Amount{} }, "Principal"},
		{"zero principal", func(t *schedule.Terms) { t.Principal = money.Zero(money.CNY) }, "Principal"},
		{"rate above the cap", func(t *schedule.Terms) { t.MaxAnnualRate = money.MustRate("10%") }, "AnnualRate"},
		{"rate at the cap", func(t *schedule.Terms) { t.MaxAnnualRate = money.MustRate("12%") }, ""},
		{"negative cap", func(t *schedule.Terms) { t.MaxAnnualRate = money.MustRate("-1%") }, "MaxAnnualRate"},
		{"grace as long as the term", func(t *schedule.Terms) { t.PrincipalGrace, t.InterestGrace = 6, 6 }, "PrincipalGrace"},
		{"interest grace as long as the term", func(t *schedule.Terms) { t.InterestGrace = 12 }, "InterestGrace"},
		{"grace on a bullet", func(t *schedule.Terms) { t.Method, t.PrincipalGrace = schedule.Bullet, 1 }, "PrincipalGrace"},
		{"first due on the start", func(t *schedule.Terms) { t.FirstDue = t.Start }, "FirstDue"},
		{"first due over two periods away", func(t *schedule.Terms) { t.FirstDue = d("2026-03-16") }, "FirstDue"},
		{"first due on a bullet", func(t *schedule.Terms) { t.Method, t.FirstDue = schedule.Bullet, d("2026-02-01") }, "FirstDue"},
		{"no start", func(t *schedule.Terms) { t.Start = date.Date{} }, "Start"},
		{"too many periods", func(t *schedule.Terms) { t.Periods = schedule.MaxPeriods + 1 }, "Periods"},
		{"term days on a monthly loan", func(t *schedule.Terms) { t.TermDays = 30 }, "TermDays"},
		{"days loan without days", func(t *schedule.Terms) { t.Frequency, t.Periods = schedule.Days, 1 }, "TermDays"},
		{"days loan with periods", func(t *schedule.Terms) { t.Frequency, t.TermDays = schedule.Days, 30 }, "Periods"},
		{"multiple on equal principal", func(t *schedule.Terms) {
			t.Method, t.InstallmentMultiple = schedule.EqualPrincipal, cny("1")
		}, "InstallmentMultiple"},
		{"anchor day off the start", func(t *schedule.Terms) { t.AnchorDay = 20 }, "AnchorDay"},
		{"anchor day on a weekly loan", func(t *schedule.Terms) { t.Frequency, t.AnchorDay = schedule.Weekly, 15 }, "AnchorDay"},
		{"anchor day 31 on a clamped start", func(t *schedule.Terms) { t.Start, t.AnchorDay = d("2026-02-28"), 31 }, ""},
		{"totals convention on a flat loan", func(t *schedule.Terms) { t.Method, t.Totals = schedule.Flat, schedule.LevelPayment }, "Totals"},
		{"past the year 9999", func(t *schedule.Terms) { t.Start, t.Frequency, t.Periods = d("9998-01-01"), schedule.Annual, 5 }, "Periods"},
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
			var ve *schedule.ValidationError
			require.True(t, errors.As(err, &ve), "want a ValidationError, got %v", err)
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
