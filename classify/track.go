package classify

import (
	"fmt"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/schedule"
)

// Clock is a running count for a cure, probation or observation rule: the
// day it started and the repayment periods met since. The zero Clock is not
// running.
type Clock struct {
	Since   date.Date `json:"since,omitzero"`
	Periods int       `json:"periods,omitempty"`
}

// Running reports whether the clock has started.
func (k Clock) Running() bool { return !k.Since.IsZero() }

// Track is the state the cure and observation rules need for one loan: the
// grade and stage last reported and the clocks of the rules that may
// improve them. It is a small value the Engine stores per loan, starting
// from the zero Track, and passes to Step once per business day in date
// order, so grading stays deterministic and reproducible from the facts.
type Track struct {
	Last  date.Date `json:"last,omitzero"` // the day of the last Step
	Grade Grade     `json:"grade"`
	Stage Stage     `json:"stage"`
	// GradeCure runs while the grade is held above today's floor under a
	// cure rule: since the day arrears were cleared, counting on-time periods.
	GradeCure Clock `json:"grade_cure,omitzero"`
	// StageCure runs while the stage is held above today's floor.
	StageCure Clock `json:"stage_cure,omitzero"`
	// Restructured marks a restructured asset; Observation is its
	// observation clock, which starts at the first new due date.
	Restructured bool  `json:"restructured,omitempty"`
	Observation  Clock `json:"observation,omitzero"`
}

// UnmarshalJSON decodes a track, turning a malformed date into an error
// rather than letting the date parser panic.
func (t *Track) UnmarshalJSON(b []byte) error {
	type plain Track
	var v plain
	if err := guardedUnmarshal(b, &v); err != nil {
		return err
	}
	*t = Track(v)
	return nil
}

// Restructure records a restructuring (contract modification) agreed on
// modified whose first new due date is firstNewDue: the loan becomes a
// restructured asset and its observation period will start on
// firstNewDue. A second restructuring restarts the observation.
func (t *Track) Restructure(modified, firstNewDue date.Date) error {
	if !firstNewDue.After(modified) {
		e := inputErrors()
		e.Add("first_new_due", fmt.Sprintf("%s is not after the modification date %s", firstNewDue, modified))
		return e
	}
	t.Restructured = true
	t.Observation = Clock{Since: firstNewDue}
	return nil
}

// Hold records in the track a grade and stage raised outside Step — by
// ApplyDebtorRules (contagion) — so that they are held under the cure
// rules like any other: once the debtor rule stops applying, Step lowers
// them only after a full cure counted from the last day they were raised
// (CN23-UPG-1 admits no shortcut for a downgrade by contagion). Call it
// after Step and ApplyDebtorRules, on each day a debtor rule raised the
// claim, with the claim's final result.
func (t *Track) Hold(r Result) {
	if r.Grade != GradeNone && r.Grade >= t.Grade {
		t.Grade, t.GradeCure = r.Grade, Clock{}
	}
	if r.Stage != StageNone && r.Stage >= t.Stage {
		t.Stage, t.StageCure = r.Stage, Clock{}
	}
}

// Step advances a loan's track to asOf with that day's facts and returns
// the grade and stage after cure rules:
//   - a worse floor (from Classify) applies at once;
//   - a better floor applies only when the cure rule for the current grade
//     (Policy.Cure) or stage (Policy.StageCure) is met; until then the
//     result is held (GradeHeld / StageHeld);
//   - a restructured asset stays under observation (Facts.Restructured is
//     set for classification) until Policy.Observation is met, restarting
//     on any payment not made in full and on time.
//
// Steps must come in increasing date order; on error the track is unchanged.
func (c *Classifier) Step(t *Track, f *Facts, asOf date.Date) (Result, error) {
	if err := c.compiled(); err != nil {
		return Result{}, err
	}
	if t == nil || f == nil {
		e := inputErrors()
		if t == nil {
			e.Add("track", "must not be nil")
		}
		if f == nil {
			e.Add("facts", "must not be nil")
		}
		return Result{}, e
	}
	if !t.Last.IsZero() && !asOf.After(t.Last) {
		e := inputErrors()
		e.Add("as_of", fmt.Sprintf("%s is not after the last step %s", asOf, t.Last))
		return Result{}, e
	}
	if err := f.validate(); err != nil {
		return Result{}, err
	}
	nt := *t
	p := &c.policy
	if nt.Restructured && !asOf.Before(nt.Observation.Since) {
		nt.observe(p.Observation, f, asOf)
	}
	g := *f
	g.Restructured = f.Restructured || nt.Restructured
	res, err := c.Classify(&g, asOf)
	if err != nil {
		return Result{}, err
	}
	res.GradeHeld = nt.stepGrade(p, res.Grade, f, asOf)
	res.StageHeld = nt.stepStage(p, res.Stage, asOf)
	res.Grade, res.Stage, res.Restructured = nt.Grade, nt.Stage, nt.Restructured
	nt.Last = asOf
	*t = nt
	return res, nil
}

// observe advances the restructured observation period.
func (t *Track) observe(o Observation, f *Facts, asOf date.Date) {
	k := &t.Observation
	missed := f.Due == DueMissed || f.DPD > 0
	if missed {
		// Restart from the day of non-performance: today for a missed due
		// date, the first unpaid due date for a running overdue.
		start := asOf
		if f.Due != DueMissed {
			start = asOf.Add(-date.PeriodOfDays(f.DPD))
		}
		if start.After(k.Since) {
			k.Since = start
		}
		k.Periods = 0
		return
	}
	if f.Due == DuePaid {
		k.Periods++
	}
	if k.Periods >= o.Periods && !asOf.Before(schedule.AddMonths(k.Since, o.Months)) {
		if f.FinancialDifficulty {
			*k = Clock{Since: asOf}
			return
		}
		t.Restructured, *k = false, Clock{}
	}
}

// stepGrade applies the floor or holds the grade under its cure rule; it
// reports whether the grade is held.
func (t *Track) stepGrade(p *Policy, floor Grade, f *Facts, asOf date.Date) bool {
	rule, ok := p.cureFor(t.Grade)
	if t.Grade == GradeNone || floor >= t.Grade || !ok {
		t.Grade, t.GradeCure = floor, Clock{}
		return false
	}
	k := &t.GradeCure
	switch {
	case f.DPD > 0 || f.Due == DueMissed:
		*k = Clock{}
	case !k.Running():
		// Arrears cleared today; the cure counts the periods after this.
		k.Since = asOf
	case f.Due == DuePaid:
		k.Periods++
	}
	if !k.Running() {
		return true
	}
	periods := k.Periods >= rule.Periods
	months := !asOf.Before(schedule.AddMonths(k.Since, rule.Months))
	if periods && months || rule.Combine == CombineShorter && (periods || months) {
		t.Grade, *k = floor, Clock{}
		return false
	}
	return true
}

// stepStage applies the floor or holds the stage under its probation; it
// reports whether the stage is held.
func (t *Track) stepStage(p *Policy, floor Stage, asOf date.Date) bool {
	rule, ok := p.stageCureFor(t.Stage)
	if t.Stage == StageNone || floor >= t.Stage || !ok {
		t.Stage, t.StageCure = floor, Clock{}
		return false
	}
	months := rule.Months
	if t.Restructured {
		months = rule.RestructuredMonths
	}
	k := &t.StageCure
	if !k.Running() {
		k.Since = asOf
	}
	if !asOf.Before(schedule.AddMonths(k.Since, months)) {
		t.Stage, *k = floor, Clock{}
		return false
	}
	return true
}
