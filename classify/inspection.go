package classify

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/lifecycle"
	"github.com/lendcore/lendcore/schedule"
	"github.com/rickb777/date"
)

// Standing is a borrower's standing for post-loan inspection cadence.
type Standing uint8

// Standings; the zero value means "derive from the grade".
const (
	StandingUnset Standing = iota
	Good
	Ordinary
	Poor
	standingCount
)

var standingNames = enum.New[Standing](ErrInvalidInput, "standing", "", "good", "ordinary", "poor")

// String returns "good", "ordinary" or "poor" ("" when unset).
func (s Standing) String() string { return standingNames.String(s) }

// MarshalText encodes the standing name; an unset standing has none.
func (s Standing) MarshalText() ([]byte, error) { return standingNames.MarshalText(s) }

// UnmarshalText decodes a standing name.
func (s *Standing) UnmarshalText(b []byte) error { return standingNames.UnmarshalText(b, s) }

// Cadence is how often a borrower of a standing is inspected: every Months
// calendar months plus Days days.
type Cadence struct {
	Standing Standing `json:"standing"`
	Months   int      `json:"months,omitempty"`
	Days     int      `json:"days,omitempty"`
}

// InspectionPolicy is the post-loan inspection (贷后检查) cadence.
type InspectionPolicy struct {
	Cadence []Cadence `json:"cadence"`
	// ByGrade gives the standing of a subject without one, indexed by grade.
	ByGrade map[Grade]Standing `json:"by_grade"`
	// ImmediateWhenOverdue makes an inspection due from the first overdue
	// day unless one was done since.
	ImmediateWhenOverdue bool `json:"immediate_when_overdue"`
	// ImmediateAtLevel makes an inspection due from the day the warning
	// level reached it unless one was done since; LevelNone disables it.
	ImmediateAtLevel Level `json:"immediate_at_level"`
	// CompleteWithinDays is how many days an inspection may take once it
	// is due: one due longer than that is overdue (InspectionDue.Overdue);
	// 0 makes it overdue from the day after it fell due.
	CompleteWithinDays int      `json:"complete_within_days"`
	Evidence           Evidence `json:"evidence"`
	Source             string   `json:"source"`
}

// DefaultInspection returns the common cadence: good standing at most
// every three months, ordinary monthly, poor weekly (continuous), and an
// immediate inspection on any overdue or a red warning, ten days to carry
// an inspection out once due. Standing by grade: 正常 good, 关注 ordinary,
// non-performing poor. Banks set these in their own post-loan rules (the
// 2010 personal-loan Measures, art. 36, leave the manner, content and
// frequency of the checks to the lender); no regulatory figure was found
// (NotFound).
func DefaultInspection() InspectionPolicy {
	return InspectionPolicy{
		Cadence:              []Cadence{{Standing: Good, Months: 3}, {Standing: Ordinary, Months: 1}, {Standing: Poor, Days: 7}},
		ByGrade:              map[Grade]Standing{Normal: Good, SpecialMention: Ordinary, Substandard: Poor, Doubtful: Poor, Loss: Poor},
		ImmediateWhenOverdue: true, ImmediateAtLevel: Red, CompleteWithinDays: 10,
		Evidence: NotFound, Source: "lender practice: post-loan inspection (贷后检查) by standing; no regulatory source found for the figures",
	}
}

// Validate reports every problem with the policy.
func (p InspectionPolicy) Validate() error {
	e := policyErrors()
	seen := map[Standing]bool{}
	for i, c := range p.Cadence {
		f := fmt.Sprintf("cadence[%d]", i)
		if c.Standing == StandingUnset || c.Standing >= standingCount {
			e.Add(f+".standing", "must be good, ordinary or poor")
		} else if seen[c.Standing] {
			e.Add(f+".standing", "duplicate standing")
		}
		seen[c.Standing] = true
		if c.Months < 0 || c.Days < 0 || c.Months > 120 || c.Days > 3650 || c.Months == 0 && c.Days == 0 {
			e.Add(f, "needs a positive interval of months and/or days")
		}
	}
	for s := Good; s < standingCount; s++ {
		if !seen[s] {
			e.Add("cadence", "no cadence for "+s.String())
		}
	}
	for g := Normal; g < gradeCount; g++ {
		if s, ok := p.ByGrade[g]; !ok || s == StandingUnset || s >= standingCount {
			e.Add("by_grade", "no standing for "+g.String())
		}
	}
	if !p.ImmediateAtLevel.Valid() {
		e.Add("immediate_at_level", "unknown level")
	}
	if p.CompleteWithinDays < 0 || p.CompleteWithinDays > 365 {
		e.Add("complete_within_days", "must be within 0..365")
	}
	checkCitation(e, "", p.Evidence, p.Source)
	return e.Err()
}

