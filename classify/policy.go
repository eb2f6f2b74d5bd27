package classify

import (
	"fmt"
	"strings"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
)

// Policy is a complete classification policy: the rule table, the
// early-warning table, the delinquency buckets, and the cure rules that
// alone allow a grade or stage to improve. It is plain data: build one from
// a preset (China2023, ChinaCard2011, ChinaLegacy, IFRS9, USFFIEC), edit it,
// or load it from JSON; then Compile it once and classify with the result.
type Policy struct {
	Name     string        `json:"name"`
	Rules    []Rule        `json:"rules"`
	Warnings []WarningRule `json:"warnings,omitempty"`
	Buckets  Buckets       `json:"buckets"`
	// Cure lists the upgrade rules for grades; a grade with no cure row
	// applying to it improves as soon as the floors allow.
	Cure []CureRule `json:"cure,omitempty"`
	// StageCure lists the probation rules for IFRS 9 stages; a stage with no
	// row improves as soon as the floors allow.
	StageCure []StageCureRule `json:"stage_cure,omitempty"`
	// Observation is the restructured-asset observation period.
	Observation Observation `json:"observation"`
	// TechnicalGraceDays is how many days of overdue caused by a technical or
	// operational problem (Facts.TechnicalDelay) are not counted as overdue.
	// The 2023 Measures except such a short overdue, up to 7 days, from the
	// 关注 floor (read in a secondary source only); the presets use 0, the
	// conservative choice.
	TechnicalGraceDays int `json:"technical_grace_days,omitempty"`
	// FundFlow turns fund-flow monitoring (Inflow and FundUse facts) into
	// early-warning signals; the zero table raises none.
	FundFlow FundFlowPolicy `json:"fund_flow,omitzero"`
}

// Combine says how a cure rule's period count and months combine.
type Combine uint8

// Combinations. The zero value CombineLonger is the conservative reading.
const (
	CombineLonger  Combine = iota // both the periods and the months must have passed
	CombineShorter                // either suffices
	combineCount
)

var combineNames = enum.New[Combine](ErrInvalidInput, "combine", "longer", "shorter")

// String returns "longer" or "shorter".
func (c Combine) String() string { return combineNames.String(c) }

// MarshalText encodes the name.
func (c Combine) MarshalText() ([]byte, error) { return combineNames.MarshalText(c) }

// UnmarshalText decodes "longer" or "shorter".
func (c *Combine) UnmarshalText(b []byte) error { return combineNames.UnmarshalText(b, c) }

// CureRule says when a loan graded From or worse may move to a better
// grade: after its arrears are cleared, it must pay Periods consecutive
// installments in full and on time, and Months must pass since the day the
// arrears were cleared (combined as Combine says). Any new overdue restarts
// the count. The rule with the largest From not above the loan's grade
// applies.
type CureRule struct {
	ID       string   `json:"id"`
	From     Grade    `json:"from"`
	Periods  int      `json:"periods"`
	Months   int      `json:"months"`
	Combine  Combine  `json:"combine"`
	Evidence Evidence `json:"evidence"`
	Source   string   `json:"source"`
}

// StageCureRule is the probation before a loan in stage From (or worse)
// may move to a better stage: Months of no trigger for that stage, or
// RestructuredMonths while the loan is a restructured asset.
type StageCureRule struct {
	ID                 string   `json:"id"`
	From               Stage    `json:"from"`
	Months             int      `json:"months"`
	RestructuredMonths int      `json:"restructured_months"`
	Evidence           Evidence `json:"evidence"`
	Source             string   `json:"source"`
}

// Observation is the observation period of a restructured asset: it starts
// at the first due date after the restructuring, restarts at any payment
// not made in full and on time, and ends once it has covered at least
// Periods repayment periods and Months months; if the debtor's financial
// difficulty is unresolved then, it restarts.
type Observation struct {
	Periods  int      `json:"periods"`
	Months   int      `json:"months"`
	Evidence Evidence `json:"evidence"`
	Source   string   `json:"source"`
}

// maxRules bounds the rule and warning tables so that the triggered-rule
// sets of a Result are single machine words.
const maxRules = 64

