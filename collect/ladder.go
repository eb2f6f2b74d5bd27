package collect

import (
	"fmt"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
)

// Trigger is the condition that puts a loan in a stage: it holds when any
// of its set (non-zero) conditions holds. The zero Trigger never holds,
// except for the ladder's first stage, which needs none.
type Trigger struct {
	MinDPD               int   `json:"min_dpd,omitempty"`                // days past due ≥ this
	MinConsecutiveMissed int   `json:"min_consecutive_missed,omitempty"` // installments missed in a row ≥ this
	MinCumulativeMissed  int   `json:"min_cumulative_missed,omitempty"`  // installments ever missed ≥ this
	MinGrade             Grade `json:"min_grade,omitempty"`              // five-category grade at least this bad
}

func (t Trigger) holds(f *Facts) bool {
	return t.MinDPD > 0 && f.DPD >= t.MinDPD ||
		t.MinConsecutiveMissed > 0 && f.ConsecutiveMissed >= t.MinConsecutiveMissed ||
		t.MinCumulativeMissed > 0 && f.CumulativeMissed >= t.MinCumulativeMissed ||
		t.MinGrade != 0 && f.Grade >= t.MinGrade
}

// StageRule is one rung of the ladder.
type StageRule struct {
	Stage   Stage   `json:"stage"`
	Trigger Trigger `json:"trigger"`
	// Mandatory stages are never skipped: a loan whose facts jump past one
	// (DPD 0 one day, 45 the next) stops in it first, so its entry actions
	// (the formal letter a demand on guarantors presupposes) come first.
	Mandatory bool `json:"mandatory"`
	// OnBrokenPromise lets a broken promise in the stage below move the
	// loan up to this one, whatever its DPD.
	OnBrokenPromise bool      `json:"on_broken_promise"`
	Allowed         ActionSet `json:"allowed"`  // actions a collector may take in the stage
	OnEntry         ActionSet `json:"on_entry"` // actions issued on the day the stage is entered
	// Repeat holds the actions issued again every CadenceDays in the stage
	// (0 = no repetition): on the days that are an exact multiple of
	// CadenceDays after the stage was entered. They are issued only if
	// Ladder.Decide runs on that very day; a missed day's repeat is not
	// re-issued later, so the host runs Decide daily.
	Repeat      ActionSet `json:"repeat"`
	CadenceDays int       `json:"cadence_days"`
	Parties     PartySet  `json:"parties"` // parties the stage's actions may address
}

// Ladder is an escalation ladder as data: stages in ascending order of
// severity, the first being the one for loans with nothing past due.
type Ladder struct {
	Stages []StageRule `json:"stages"`
}