// InspectionSubject is what the cadence needs to know about one loan.
type InspectionSubject struct {
	Loan           string
	Standing       Standing  // StandingUnset: derived from Grade
	Grade          Grade     // used when Standing is unset
	LastInspection date.Date // zero: never inspected
	Disbursed      date.Date // the cadence runs from here when never inspected
	DPD            int
	Level          Level
	LevelSince     date.Date // the day the current level was reached
}

// Reason says why an inspection is due; reasons combine as bits.
type Reason uint8

// Reasons an inspection is due.
const (
	ByCadence Reason = 1 << iota // the regular interval for the standing has passed
	ByOverdue                    // the loan became overdue since the last inspection
	ByWarning                    // the warning level reached the trigger since the last inspection
)

// String lists the reasons ("cadence+overdue").
func (r Reason) String() string {
	var parts []string
	for i, n := range []string{"cadence", "overdue", "warning"} {
		if r&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	return strings.Join(parts, "+")
}

// InspectionDue is an inspection due for a loan: since Due (on or before
// the day asked about), for Reasons. Kind is the inspection it asks for:
// the first after disbursement when the loan was never inspected, a
// special one when an overdue or a warning made it due, else a routine
// one. Overdue says it has been due longer than the policy's
// CompleteWithinDays.
type InspectionDue struct {
	Loan    string
	Due     date.Date
	Reasons Reason
	Kind    InspectionKind
	Overdue bool
}

// InspectionsDue returns the inspections due on day over subjects, in the
// subjects' order, each with the earliest date it became due. A subject
// never inspected runs its cadence from Disbursed. Bad subjects are
// reported together in a *fault.Fields.
func (p InspectionPolicy) InspectionsDue(day date.Date, subjects []InspectionSubject) ([]InspectionDue, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	e := inputErrors()
	var out []InspectionDue
	for i, s := range subjects {
		f := fmt.Sprintf("subjects[%d]", i)
		standing := s.Standing
		if standing == StandingUnset {
			standing = p.ByGrade[s.Grade]
		}
		if standing == StandingUnset || standing >= standingCount {
			e.Add(f+".standing", "unknown standing and no grade to derive it from")
			continue
		}
		if s.DPD < 0 {
			e.Add(f+".dpd", "must not be negative")
			continue
		}
		if !s.Level.Valid() {
			e.Add(f+".level", "unknown level")
			continue
		}
		base := s.LastInspection
		if base.IsZero() {
			base = s.Disbursed
		}
		d := InspectionDue{Loan: s.Loan}
		note := func(r Reason, when date.Date) {
			if when.After(day) {
				return
			}
			if d.Reasons == 0 || when.Before(d.Due) {
				d.Due = when
			}
			d.Reasons |= r
		}
		i := slices.IndexFunc(p.Cadence, func(c Cadence) bool { return c.Standing == standing })
		c := p.Cadence[i]
		note(ByCadence, schedule.AddMonths(base, c.Months).Add(date.PeriodOfDays(c.Days)))
		if p.ImmediateWhenOverdue && s.DPD > 0 {
			// DPD 1 is the day after the due date: the first overdue day.
			if since := day.Add(-date.PeriodOfDays(s.DPD - 1)); s.LastInspection.Before(since) || s.LastInspection.IsZero() {
				note(ByOverdue, since)
			}
		}
		if p.ImmediateAtLevel != LevelNone && s.Level >= p.ImmediateAtLevel {
			if s.LastInspection.IsZero() || s.LastInspection.Before(s.LevelSince) {
				note(ByWarning, s.LevelSince)
			}
		}
		if d.Reasons != 0 {
			d.Kind = RoutineInspection
			switch {
			case s.LastInspection.IsZero():
				d.Kind = FirstInspection
			case d.Reasons&(ByOverdue|ByWarning) != 0:
				d.Kind = SpecialInspection
			}
			d.Overdue = day.Sub(d.Due) > date.PeriodOfDays(p.CompleteWithinDays)
			out = append(out, d)
		}
	}
	if err := e.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Area is a subject of a post-loan inspection finding.
type Area uint8

// Inspection areas.
const (
	UseOfFunds Area = iota
	Operations
	Finances
	CollateralArea
	GuarantorArea
	areaCount
)

var areaNames = enum.New[Area](ErrInvalidInput, "area", "use-of-funds", "operations", "finances", "collateral", "guarantor")

// areaSignal maps an adverse finding to the early-warning signal it raises.
var areaSignal = [areaCount]Signal{
	UseOfFunds:     PurposeDeviation,
	Operations:     CashFlowBehindPlan,
	Finances:       FinancialDeterioration,
	CollateralArea: CollateralShortfall,
	GuarantorArea:  GuarantorDeterioration,
}

// String returns the area's name.
func (a Area) String() string { return areaNames.String(a) }

// MarshalText encodes the area name.
func (a Area) MarshalText() ([]byte, error) { return areaNames.MarshalText(a) }

// UnmarshalText decodes an area name.
func (a *Area) UnmarshalText(b []byte) error { return areaNames.UnmarshalText(b, a) }

// Finding is one finding of an inspection: SeverityNone means nothing
// adverse was found in the area.
type Finding struct {
	Area     Area     `json:"area"`
	Severity Severity `json:"severity"`
	Note     string   `json:"note,omitempty"`
}

// Conclusion is an inspection's overall conclusion.
type Conclusion uint8

// Conclusions.
const (
	conclusionUnset Conclusion = iota
	Satisfactory
	Concerns
	Adverse
	conclusionCount
)

var conclusionNames = enum.New[Conclusion](ErrInvalidInput, "conclusion", "", "satisfactory", "concerns", "adverse")

// String returns the conclusion's name.
func (c Conclusion) String() string { return conclusionNames.String(c) }

// MarshalText encodes the conclusion name.
func (c Conclusion) MarshalText() ([]byte, error) { return conclusionNames.MarshalText(c) }

// UnmarshalText decodes a conclusion name.
func (c *Conclusion) UnmarshalText(b []byte) error { return conclusionNames.UnmarshalText(b, c) }

// InspectionKind is the kind of a post-loan inspection: the first after
// disbursement (首次检查, chiefly of the use of the funds), a routine one by
// the cadence (定期检查), or a special one (专项/不定期检查) that an overdue,
// a warning or an event called for.
type InspectionKind uint8

// Inspection kinds; the zero value is "not said".
const (
	inspectionKindUnset InspectionKind = iota
	FirstInspection
	RoutineInspection
	SpecialInspection
	inspectionKindCount
)

var inspectionKindNames = enum.New[InspectionKind](ErrInvalidInput, "inspection kind", "", "first", "routine", "special")

// String returns "first", "routine" or "special" ("" when not said).
func (k InspectionKind) String() string { return inspectionKindNames.String(k) }

// MarshalText encodes the kind's name.
func (k InspectionKind) MarshalText() ([]byte, error) { return inspectionKindNames.MarshalText(k) }

// UnmarshalText decodes a kind's name.
func (k *InspectionKind) UnmarshalText(b []byte) error {
	return inspectionKindNames.UnmarshalText(b, k)
}

// SignOff is a supervisor's sign-off (审核) of an inspection: four eyes,
// so the supervisor is another person than the inspector. Until it is
// signed off, an inspection's findings raise signals but do not clear
// earlier ones (ApplyFacts).
type SignOff struct {
	Supervisor string    `json:"supervisor"`
	On         date.Date `json:"on"`
	Note       string    `json:"note,omitempty"`
}

// InspectionStatus is where an inspection stands in its lifecycle.
type InspectionStatus uint8

// Inspection statuses.
const (
	inspectionStatusUnset InspectionStatus = iota
	// Recorded ("recorded"): done and recorded, awaiting sign-off.
	Recorded
	// SignedOff ("signed-off"): signed off by a supervisor.
	SignedOff
)

var inspectionStatusNames = enum.New[InspectionStatus](ErrInvalidInput, "inspection status", "", "recorded", "signed-off")

// String returns "recorded" or "signed-off".
func (s InspectionStatus) String() string { return inspectionStatusNames.String(s) }

// MarshalText encodes the status's name.
func (s InspectionStatus) MarshalText() ([]byte, error) { return inspectionStatusNames.MarshalText(s) }

// UnmarshalText decodes a status's name.
func (s *InspectionStatus) UnmarshalText(b []byte) error {
	return inspectionStatusNames.UnmarshalText(b, s)
}

// InspectionEvent is what moves an inspection along its lifecycle.
type InspectionEvent uint8

// Inspection events.
const (
	// SignOffEvent ("sign-off"): a supervisor signs the inspection off.
	SignOffEvent InspectionEvent = iota
)

// String returns "sign-off".
func (InspectionEvent) String() string { return "sign-off" }

// inspectionLifecycle is the inspection's transition table: recorded, then
// signed off once.
var inspectionLifecycle = lifecycle.New("inspection", ErrIllegalTransition,
	lifecycle.Move[InspectionStatus, InspectionEvent]{From: Recorded, On: SignOffEvent, To: SignedOff},
)

// InspectionLifecycle returns the inspection's transition table.
func InspectionLifecycle() *lifecycle.Table[InspectionStatus, InspectionEvent] {
	return inspectionLifecycle
}

// checkSignOff adds to e what is wrong with signing r off by s, the
// fields named under prefix.
func (r *InspectionRecord) checkSignOff(e *fault.Fields, prefix string, s SignOff) {
	switch who := strings.TrimSpace(s.Supervisor); {
	case who == "":
		e.Add(prefix+"supervisor", "must not be empty")
	case strings.EqualFold(who, strings.TrimSpace(r.Inspector)):
		e.Add(prefix+"supervisor", "is the inspector: an inspection is signed off by another person (four eyes)")
	}
	switch {
	case s.On.IsZero():
		e.Add(prefix+"on", "must be set")
	case s.On.Before(r.Date):
		e.Addf(prefix+"on", "%s is before the inspection's date %s", s.On, r.Date)
	}
}

// InspectionRecord is the record of one post-loan inspection.
type InspectionRecord struct {
	Loan       string         `json:"loan"`
	Date       date.Date      `json:"date"`
	Kind       InspectionKind `json:"kind,omitzero"`
	Inspector  string         `json:"inspector"`
	Findings   []Finding      `json:"findings"`
	Conclusion Conclusion     `json:"conclusion"`
	// SignOff is the supervisor's sign-off; nil until signed off (Sign).
	SignOff *SignOff `json:"sign_off,omitempty"`
}

// Status returns Recorded, or SignedOff once signed off.
func (r InspectionRecord) Status() InspectionStatus {
	if r.SignOff != nil {
		return SignedOff
	}
	return Recorded
}

// Sign signs the record off by s. Four eyes: a supervisor who is the
// inspector is refused with a *fault.Fields naming "supervisor", as are a
// missing supervisor and a day ("on") before the inspection's; a record
// already signed off is a *fault.Transition (ErrIllegalTransition). The
// record is unchanged on error.
func (r *InspectionRecord) Sign(s SignOff) error {
	e := inputErrors()
	r.checkSignOff(e, "", s)
	if err := e.Err(); err != nil {
		return err
	}
	if _, err := inspectionLifecycle.Next(r.Status(), SignOffEvent); err != nil {
		return err
	}
	r.SignOff = &s
	return nil
}

// UnmarshalJSON decodes a record, turning a malformed date into an error.
func (r *InspectionRecord) UnmarshalJSON(b []byte) error {
	type plain InspectionRecord
	var v plain
	if err := guardedUnmarshal(b, &v); err != nil {
		return err
	}
	*r = InspectionRecord(v)
	return nil
}

// Validate reports every problem with the record.
func (r InspectionRecord) Validate() error {
	e := inputErrors()
	if strings.TrimSpace(r.Loan) == "" {
		e.Add("loan", "must not be empty")
	}
	if r.Date.IsZero() {
		e.Add("date", "must be set")
	}
	if strings.TrimSpace(r.Inspector) == "" {
		e.Add("inspector", "must not be empty")
	}
	if r.Kind >= inspectionKindCount {
		e.Add("kind", "must be first, routine or special")
	}
	if r.SignOff != nil {
		r.checkSignOff(e, "sign_off.", *r.SignOff)
	}
	for i, f := range r.Findings {
		if f.Area >= areaCount {
			e.Add(fmt.Sprintf("findings[%d].area", i), "unknown area")
		}
		if !f.Severity.Valid() {
			e.Add(fmt.Sprintf("findings[%d].severity", i), "unknown severity")
		}
	}
	if r.Conclusion == conclusionUnset || r.Conclusion >= conclusionCount {
		e.Add("conclusion", "must be satisfactory, concerns or adverse")
	}
	return e.Err()
}

// Signals returns the early-warning signals the record's findings raise,
// to merge into the loan's Facts.Signals (Signals.Merge).
func (r InspectionRecord) Signals() Signals {
	var s Signals
	for _, f := range r.Findings {
		if f.Area < areaCount && f.Severity.Valid() {
			s = s.With(areaSignal[f.Area], f.Severity)
		}
	}
	return s
}