// Validate reports every problem with the policy in one *fault.Fields
// (wrapping ErrInvalidPolicy).
func (p Policy) Validate() error {
	e := policyErrors()
	if strings.TrimSpace(p.Name) == "" {
		e.Add("name", "must not be empty")
	}
	if len(p.Rules) > maxRules {
		e.Add("rules", fmt.Sprintf("at most %d rules", maxRules))
	}
	if len(p.Warnings) > maxRules {
		e.Add("warnings", fmt.Sprintf("at most %d warning rules", maxRules))
	}
	ids := map[string]string{}
	unique := func(id, field string) {
		if id == "" {
			return
		}
		if prev, ok := ids[id]; ok {
			e.Add(field+".id", fmt.Sprintf("duplicate id %q (also %s)", id, prev))
		}
		ids[id] = field
	}
	for i, r := range p.Rules {
		f := fmt.Sprintf("rules[%d]", i)
		r.validate(e, f)
		unique(r.ID, f)
	}
	for i, w := range p.Warnings {
		f := fmt.Sprintf("warnings[%d]", i)
		w.validate(e, f)
		unique(w.ID, f)
	}
	p.Buckets.validate(e, "buckets")
	p.FundFlow.validate(e, "fund_flow")
	froms := map[Grade]bool{}
	for i, c := range p.Cure {
		f := fmt.Sprintf("cure[%d]", i)
		unique(c.ID, f)
		if strings.TrimSpace(c.ID) == "" {
			e.Add(f+".id", "must not be empty")
		}
		if c.From == GradeNone || !c.From.Valid() {
			e.Add(f+".from", "must be a grade")
		} else if froms[c.From] {
			e.Add(f+".from", "another cure rule has the same from grade")
		}
		froms[c.From] = true
		if c.Periods < 0 || c.Periods > 1000 {
			e.Add(f+".periods", "must be within 0..1000")
		}
		if c.Months < 0 || c.Months > 1200 {
			e.Add(f+".months", "must be within 0..1200")
		}
		if c.Combine >= combineCount {
			e.Add(f+".combine", "must be longer or shorter")
		}
		checkCitation(e, f, c.Evidence, c.Source)
	}
	stages := map[Stage]bool{}
	for i, c := range p.StageCure {
		f := fmt.Sprintf("stage_cure[%d]", i)
		unique(c.ID, f)
		if strings.TrimSpace(c.ID) == "" {
			e.Add(f+".id", "must not be empty")
		}
		if c.From < Stage2 || !c.From.Valid() {
			e.Add(f+".from", "must be stage-2 or stage-3")
		} else if stages[c.From] {
			e.Add(f+".from", "another stage cure rule has the same from stage")
		}
		stages[c.From] = true
		if c.Months < 0 || c.Months > 1200 {
			e.Add(f+".months", "must be within 0..1200")
		}
		if c.RestructuredMonths < 0 || c.RestructuredMonths > 1200 {
			e.Add(f+".restructured_months", "must be within 0..1200")
		}
		checkCitation(e, f, c.Evidence, c.Source)
	}
	o := p.Observation
	if o.Periods < 0 || o.Periods > 1000 {
		e.Add("observation.periods", "must be within 0..1000")
	}
	if o.Months < 0 || o.Months > 1200 {
		e.Add("observation.months", "must be within 0..1200")
	}
	checkCitation(e, "observation", o.Evidence, o.Source)
	if p.TechnicalGraceDays < 0 || p.TechnicalGraceDays > 30 {
		e.Add("technical_grace_days", "must be within 0..30")
	}
	return e.Err()
}

func checkCitation(e *fault.Fields, field string, ev Evidence, source string) {
	if field != "" {
		field += "."
	}
	if !ev.valid() {
		e.Add(field+"evidence", evidenceProblem)
	}
	if strings.TrimSpace(source) == "" {
		e.Add(field+"source", "must cite its source")
	}
}

// cureFor returns the grade cure rule applying to a loan graded g.
func (p *Policy) cureFor(g Grade) (CureRule, bool) {
	var best CureRule
	found := false
	for _, c := range p.Cure {
		if c.From <= g && (!found || c.From > best.From) {
			best, found = c, true
		}
	}
	return best, found
}

// stageCureFor returns the stage cure rule applying to a loan in stage s.
func (p *Policy) stageCureFor(s Stage) (StageCureRule, bool) {
	var best StageCureRule
	found := false
	for _, c := range p.StageCure {
		if c.From <= s && (!found || c.From > best.From) {
			best, found = c, true
		}
	}
	return best, found
}
