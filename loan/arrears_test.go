package loan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// fineractDelinquencyLoan: 1,000.00 at 0 % in three monthly installments
// whose first falls due on 2023-10-01 and is never paid — the arrears of
// Fineract's LoanDelinquency.feature pause scenarios, whose loan's oldest
// unpaid installment (its down payment) is due on 2023-10-01. Days past due
// depend only on that installment, so the later installments' dates do not
// matter here.
func fineractDelinquencyLoan(t *testing.T, p Policy) *Loan {
	terms := schedule.Terms{Principal: yuan("1000"), AnnualRate: money.MustRate("0"), Method: schedule.EqualPrincipal,
		Frequency: schedule.Monthly, Periods: 3, Start: day(2023, 9, 1), DayCount: schedule.Actual360}
	return newTestLoan(t, terms, p)
}

func pauseEntry(from, until string, key string) Entry {
	return with(Pause, from, money.Amount{}, key, func(e *Entry) { e.Until, _ = schedule.ParseDate(until) })
}

// TestDelinquencyPauseAsFineract reproduces Fineract's delinquency figures
// (fineract-e2e-tests-runner LoanDelinquency.feature, "Verify Loan
// delinquency pause E2E - full PAUSE period" and "- PAUSE period with
// RESUME and second PAUSE"): the product's grace on arrears ageing is 3
// days, so delinquent days = days past due − 3 − paused days, and a pause
// from S to E freezes the count from S through E (and is shown active
// from S through E).
func TestDelinquencyPauseAsFineract(t *testing.T) {
	pol := DefaultPolicy()
	pol.Arrears.AgeingGraceDays = 3

	full := fineractDelinquencyLoan(t, pol)
	mustPost(t, full, pauseEntry("2023-10-06", "2023-10-30", "pause"))
	raw := fineractDelinquencyLoan(t, DefaultPolicy())
	for _, c := range []struct {
		on                  string
		delinquent, pastDue int
		paused              bool
	}{
		{"2023-10-02", 0, 1, false},
		{"2023-10-04", 0, 3, false},
		{"2023-10-05", 1, 4, false},
		{"2023-10-06", 2, 5, true},
		{"2023-10-30", 2, 29, true},
		{"2023-10-31", 3, 30, false},
	} {
		d, err := schedule.ParseDate(c.on)
		require.NoError(t, err)
		p := mustPos(t, full, d)
		assert.Equal(t, c.delinquent, p.DaysPastDue, "delinquent days on %s", c.on)
		assert.Equal(t, c.paused, p.Paused, "paused on %s", c.on)
		// Without grace and pause the count is Fineract's pastDueDays.
		assert.Equal(t, c.pastDue, mustPos(t, raw, d).DaysPastDue, "past-due days on %s", c.on)
	}

	resumed := fineractDelinquencyLoan(t, pol)
	mustPost(t, resumed, pauseEntry("2023-10-15", "2023-10-30", "pause"))
	assert.Equal(t, 11, mustPos(t, resumed, day(2023, 10, 15)).DaysPastDue)
	mustPost(t, resumed, with(Resume, "2023-10-25", money.Amount{}, "resume", nil))
	assert.Equal(t, 12, mustPos(t, resumed, day(2023, 10, 26)).DaysPastDue)
	assert.Equal(t, 30, mustPos(t, resumed, day(2023, 11, 13)).DaysPastDue)

	// A second pause may follow the first, not overlap it (Fineract:
	// "Delinquency pause period cannot overlap with another pause period").
	_, err := resumed.Post(pauseEntry("2023-10-20", "2023-11-05", "overlap"))
	assertField(t, err, "until")
	mustPost(t, resumed, pauseEntry("2023-10-25", "2023-11-05", "second"))
	assert.Equal(t, 30-11, mustPos(t, resumed, day(2023, 11, 13)).DaysPastDue)
	// A resume outside any pause is refused (Fineract: "Resume Delinquency
	// Action can only be created during an active pause").
	_, err = resumed.Post(with(Resume, "2023-11-20", money.Amount{}, "late resume", nil))
	assertField(t, err, "value_date")
}

