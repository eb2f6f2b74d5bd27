package classify

import (
	"testing"
	"time"

	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/schedule"
)

// scenario feeds a classifier one Step per day from start to end; facts
// returns that day's facts.
func scenario(t *testing.T, c *Classifier, tr *Track, start, end date.Date, facts func(d date.Date) Facts) map[date.Date]Result {
	t.Helper()
	out := map[date.Date]Result{}
	for d := start; !d.After(end); d = d.Add(1) {
		f := facts(d)
		r, err := c.Step(tr, &f, d)
		require.NoError(t, err, "step %s", d)
		out[d] = r
	}
	return out
}

// monthlyOnThe10th reports DuePaid on the 10th of each month from first on.
func monthlyOnThe10th(first date.Date, missed ...date.Date) func(date.Date) Facts {
	return func(d date.Date) Facts {
		f := Facts{Balance: cny(10000)}
		if d.Day() == 10 && !d.Before(first) {
			f.Due = DuePaid
			for _, m := range missed {
				if d == m {
					f.Due = DueMissed
				}
			}
		}
		for _, m := range missed {
			// The missed installment is paid two days late.
			if d.After(m) && d.Sub(m) <= 2 {
				f.DPD = int(d.Sub(m))
			}
		}
		return f
	}
}

// TestRestructuredObservation covers the 2023 observation period (the
// Measures, ch. 3:
// ≥ 2 periods and ≥ 1 year from the first new due date, restarting on a
// missed payment) and CN23-RST-1 (at least 关注 while under observation).
func TestRestructuredObservation(t *testing.T) {
	c := compile(t, China2023())
	modified, first := day(2024, time.March, 10), day(2024, time.April, 10)

	t.Run("T10 all paid: restructured until 2025-04-10", func(t *testing.T) {
		var tr Track
		require.NoError(t, tr.Restructure(modified, first))
		res := scenario(t, c, &tr, modified, day(2025, time.May, 1), monthlyOnThe10th(first))
		// Observation starts 2024-04-10; one year later is 2025-04-10, by
		// which 13 monthly periods (≥ 2) are paid.
		assert.True(t, res[day(2025, time.April, 9)].Restructured)
		assert.Equal(t, SpecialMention, res[day(2025, time.April, 9)].Grade, "CN23-RST-1: no better than 关注 during observation")
		assert.False(t, res[day(2025, time.April, 10)].Restructured)
		assert.Equal(t, Normal, res[day(2025, time.April, 10)].Grade)
	})
	t.Run("T11 missed 2024-08-10: restarts, ends no earlier than 2025-08-10", func(t *testing.T) {
		var tr Track
		require.NoError(t, tr.Restructure(modified, first))
		missed := day(2024, time.August, 10)
		res := scenario(t, c, &tr, modified, day(2025, time.September, 1), monthlyOnThe10th(first, missed))
		assert.True(t, res[day(2025, time.April, 10)].Restructured, "the original end no longer applies")
		assert.True(t, res[day(2025, time.August, 9)].Restructured)
		assert.False(t, res[day(2025, time.August, 10)].Restructured)
	})
	t.Run("T12 annual installments: covers 2025-03-10 and 2026-03-10", func(t *testing.T) {
		var tr Track
		first := day(2025, time.March, 10)
		require.NoError(t, tr.Restructure(day(2024, time.December, 1), first))
		res := scenario(t, c, &tr, day(2024, time.December, 1), day(2026, time.March, 31), func(d date.Date) Facts {
			f := Facts{Balance: cny(10000)}
			if d.Day() == 10 && d.Month() == time.March {
				f.Due = DuePaid
			}
			return f
		})
		assert.True(t, res[day(2026, time.March, 9)].Restructured, "only one period paid so far")
		assert.False(t, res[day(2026, time.March, 10)].Restructured)
	})
	t.Run("difficulty unresolved at the end restarts", func(t *testing.T) {
		var tr Track
		require.NoError(t, tr.Restructure(modified, first))
		res := scenario(t, c, &tr, modified, day(2025, time.May, 1), func(d date.Date) Facts {
			f := monthlyOnThe10th(first)(d)
			f.FinancialDifficulty = d.Before(day(2025, time.April, 20))
			return f
		})
		// At 2025-04-10 the difficulty persists: the period restarts, so
		// the asset is still restructured after the difficulty clears.
		assert.True(t, res[day(2025, time.May, 1)].Restructured)
	})
}

