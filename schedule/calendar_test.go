package schedule_test

import (
	"testing"
	"time"

	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/schedule"
)

func d(s string) date.Date {
	v, err := schedule.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func dueDates(t *testing.T, terms schedule.Terms) []string {
	t.Helper()
	s, err := schedule.Generate(terms)
	require.NoError(t, err)
	out := make([]string, len(s.Installments))
	for i, in := range s.Installments {
		out[i] = in.Due.String()
	}
	return out
}

// TestDueDatesAnchoredAndClamped: issue 2 — due date k is the start advanced
// by k periods, anchored on the start's day and clamped to the month's last
// day, never drifting (Jan 31 → Feb 28/29 → Mar 31 → Apr 30).
func TestDueDatesAnchoredAndClamped(t *testing.T) {
	cases := []struct {
		name  string
		start string
		freq  schedule.Frequency
		n     int
		want  []string
	}{
		{"Jan 29, leap year", "2024-01-29", schedule.Monthly, 3, []string{"2024-02-29", "2024-03-29", "2024-04-29"}},
		{"Jan 29, common year", "2025-01-29", schedule.Monthly, 3, []string{"2025-02-28", "2025-03-29", "2025-04-29"}},
		{"Jan 30, leap year", "2024-01-30", schedule.Monthly, 3, []string{"2024-02-29", "2024-03-30", "2024-04-30"}},
		{"Jan 30, common year", "2025-01-30", schedule.Monthly, 3, []string{"2025-02-28", "2025-03-30", "2025-04-30"}},
		{"Jan 31, leap year", "2024-01-31", schedule.Monthly, 4, []string{"2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31"}},
		{"Jan 31, common year", "2025-01-31", schedule.Monthly, 4, []string{"2025-02-28", "2025-03-31", "2025-04-30", "2025-05-31"}},
		{"Jan 31 across 2100 (not a leap year)", "2100-01-31", schedule.Monthly, 1, []string{"2100-02-28"}},
		{"Jan 31 across 2000 (a leap year)", "2000-01-31", schedule.Monthly, 1, []string{"2000-02-29"}},
		{"Dec 31 into the new year", "2025-12-31", schedule.Monthly, 3, []string{"2026-01-31", "2026-02-28", "2026-03-31"}},
		{"Dec 31 quarterly", "2025-12-31", schedule.Quarterly, 4, []string{"2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"}},
		{"Nov 30 quarterly through February", "2025-11-30", schedule.Quarterly, 3, []string{"2026-02-28", "2026-05-30", "2026-08-30"}},
		{"Feb 29 annual", "2024-02-29", schedule.Annual, 4, []string{"2025-02-28", "2026-02-28", "2027-02-28", "2028-02-29"}},
		{"Aug 31 semi-annual", "2025-08-31", schedule.SemiAnnual, 2, []string{"2026-02-28", "2026-08-31"}},
		{"semi-monthly from the 15th", "2026-01-15", schedule.SemiMonthly, 4, []string{"2026-01-30", "2026-02-15", "2026-02-28", "2026-03-15"}},
		{"semi-monthly from the 31st", "2026-01-31", schedule.SemiMonthly, 4, []string{"2026-02-16", "2026-02-28", "2026-03-16", "2026-03-31"}},
		{"weekly", "2026-01-15", schedule.Weekly, 3, []string{"2026-01-22", "2026-01-29", "2026-02-05"}},
		{"bi-weekly over the year end", "2025-12-25", schedule.BiWeekly, 2, []string{"2026-01-08", "2026-01-22"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			terms := monthly("1200", "12%", c.n, schedule.EqualPrincipal)
			terms.Start, terms.Frequency = d(c.start), c.freq
			assert.Equal(t, c.want, dueDates(t, terms))
		})
	}
}

// TestBrokenFirstPeriod: issue 2 — an optional first due date gives a short
// or long first period whose interest is computed for its actual days
// (ACT/360 by default); later dates keep to the first due date's day.
func TestBrokenFirstPeriod(t *testing.T) {
	cases := []struct {
		name, start, first string
		wantInterest       string
		wantDues           []string
	}{
		// 45 days: 10,000 × 12% × 45/360 = 150.00.
		{"long", "2026-01-15", "2026-03-01", "150.00", []string{"2026-03-01", "2026-04-01", "2026-05-01"}},
		// 12 days: 10,000 × 12% × 12/360 = 40.00.
		{"short", "2026-01-20", "2026-02-01", "40.00", []string{"2026-02-01", "2026-03-01", "2026-04-01"}},
		// Exactly one month is a regular period: 10,000 × 1% = 100.00.
		{"regular", "2026-01-15", "2026-02-15", "100.00", []string{"2026-02-15", "2026-03-15", "2026-04-15"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			terms := monthly("10000", "12%", 3, schedule.EqualInstallment)
			terms.Start, terms.FirstDue = d(c.start), d(c.first)
			s, err := schedule.Generate(terms)
			require.NoError(t, err)
			assert.Equal(t, cny(c.wantInterest), s.Installments[0].Interest)
			assert.Equal(t, c.wantDues, dueDates(t, terms))
			// The level payment for 3 months at 1% is 3400.22; the broken
			// period keeps the regular principal 3400.22 − 100.00 = 3300.22.
			assert.Equal(t, cny("3300.22"), s.Installments[0].Principal)
			assert.Equal(t, cny("3400.22"), s.Installments[1].Payment)
		})
	}
}

// TestBusinessDayAdjustment: issue 2 — following / modified following /
// preceding against weekends plus a list of holidays; 2026-02-15 and
// 2026-03-15 are Sundays, 2026-02-28 a Saturday.
func TestBusinessDayAdjustment(t *testing.T) {
	holidays := schedule.NewHolidayCalendar([]date.Date{d("2026-02-16")}, nil)
	makeUp := schedule.NewHolidayCalendar(nil, []date.Date{d("2026-02-28")}) // a Saturday worked (调休)
	cases := []struct {
		name  string
		start string
		conv  schedule.BusinessDayConvention
		cal   schedule.Calendar
		want  []string
	}{
		{"following over a weekend", "2026-01-15", schedule.Following, nil, []string{"2026-02-16", "2026-03-16", "2026-04-15"}},
		{"following over a weekend and a holiday", "2026-01-15", schedule.Following, holidays, []string{"2026-02-17", "2026-03-16", "2026-04-15"}},
		{"preceding", "2026-01-15", schedule.Preceding, holidays, []string{"2026-02-13", "2026-03-13", "2026-04-15"}},
		{"modified following stays in the month", "2026-01-31", schedule.ModifiedFollowing, nil, []string{"2026-02-27", "2026-03-31", "2026-04-30"}},
		{"plain following leaves the month", "2026-01-31", schedule.Following, nil, []string{"2026-03-02", "2026-03-31", "2026-04-30"}},
		{"a worked Saturday is a business day", "2026-01-31", schedule.Following, makeUp, []string{"2026-02-28", "2026-03-31", "2026-04-30"}},
		{"no adjustment", "2026-01-15", schedule.NoAdjustment, holidays, []string{"2026-02-15", "2026-03-15", "2026-04-15"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			terms := monthly("10000", "12%", 3, schedule.EqualInstallment)
			terms.Start, terms.BusinessDay, terms.Calendar = d(c.start), c.conv, c.cal
			assert.Equal(t, c.want, dueDates(t, terms))
		})
	}
}

// TestInterestFollowsAdjusted: with interest by actual days (ACT/365F), the
// first period runs 2026-01-15 → 02-15 (31 days: 10,000 × 12% × 31/365 =
// 101.917… → 101.92) unless interest follows the adjusted date 02-16
// (32 days: 105.205… → 105.21).
func TestInterestFollowsAdjusted(t *testing.T) {
	for _, c := range []struct {
		follows bool
		want    string
		from2   string
	}{
		{false, "101.92", "2026-02-15"},
		{true, "105.21", "2026-02-16"},
	} {
		terms := monthly("10000", "12%", 3, schedule.EqualInstallment)
		terms.Basis, terms.DayCount, terms.BusinessDay = schedule.Actual, schedule.Actual365Fixed, schedule.Following
		terms.InterestFollowsAdjusted = c.follows
		s, err := schedule.Generate(terms)
		require.NoError(t, err)
		assert.Equal(t, d("2026-02-16"), s.Installments[0].Due)
		assert.Equal(t, cny(c.want), s.Installments[0].Interest)
		assert.Equal(t, d(c.from2), s.Installments[1].From)
	}
}

func TestCalendarWithoutBusinessDays(t *testing.T) {
	terms := monthly("10000", "12%", 3, schedule.EqualInstallment)
	terms.BusinessDay, terms.Calendar = schedule.Following, never{}
	_, err := schedule.Generate(terms)
	assert.ErrorIs(t, err, schedule.ErrInvalidTerms)
}

type never struct{}

func (never) IsBusinessDay(date.Date) bool { return false }

func TestParseDate(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{
		{"2026-01-15", true},
		{"2024-02-29", true},
		{"2025-02-29", false}, // not a leap year
		{"2026-13-01", false},
		{"2026-00-10", false},
		{"2026-01-32", false},
		{"2026-1-15", false},
		{"26-01-15", false},
		{"+2026-01-1", false},
		{"2026/01/15", false},
		{"1899-12-31", false}, // before the supported range
		{"", false},
		{"２０２６-01-15", false},
	} {
		got, err := schedule.ParseDate(c.in)
		if c.ok {
			require.NoError(t, err, c.in)
			assert.Equal(t, c.in, got.String())
		} else {
			assert.ErrorIs(t, err, schedule.ErrInvalidDate, c.in)
		}
	}
	assert.Equal(t, date.New(2026, time.January, 15), d("2026-01-15"))
}

func TestHolidayCalendarJSON(t *testing.T) {
	cal := schedule.NewHolidayCalendar([]date.Date{d("2026-10-02"), d("2026-10-01"), d("2026-10-01")}, []date.Date{d("2026-09-27")})
	b, err := cal.MarshalJSON()
	require.NoError(t, err)
	assert.JSONEq(t, `{"holidays":["2026-10-01","2026-10-02"],"workdays":["2026-09-27"]}`, string(b))
	var back schedule.HolidayCalendar
	require.NoError(t, back.UnmarshalJSON(b))
	assert.Equal(t, cal.Holidays(), back.Holidays())
	assert.Equal(t, cal.Workdays(), back.Workdays())
	assert.ErrorIs(t, back.UnmarshalJSON([]byte(`{"holidays":["2026-10-0x"]}`)), schedule.ErrInvalidDate)
}