// TestDayOneDueDate: Frappe Lending counts the due date itself as day 1
// (days_past_due = date_diff(posting_date, demand_date) + 1); lendcore's
// default, like Fineract, counts from the day after. The three-month loan
// (servicing_test.go) has installment 1 of 4,120.00 due 2026-02-15.
func TestDayOneDueDate(t *testing.T) {
	pol := DefaultPolicy()
	pol.Arrears.DayOne = DueDate
	l := threeMonthLoan(t, pol)
	def := threeMonthLoan(t, DefaultPolicy())
	for _, c := range []struct {
		d             string
		dueDay, after int
	}{{"2026-02-14", 0, 0}, {"2026-02-15", 1, 0}, {"2026-02-16", 2, 1}, {"2026-02-25", 11, 10}} {
		d, _ := schedule.ParseDate(c.d)
		assert.Equal(t, c.dueDay, mustPos(t, l, d).DaysPastDue, "due date as day 1, on %s", c.d)
		assert.Equal(t, c.after, mustPos(t, def, d).DaysPastDue, "day after as day 1, on %s", c.d)
	}
	// Paid on the due date: not past due at all.
	mustPost(t, l, entry(Repayment, day(2026, 2, 15), yuan("4120"), "r1"))
	assert.Equal(t, 0, mustPos(t, l, day(2026, 2, 15)).DaysPastDue)

	// Penalty days likewise: paid ten days late, on 2026-02-25, the
	// installment owes eleven days: 4,120.00 × 0.18 / 360 = 2.06 a day,
	// × 11 = 22.66 (the default counts 10 days: 20.60).
	pol = DefaultPolicy()
	pol.Penalty.DayOne = DueDate
	l = threeMonthLoan(t, pol)
	assert.Equal(t, "22.66", mustPos(t, l, day(2026, 2, 25)).Installments[0].Owed.Penalty.Number())
	// The due date's own day counts the base left at its end: 1,000.00
	// paid that day leaves 3,120.00 × 0.0005 = 1.56, then 10 days of
	// 3,120.00 = 15.60: 17.16.
	mustPost(t, l, entry(Repayment, day(2026, 2, 15), yuan("1000"), "part"))
	assert.Equal(t, "17.16", mustPos(t, l, day(2026, 2, 25)).Installments[0].Owed.Penalty.Number())
	// Paid in full on the due date: no penalty.
	l = threeMonthLoan(t, pol)
	mustPost(t, l, entry(Repayment, day(2026, 2, 15), yuan("4120"), "full"))
	assert.True(t, mustPos(t, l, day(2026, 3, 1)).Installments[0].Owed.Penalty.IsZero())
}

// TestAgeingGraceNeverNegative: the ageing grace lowers the count but not
// below zero, and leaves penalty alone (it is not penalty grace).
func TestAgeingGraceNeverNegative(t *testing.T) {
	pol := DefaultPolicy()
	pol.Arrears.AgeingGraceDays = 5
	l := threeMonthLoan(t, pol)
	p := mustPos(t, l, day(2026, 2, 18))
	assert.Equal(t, 0, p.DaysPastDue, "3 days late, 5 days' grace")
	assert.Equal(t, Overdue, p.Installments[0].Status)
	assert.Equal(t, 5, mustPos(t, l, day(2026, 2, 25)).DaysPastDue)
	assert.Equal(t, "20.60", mustPos(t, l, day(2026, 2, 25)).Installments[0].Owed.Penalty.Number())
}