// TestUpgradeCure covers CN23-UPG-1: a 次级 loan whose
// arrears are cleared on 2024-01-15, paying monthly on the 10th, is not
// upgraded before two periods (2024-03-10) and six months (2024-07-15)
// have both passed; with Combine "shorter" it is upgraded at 2024-03-10.
func TestUpgradeCure(t *testing.T) {
	cleared := day(2024, time.January, 15)
	facts := func(d date.Date) Facts {
		f := Facts{Balance: cny(10000)}
		if d.Before(cleared) {
			f.DPD = 100 + int(d.Sub(day(2024, time.January, 1)))
		} else if d.Day() == 10 {
			f.Due = DuePaid
		}
		return f
	}
	for _, tt := range []struct {
		combine     Combine
		heldUntil   date.Date
		upgradedOn  date.Date
		explanation string
	}{
		{CombineLonger, day(2024, time.July, 14), day(2024, time.July, 15), "six months after 2024-01-15 is later than the second period"},
		{CombineShorter, day(2024, time.March, 9), day(2024, time.March, 10), "the second period (2024-03-10) comes first"},
	} {
		t.Run(tt.combine.String(), func(t *testing.T) {
			p := China2023()
			p.Cure[0].Combine = tt.combine
			c := compile(t, p)
			var tr Track
			res := scenario(t, c, &tr, day(2024, time.January, 1), day(2024, time.August, 1), facts)
			assert.Equal(t, Substandard, res[day(2024, time.January, 14)].Grade)
			assert.Equal(t, Substandard, res[tt.heldUntil].Grade, tt.explanation)
			assert.True(t, res[tt.heldUntil].GradeHeld)
			assert.Equal(t, Normal, res[tt.upgradedOn].Grade, tt.explanation)
		})
	}
}

// TestCureRestartsOnNewOverdue: any overdue during the cure restarts it
// (CN23-UPG-1: "normal payment for two consecutive periods").
func TestCureRestartsOnNewOverdue(t *testing.T) {
	c := compile(t, China2023())
	var tr Track
	res := scenario(t, c, &tr, day(2024, time.January, 1), day(2024, time.September, 30), func(d date.Date) Facts {
		f := Facts{Balance: cny(10000)}
		switch {
		case d.Before(day(2024, time.January, 15)):
			f.DPD = 120
		case d == day(2024, time.May, 11):
			f.DPD = 1 // a one-day slip restarts the clock on 2024-05-12
		case d.Day() == 10:
			f.Due = DuePaid
		}
		return f
	})
	assert.Equal(t, Substandard, res[day(2024, time.July, 15)].Grade, "restarted: the first six months no longer count")
	// Restarted 2024-05-12: six months later is 2024-11-12, beyond the scenario.
	assert.Equal(t, Substandard, res[day(2024, time.September, 30)].Grade)
}

