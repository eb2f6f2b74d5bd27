package loan

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// TestRealisedAPR: 10,000 lent for 90 days at 12 % (ACT/360) and repaid
// with 300.00 interest on day 90 returns 3 % in 90 days: a daily IRR of
// 1.03^(1/90) − 1, × 365 ≈ 11.99 % (checked here in float64). Paid 30 days
// late with the penalty, the realised rate is higher; a reversed payment
// counts for nothing, and an active loan counts its payoff on the day.
func TestRealisedAPR(t *testing.T) {
	terms := schedule.Terms{Principal: yuan("10000"), AnnualRate: money.MustRate("12%"), Method: schedule.Bullet,
		Frequency: schedule.Days, TermDays: 90, Start: day(2026, time.January, 15), DayCount: schedule.Actual360}
	l := newTestLoan(t, terms, DefaultPolicy())
	due := terms.Start.Add(90)
	mustPost(t, l, entry(Repayment, due, yuan("10300"), "pay"))
	apr, err := l.RealisedAPR(due.Add(10))
	require.NoError(t, err)
	want := 365 * (math.Pow(1.03, 1.0/90) - 1)
	assert.InDelta(t, want, apr.InexactFloat64(), 1e-9, "realised %s", apr)

	late := newTestLoan(t, terms, DefaultPolicy())
	p := mustPos(t, late, due.Add(30))
	mustPost(t, late, entry(Repayment, due.Add(30), p.Payoff, "late"))
	lateAPR, err := late.RealisedAPR(due.Add(30))
	require.NoError(t, err)
	assert.True(t, lateAPR.GreaterThan(apr), "late %s, on time %s", lateAPR, apr)

	// Active: the payoff on the day counts, so a loan paid off on the due
	// date and one asked on that date agree.
	open := newTestLoan(t, terms, DefaultPolicy())
	openAPR, err := open.RealisedAPR(due)
	require.NoError(t, err)
	assert.True(t, openAPR.Equal(apr), "open %s, repaid %s", openAPR, apr)

	_, err = l.RealisedAPR(terms.Start.Add(-1))
	assert.ErrorIs(t, err, schedule.ErrNoIRR)
}

// TestApplicationAPR: the application shows the all-in rate of its terms:
// a 12 % flat loan over 12 months, about 21.46 %.
func TestApplicationAPR(t *testing.T) {
	a := testApp(t, func(r *Request) {
		r.Terms.Method, r.Terms.AnnualRate, r.Terms.Periods = schedule.Flat, money.MustRate("12%"), 12
	})
	apr, err := a.APR()
	require.NoError(t, err)
	assert.Equal(t, "0.2146", apr.Round(4).String())
}