// TestPercentageLateFeeAsFineract reproduces Fineract's overdue charges
// (LoanCharge.feature, FEE04 and FEE05): 3,000.00 at 12 % flat over three
// months from 2023-01-01 (1,000.00 principal and 30.00 interest a month),
// nothing paid; a penalty of 1.5 % of each overdue installment's principal
// is 15.00, of its principal and interest 15.45, charged once per
// installment.
func TestPercentageLateFeeAsFineract(t *testing.T) {
	terms := schedule.Terms{Principal: yuan("3000"), AnnualRate: money.MustRate("12%"), Method: schedule.Flat,
		Frequency: schedule.Monthly, Periods: 3, Start: day(2023, 1, 1), DayCount: schedule.Actual360}
	for _, c := range []struct {
		base  LateFeeBase
		each  string
		total string
	}{{LateOnPrincipal, "15.00", "45.00"}, {LateOnPrincipalInterest, "15.45", "46.35"}} {
		pol := DefaultPolicy()
		pol.Penalty.RateKind, pol.Penalty.Rate, pol.Penalty.Compound = AnnualRate, money.MustRate("0"), false
		pol.Penalty.LateFeeRate, pol.Penalty.LateFeeBase, pol.Penalty.LateFeeAs = money.MustRate("1.5%"), c.base, AsPenalty
		l := newTestLoan(t, terms, pol)
		p := mustPos(t, l, day(2023, 5, 1))
		for _, in := range p.Installments {
			assert.Equal(t, yuan("1000"), in.Owed.Principal)
			assert.Equal(t, yuan("30"), in.Owed.Interest)
			assert.Equal(t, c.each, in.Owed.Penalty.Number(), "%s installment %d", c.base, in.Number)
			assert.True(t, in.Owed.Fee.IsZero())
		}
		assert.Equal(t, c.total, p.Owed.Penalty.Number(), "%s", c.base)
		// Booked as penalty: receivable and income.
		rows, err := l.Ledger(day(2023, 5, 1))
		require.NoError(t, err)
		assert.Equal(t, c.total, rows[len(rows)-1].Penalty.Number())
	}
}

// TestLateFeeWait: a late fee waiting 5 days after the due date is charged
// once, on the sixth day, to an installment still unpaid (Fineract's
// penalty-wait-period: charged once the business date less the wait is
// after the due date), on the installment as scheduled when the base is
// "installment".
func TestLateFeeWait(t *testing.T) {
	pol := DefaultPolicy()
	pol.Penalty.LateFeeRate, pol.Penalty.LateFeeBase, pol.Penalty.LateFeeWaitDays = money.MustRate("1%"), LateOnInstallment, 5
	l := threeMonthLoan(t, pol)
	assert.True(t, mustPos(t, l, day(2026, 2, 20)).Installments[0].Owed.Fee.IsZero(), "day 5: still waiting")
	// 1 % of 4,120.00 = 41.20, as a fee.
	assert.Equal(t, "41.20", mustPos(t, l, day(2026, 2, 21)).Installments[0].Owed.Fee.Number())
	assert.Equal(t, "41.20", mustPos(t, l, day(2026, 4, 1)).Installments[0].Owed.Fee.Number(), "once")
	// Partly paid before the wait ends: the "installment" base is the
	// scheduled installment all the same.
	mustPost(t, l, entry(Repayment, day(2026, 2, 18), yuan("4000"), "part"))
	assert.Equal(t, "41.20", mustPos(t, l, day(2026, 2, 21)).Installments[0].Owed.Fee.Number())
	// Paid in full within the wait: no fee.
	l = threeMonthLoan(t, pol)
	mustPost(t, l, entry(Repayment, day(2026, 2, 20), yuan("4200"), "late but in time"))
	assert.True(t, mustPos(t, l, day(2026, 3, 1)).Installments[0].Owed.Fee.IsZero())
}

// TestDailyAccrualRounding: installment 2 of the three-month loan earns
// 80.00 over the 28 days from 2026-02-15 to 2026-03-15. Rounded once per
// period (Fineract), 14 days accrue 80.00 × 14 / 28 = 40.00; rounded each
// day (Frappe Lending's daily accrual entries), 80.00 / 28 = 2.857… rounds
// to 2.86 a day, 14 days 40.04; the period still earns 80.00.
func TestDailyAccrualRounding(t *testing.T) {
	pol := DefaultPolicy()
	pol.Accrual.Rounding = Daily
	daily := threeMonthLoan(t, pol)
	once := threeMonthLoan(t, DefaultPolicy())
	for _, l := range []*Loan{daily, once} {
		mustPost(t, l, entry(Repayment, day(2026, 2, 15), yuan("4120"), "r1"))
	}
	assert.Equal(t, "40.04", mustPos(t, daily, day(2026, 3, 1)).AccruedInterest.Number())
	assert.Equal(t, "40.00", mustPos(t, once, day(2026, 3, 1)).AccruedInterest.Number())
	assert.Equal(t, "8040.04", mustPos(t, daily, day(2026, 3, 1)).Payoff.Number())
	assert.Equal(t, "77.22", mustPos(t, daily, day(2026, 3, 14)).AccruedInterest.Number(), "27 × 2.86")
	assert.Equal(t, "80.00", mustPos(t, daily, day(2026, 3, 15)).Installments[1].Owed.Interest.Number())
}