// TestStageProbation covers the EBA presets (EBA/GL/2016/07 §71(a), §72): triggers
// cease 2024-01-01 → back to stage 1 no earlier than 2024-04-01; after a
// restructuring the probation is one year.
func TestStageProbation(t *testing.T) {
	c := compile(t, China2023())
	ceased := day(2024, time.January, 1)
	facts := func(d date.Date) Facts {
		f := Facts{Balance: cny(1000)}
		if d.Before(ceased) {
			f.DPD = 95
		}
		return f
	}
	t.Run("3 months", func(t *testing.T) {
		var tr Track
		res := scenario(t, c, &tr, day(2023, time.December, 20), day(2024, time.April, 2), facts)
		assert.Equal(t, Stage3, res[day(2024, time.March, 31)].Stage)
		assert.True(t, res[day(2024, time.March, 31)].StageHeld)
		assert.Equal(t, Stage1, res[day(2024, time.April, 1)].Stage)
	})
	t.Run("1 year after a distressed restructuring", func(t *testing.T) {
		var tr Track
		require.NoError(t, tr.Restructure(day(2023, time.December, 15), day(2024, time.January, 1)))
		res := scenario(t, c, &tr, day(2023, time.December, 20), day(2025, time.January, 2), facts)
		assert.Equal(t, Stage3, res[day(2024, time.December, 31)].Stage)
		assert.NotEqual(t, Stage3, res[day(2025, time.January, 1)].Stage)
	})
}

func TestStepRejectsOutOfOrderAndLeavesTrack(t *testing.T) {
	c := compile(t, China2023())
	var tr Track
	f := Facts{DPD: 100}
	_, err := c.Step(&tr, &f, asOf2024)
	require.NoError(t, err)
	before := tr
	_, err = c.Step(&tr, &f, asOf2024)
	assert.ErrorIs(t, err, ErrInvalidInput)
	bad := Facts{DPD: -3}
	_, err = c.Step(&tr, &bad, asOf2024.Add(1))
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Equal(t, before, tr)
	assert.ErrorIs(t, tr.Restructure(asOf2024, asOf2024), ErrInvalidInput)
	assert.Equal(t, before, tr)
}

func TestAddMonthsClamps(t *testing.T) {
	for _, tt := range []struct {
		from date.Date
		n    int
		want date.Date
	}{
		{day(2024, time.January, 31), 1, day(2024, time.February, 29)},
		{day(2024, time.February, 29), 12, day(2025, time.February, 28)},
		{day(2024, time.March, 31), -1, day(2024, time.February, 29)},
		{day(2024, time.January, 15), -13, day(2022, time.December, 15)},
		{day(2024, time.August, 10), 12, day(2025, time.August, 10)},
	} {
		assert.Equal(t, tt.want, schedule.AddMonths(tt.from, tt.n), "%s %+d", tt.from, tt.n)
	}
}

// TestContagionHeldUnderCure: a current claim of 100 is raised to 次级 by
// contagion (its debtor's 20 of 120 non-performing, 16.7 % > 10 %,
// CN23-CON-1) until the bad claim is sold on 2024-03-01. Held in its
// track, it is upgraded only by CN23-UPG-1: two periods
// paid on the 10th and six months from 2024-03-01, so on 2024-09-01.
func TestContagionHeldUnderCure(t *testing.T) {
	c := compile(t, China2023())
	sold := day(2024, time.March, 1)
	var tr Track
	var last Result
	for d := day(2024, time.January, 1); d.Before(day(2024, time.September, 2)); d = d.Add(1) {
		f := Facts{Balance: cny(100), NonRetail: true}
		if d.Day() == 10 {
			f.Due = DuePaid
		}
		r, err := c.Step(&tr, &f, d)
		require.NoError(t, err)
		if d.Before(sold) {
			claims := []Facts{f, {Balance: cny(20), DPD: 120, NonRetail: true}}
			results := []Result{r, {Grade: Substandard, Stage: Stage3}}
			require.NoError(t, c.ApplyDebtorRules(claims, results, d))
			r = results[0]
			require.Equal(t, Substandard, r.Grade, "%s: contagion", d)
			tr.Hold(r)
		}
		if d == day(2024, time.August, 31) {
			assert.Equal(t, Substandard, r.Grade, "held: six months from %s have not passed", sold)
		}
		last = r
	}
	assert.Equal(t, Normal, last.Grade, "2024-09-01: two periods and six months after the contagion ended")
}
