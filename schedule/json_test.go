package schedule_test

import (
	"encoding/json"
	"testing"

	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

func fullTerms() schedule.Terms {
	return schedule.Terms{
		Principal: cny("250000"), AnnualRate: money.MustRate("4.35%"), Method: schedule.EqualInstallment,
		Frequency: schedule.Monthly, Periods: 120, Start: d("2026-01-31"), FirstDue: d("2026-03-10"),
		DayCount: schedule.Actual365Fixed, Basis: schedule.Actual, Rounding: money.HalfEven,
		InstallmentMultiple: cny("1"), InstallmentRounding: money.Up,
		PrincipalGrace: 2, InterestGrace: 1, CapitalizeGrace: true,
		BusinessDay:             schedule.ModifiedFollowing,
		Calendar:                schedule.NewHolidayCalendar([]date.Date{d("2026-10-01")}, []date.Date{d("2026-10-10")}),
		InterestFollowsAdjusted: true, MaxAnnualRate: money.MustRate("24%"), AnchorDay: 10,
	}
}

func TestTermsJSONRoundTrip(t *testing.T) {
	for _, terms := range []schedule.Terms{fullTerms(), monthly("10000", "12%", 12, schedule.Flat), days90(schedule.Actual365Fixed)} {
		b, err := json.Marshal(terms)
		require.NoError(t, err)
		var back schedule.Terms
		require.NoError(t, json.Unmarshal(b, &back), string(b))
		assert.Equal(t, terms, back, string(b))
	}
	b, err := json.Marshal(monthly("10000", "12%", 12, schedule.EqualInstallment))
	require.NoError(t, err)
	assert.JSONEq(t, `{"principal":"CNY 10000.00","annual_rate":"0.12","method":"equal-installment","periods":12,
		"start":"2026-01-15","basis":"periodic","rounding":"half-up","installment_rounding":"half-up",
		"business_day":"none","totals":"row-sum"}`, string(b))
}

func TestScheduleJSONRoundTrip(t *testing.T) {
	s := generate(t, fullTerms())
	b, err := json.Marshal(s)
	require.NoError(t, err)
	var back schedule.Schedule
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, *s, back)
}

// TestTermsJSONRejects: malformed input is an error, never a panic
// (date.ParseISO would panic on some of these).
func TestTermsJSONRejects(t *testing.T) {
	for _, in := range []string{
		`{"start":"2026-13-45"}`,
		`{"start":"+"}`,
		`{"start":"2026-01-15","first_due":"2026-1-1"}`,
		`{"start":"2026-01-15","method":"balloon"}`,
		`{"start":"2026-01-15","frequency":"fortnightly"}`,
		`{"start":"2026-01-15","day_count":"act/364"}`,
		`{"start":"2026-01-15","principal":"CNY 1.005"}`,
		`{"start":"2026-01-15","annual_rate":"12e-2"}`,
		`{"start":"2026-01-15","surprise":1}`,
		`{"start":"2026-01-15","calendar":{"holidays":["x"]}}`,
		`[]`,
		`{`,
	} {
		var terms schedule.Terms
		assert.Error(t, json.Unmarshal([]byte(in), &terms), in)
	}
	var in schedule.Installment
	assert.Error(t, json.Unmarshal([]byte(`{"from":"2026-02-30","due":"2026-03-01"}`), &in))
}

type otherCalendar struct{}

func (otherCalendar) IsBusinessDay(date.Date) bool { return true }

func TestTermsJSONOtherCalendar(t *testing.T) {
	terms := fullTerms()
	terms.Calendar = otherCalendar{}
	_, err := json.Marshal(terms)
	assert.ErrorIs(t, err, schedule.ErrInvalidTerms)
	var bad *fault.Fields
	require.ErrorAs(t, err, &bad)
	assert.True(t, bad.Has("calendar"), "%v", err)
}

// TestUnknownNameListsTheAllowed: an unknown name, from a flag or from
// JSON, is a *fault.Fields naming the enumeration (as Terms spells the field
// in JSON) with the value given and every name allowed.
func TestUnknownNameListsTheAllowed(t *testing.T) {
	for _, c := range []struct {
		parse func() error
		field string
		want  string
	}{
		{func() error { _, err := schedule.ParseMethod("annuity"); return err }, "method",
			`unknown method "annuity"; want one of: equal-installment, equal-principal, interest-only, bullet, flat`},
		{func() error { _, err := schedule.ParseFrequency("fortnightly"); return err }, "frequency",
			`unknown frequency "fortnightly"; want one of: weekly, bi-weekly, semi-monthly, monthly, quarterly, semi-annual, annual, days, every-n-days`},
		{func() error { _, err := schedule.ParseDayCount("act/364"); return err }, "day_count",
			`unknown day_count "act/364"; want one of: 30/360, act/360, act/365f, act/act-isda`},
		{func() error { _, err := schedule.ParseInterestBasis("daily"); return err }, "basis",
			`unknown basis "daily"; want one of: periodic, actual`},
		{func() error { _, err := schedule.ParseBusinessDayConvention("next"); return err }, "business_day",
			`unknown business_day "next"; want one of: none, following, modified-following, preceding`},
		{func() error { _, err := schedule.ParseTotalsConvention("sum"); return err }, "totals",
			`unknown totals "sum"; want one of: row-sum, level-payment, unrounded-payment`},
		{func() error { _, err := schedule.ParseKeep("keep-both"); return err }, "keep",
			`unknown keep "keep-both"; want one of: keep-term, keep-installment`},
		{func() error { var m schedule.Terms; return json.Unmarshal([]byte(`{"method":"annuity"}`), &m) }, "method",
			`unknown method "annuity"; want one of: equal-installment, equal-principal, interest-only, bullet, flat`},
	} {
		err := c.parse()
		assert.ErrorIs(t, err, schedule.ErrInvalidName)
		var bad *fault.Fields
		require.ErrorAs(t, err, &bad)
		f, ok := bad.Get(c.field)
		require.True(t, ok, "%v", err)
		assert.Equal(t, c.want, f.Problem)
	}
}

func TestEnumNames(t *testing.T) {
	for _, name := range []string{"equal-installment", "equal-principal", "interest-only", "bullet", "flat"} {
		m, err := schedule.ParseMethod(name)
		require.NoError(t, err)
		assert.Equal(t, name, m.String())
	}
	for _, name := range []string{"weekly", "bi-weekly", "semi-monthly", "monthly", "quarterly", "semi-annual", "annual", "days"} {
		f, err := schedule.ParseFrequency(name)
		require.NoError(t, err)
		assert.Equal(t, name, f.String())
	}
	for _, name := range []string{"30/360", "act/360", "act/365f", "act/act-isda"} {
		dc, err := schedule.ParseDayCount(name)
		require.NoError(t, err)
		assert.Equal(t, name, dc.String())
	}
	dc, err := schedule.ParseDayCount("ACT/365F")
	require.NoError(t, err)
	assert.Equal(t, schedule.Actual365Fixed, dc)
	_, err = schedule.ParseMethod("")
	assert.ErrorIs(t, err, schedule.ErrInvalidName)
	assert.Equal(t, "method(9)", schedule.Method(9).String())
	assert.Equal(t, "default", schedule.Frequency(0).String(), "the zero default has no name of its own")
	b, err := json.Marshal(struct {
		F schedule.Frequency `json:"f"`
	}{})
	require.NoError(t, err)
	assert.JSONEq(t, `{"f":""}`, string(b), "the zero default encodes as \"\"")
	assert.Equal(t, 12, schedule.Frequency(0).PeriodsPerYear())
}