// DefaultLadder returns the common-practice ladder of Chinese consumer and
// small-business lenders (lender practice, not regulation; the bucket
// bounds are the market's M1–M3 convention, for which no regulatory source
// was found):
//
//   - pre-due: reminders;
//   - M1, 1–30 DPD: SMS and phone, the borrower only (COL-3: collect from
//     the debtor only, GB/T 45251—2025); mandatory, the day-one action;
//   - M2, 31–60 DPD: a formal collection letter (催收函) and notice to each
//     guarantor; mandatory, as the written demand interrupts limitation
//     (Civil Code art. 195) and precedes any demand on guarantors;
//   - M3, 61–90 DPD: field visit, demand on guarantors
//     (督促履行保证责任通知书), on the dealer or the insurer where the product
//     has one;
//   - legal review: 3 consecutive or 6 cumulative missed installments, or
//     more than 90 DPD (more than 90 DPD is non-performing under
//     《商业银行金融资产风险分类办法》, 2023: classify's rule CN23-DPD-2);
//     mandatory before write-off, whose evidence needs a legal outcome;
//   - write-off proposal: grade Loss, or more than 360 DPD (the Loss floor
//     of the same measures, classify's rule CN23-DPD-4; configurable); the
//     claim is still pursued.
//
// A broken promise moves a loan from M1 up to M2, M2 to M3, M3 to legal
// review. Collection calls and SMS repeat every 3 days in M1–M2 and every 7
// days in M3; in legal review and after write-off a letter repeats every 90
// days, the quarterly demand that keeps the limitation period alive.
func DefaultLadder() Ladder {
	talk := Actions(SendSMS, CallBorrower)
	onSecurity := Actions(DemandGuarantor, DemandDealer, ClaimInsurer)
	legal := talk | onSecurity | Actions(CollectionLetter, FieldVisit, ReviewLegal, Litigate, Enforce, ClaimReserve)
	all := Parties(Borrower, Guarantor, EmergencyContact, Dealer, Insurer, Reserve)
	return Ladder{Stages: []StageRule{
		{Stage: PreDue, Allowed: Actions(Remind), Parties: Parties(Borrower, Guarantor)},
		{Stage: M1, Trigger: Trigger{MinDPD: 1}, Mandatory: true,
			Allowed: talk | Actions(Remind), OnEntry: talk, Repeat: talk, CadenceDays: 3,
			Parties: Parties(Borrower)},
		{Stage: M2, Trigger: Trigger{MinDPD: 31}, Mandatory: true, OnBrokenPromise: true,
			Allowed: talk | Actions(CollectionLetter, NotifyGuarantor), OnEntry: Actions(CollectionLetter, NotifyGuarantor),
			Repeat: talk, CadenceDays: 3, Parties: Parties(Borrower, Guarantor)},
		{Stage: M3, Trigger: Trigger{MinDPD: 61}, OnBrokenPromise: true,
			Allowed: talk | onSecurity | Actions(CollectionLetter, NotifyGuarantor, FieldVisit),
			OnEntry: onSecurity | Actions(FieldVisit), Repeat: Actions(CallBorrower), CadenceDays: 7,
			Parties: all &^ Parties(Reserve)},
		{Stage: LegalReview, Trigger: Trigger{MinDPD: 91, MinConsecutiveMissed: 3, MinCumulativeMissed: 6},
			Mandatory: true, OnBrokenPromise: true,
			Allowed: legal, OnEntry: Actions(ReviewLegal), Repeat: Actions(CollectionLetter), CadenceDays: 90,
			Parties: all},
		{Stage: WriteOffProposal, Trigger: Trigger{MinDPD: 361, MinGrade: Loss},
			Allowed: legal | Actions(ProposeWriteOff), OnEntry: Actions(ProposeWriteOff),
			Repeat: Actions(CollectionLetter), CadenceDays: 90, Parties: all},
	}}
}

// Validate reports every bad field of the ladder in one *fault.Fields
// wrapping ErrInvalidPolicy.
func (l *Ladder) Validate() error {
	e := invalidPolicy()
	if len(l.Stages) < 2 {
		e.Add("stages", "need the pre-due stage and at least one stage for arrears")
	}
	for i, r := range l.Stages {
		f := fmt.Sprintf("stages[%d]", i)
		if !r.Stage.Valid() {
			e.Addf(f+".stage", "undefined stage %d", uint8(r.Stage))
		} else if i > 0 && r.Stage <= l.Stages[i-1].Stage {
			e.Addf(f+".stage", "%s must come after %s: stages ascend in severity", r.Stage, l.Stages[i-1].Stage)
		}
		t := r.Trigger
		if t.MinDPD < 0 || t.MinConsecutiveMissed < 0 || t.MinCumulativeMissed < 0 {
			e.Add(f+".trigger", "thresholds must not be negative")
		}
		if t.MinGrade != 0 && (t.MinGrade >= gradeEnd) {
			e.Addf(f+".trigger.min_grade", "undefined grade %d", uint8(t.MinGrade))
		}
		if i == 0 && t != (Trigger{}) {
			e.Add(f+".trigger", "the first stage is for loans with nothing past due and takes no trigger")
		}
		if i > 0 && t == (Trigger{}) && !r.OnBrokenPromise {
			e.Add(f+".trigger", "a stage no condition can reach is unreachable")
		}
		if !r.Allowed.valid() {
			e.Add(f+".allowed", "holds undefined actions")
		}
		if r.OnEntry&^r.Allowed != 0 || r.Repeat&^r.Allowed != 0 {
			e.Add(f+".on_entry", "entry and repeated actions must be allowed in the stage")
		}
		if r.CadenceDays < 0 || r.CadenceDays == 0 && r.Repeat != 0 {
			e.Add(f+".cadence_days", "repeated actions need a positive cadence")
		}
		if !r.Parties.valid() {
			e.Add(f+".parties", "holds undefined parties")
		}
		for a := Action(1); a < actionEnd; a++ {
			if p := actionInfo[a].party; r.Allowed.Has(a) && p != 0 && !r.Parties.Has(p) {
				e.Addf(f+".allowed", "%s addresses the %s, who is not among the stage's parties", a, p)
			}
		}
	}
	return e.Err()
}

