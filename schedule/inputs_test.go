package schedule_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/schedule"
)

// TestReamortizeRefusesDeferredGrace: 10,000 at 12 % for 12 months with 3
// interest-grace periods whose interest is deferred (not capitalised) to
// installment 4. Re-amortising on due date 2 would drop the 200.00 deferred
// so far (806.64 of interest before, 606.64 after), so it is refused; before
// the first due date, and once the deferred interest has been paid, it is
// allowed.
func TestReamortizeRefusesDeferredGrace(t *testing.T) {
	terms := monthly("10000", "12%", 12, schedule.EqualInstallment)
	terms.InterestGrace = 3
	orig := generate(t, terms)
	for _, from := range []string{"2026-02-15", "2026-03-15", "2026-04-15", "2026-04-20"} {
		_, err := orig.Reamortize(d(from), cny("10000"), schedule.KeepTerm)
		var ve *fault.Fields
		require.ErrorAs(t, err, &ve, from)
		assert.True(t, ve.Has("from"), "%s: %v", from, err)
	}
	for _, from := range []string{"2026-01-15", "2026-02-01", "2026-05-15"} {
		_, err := orig.Reamortize(d(from), cny("5000"), schedule.KeepTerm)
		assert.NoError(t, err, from)
	}
	// Capitalised grace interest is in the balance: nothing is lost.
	terms.CapitalizeGrace = true
	_, err := generate(t, terms).Reamortize(d("2026-03-15"), cny("10000"), schedule.KeepTerm)
	assert.NoError(t, err)
}

// TestReamortizeShortInstallments: a Schedule decoded from JSON may carry
// fewer rows than its Terms; keep-installment must not index past them.
func TestReamortizeShortInstallments(t *testing.T) {
	terms := monthly("10000", "12%", 12, schedule.EqualInstallment)
	terms.PrincipalGrace = 3
	s := generate(t, terms)
	s.Installments = s.Installments[:1]
	var ve *fault.Fields
	require.NotPanics(t, func() {
		_, err := s.Reamortize(d("2026-07-15"), cny("3000"), schedule.KeepInstallment)
		require.ErrorAs(t, err, &ve)
	})
	assert.True(t, ve.Has("installments"), "%v", ve)
}

// TestNilHolidayCalendar: a typed nil *HolidayCalendar in Terms.Calendar is
// weekends only, not a panic.
func TestNilHolidayCalendar(t *testing.T) {
	terms := monthly("10000", "12%", 3, schedule.EqualInstallment)
	terms.Start = d("2026-02-14") // Mar 14 is a Saturday
	terms.BusinessDay = schedule.Following
	want := dueDates(t, terms)
	terms.Calendar = (*schedule.HolidayCalendar)(nil)
	var got []string
	require.NotPanics(t, func() { got = dueDates(t, terms) })
	assert.Equal(t, want, got)
	assert.Equal(t, "2026-03-16", got[0])
	assert.True(t, (*schedule.HolidayCalendar)(nil).IsBusinessDay(d("2026-03-16")))
	assert.False(t, (*schedule.HolidayCalendar)(nil).IsBusinessDay(d("2026-03-14")))
}