// index returns the position of stage s in the ladder, or -1.
func (l *Ladder) index(s Stage) int {
	for i := range l.Stages {
		if l.Stages[i].Stage == s {
			return i
		}
	}
	return -1
}

// Rule returns the rule of stage s, or ErrUnknownStage.
func (l *Ladder) Rule(s Stage) (StageRule, error) {
	i := l.index(s)
	if i < 0 {
		return StageRule{}, fault.Invalid(ErrUnknownStage, "stage", fmt.Sprintf("%s is not a stage of the ladder", s))
	}
	return l.Stages[i], nil
}

// Decision is where the ladder puts a loan on a day.
type Decision struct {
	Stage    Stage     `json:"stage"`    // the stage now; store it in Facts.Stage for the next decision
	Since    date.Date `json:"since"`    // the day it was entered; store it in Facts.StageSince
	Previous Stage     `json:"previous"` // the stage before this decision
	Target   Stage     `json:"target"`   // the stage the facts point to; beyond Stage when a mandatory stage held the loan
	Entered  bool      `json:"entered"`  // the stage changed today
	Cured    bool      `json:"cured"`    // arrears cleared: back to the first stage
}

// Decide places the loan on the ladder for day and appends the actions due
// that day to dst: a stage's entry actions on the day it is entered, its
// repeated actions every CadenceDays after. It allocates nothing when dst
// has room.
//
// The stage only moves up while anything is past due; it returns to the
// first stage (Cured) when arrears are cleared. A partial payment that
// lowers DPD leaves the loan where it is: escalation is a record the lender
// must defend, and de-escalating on a payment that leaves arrears would let
// a token payment reset the ladder. Facts.Stage zero means a first decision
// from the first stage. An f.Stage the ladder does not define returns
// ErrUnknownStage, and a non-zero f.Stage with a zero f.StageSince a
// *fault.Fields naming "stage_since"; either appends nothing.
//
// Repeated actions fall due on the days that are an exact multiple of the
// stage's CadenceDays after Decision.Since: the host must call Decide
// every day (its daily close). A day on which Decide is not run loses that
// day's repeat: the next call does not re-issue it, and the next repeat
// falls due CadenceDays later.
func (l *Ladder) Decide(day date.Date, f *Facts, dst []ActionDue) (Decision, []ActionDue, error) {
	cur := 0
	if f.Stage != 0 {
		if cur = l.index(f.Stage); cur < 0 {
			return Decision{}, dst, fault.Invalid(ErrUnknownStage, "stage", fmt.Sprintf("%s is not a stage of the ladder", f.Stage))
		}
		if f.StageSince.IsZero() {
			e := invalid()
			e.Addf("stage_since", "missing: the day stage %s was entered (Decision.Since)", f.Stage)
			return Decision{}, dst, e
		}
	}
	if len(l.Stages) == 0 {
		return Decision{}, dst, fault.Invalid(ErrUnknownStage, "stages", "empty ladder")
	}
	d := Decision{Previous: l.Stages[cur].Stage, Since: f.StageSince}
	if f.Stage == 0 {
		d.Since = day
	}
	next := cur
	target := 0
	if f.current() {
		next, d.Cured = 0, cur > 0
	} else {
		for i := len(l.Stages) - 1; i > 0; i-- {
			if l.Stages[i].Trigger.holds(f) {
				target = i
				break
			}
		}
		if f.BrokenPromise && cur+1 < len(l.Stages) && l.Stages[cur+1].OnBrokenPromise {
			target = max(target, cur+1)
		}
		if target > cur {
			next = target
			for i := cur + 1; i < target; i++ {
				if l.Stages[i].Mandatory {
					next = i
					break
				}
			}
		}
	}
	d.Stage, d.Target = l.Stages[next].Stage, l.Stages[max(target, next)].Stage
	r := &l.Stages[next]
	if next != cur {
		d.Entered, d.Since = true, day
		return d, appendActions(dst, r.OnEntry, day, r.Stage, f), nil
	}
	if n := int(day.Sub(d.Since)); r.CadenceDays > 0 && n > 0 && n%r.CadenceDays == 0 {
		dst = appendActions(dst, r.Repeat, day, r.Stage, f)
	}
	return d, dst, nil
}
