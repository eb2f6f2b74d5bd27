package classify

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
)

// Comparator compares a fact with a rule's threshold. The regulation's
// "超过" (exceeds) is GT: strictly greater, so "超过90天" is DPD > 90 and
// day 90 itself does not trigger.
type Comparator uint8

// Comparators; the zero value is "unset", valid only for flag conditions.
const (
	OpUnset Comparator = iota
	GT                 // "gt", >  (超过)
	GE                 // "ge", >= (达到 / 以上)
	LT                 // "lt", <
	LE                 // "le", <=
	EQ                 // "eq", ==
	opCount
)

// opNames names the comparators in kebab-case, as enum requires; the
// symbols that policy files used before (">", ">=", "<", "<=", "==") are
// accepted on input too, and Condition.String still prints them.
var opNames = func() *enum.Names[Comparator] {
	n := enum.New[Comparator](ErrInvalidInput, "comparator", "", "gt", "ge", "lt", "le", "eq")
	for op, sym := range opSymbols {
		if sym != "" {
			n.Alias(sym, Comparator(op))
		}
	}
	return n
}()

// opSymbols are the comparators as a reader of the regulation writes them.
var opSymbols = [opCount]string{"", ">", ">=", "<", "<=", "=="}

// String returns the comparator's name ("gt").
func (o Comparator) String() string { return opNames.String(o) }

// Symbol returns the comparator as a symbol (">"), "" when unset.
func (o Comparator) Symbol() string {
	if o < opCount {
		return opSymbols[o]
	}
	return o.String()
}

// MarshalText encodes the name ("gt").
func (o Comparator) MarshalText() ([]byte, error) { return opNames.MarshalText(o) }

// UnmarshalText decodes "gt", "ge", "lt", "le" or "eq", or the symbol
// ">", ">=", "<", "<=" or "==".
func (o *Comparator) UnmarshalText(b []byte) error { return opNames.UnmarshalText(b, o) }

// holds reports whether "a op b" is true for a comparison result c = cmp(a, b).
func (o Comparator) holds(c int) bool {
	switch o {
	case GT:
		return c > 0
	case GE:
		return c >= 0
	case LT:
		return c < 0
	case LE:
		return c <= 0
	case EQ:
		return c == 0
	}
	return false
}

// ConditionKind is what a rule condition looks at.
type ConditionKind uint8

// Condition kinds. Day kinds compare Condition.Days, ratio kinds compare
// Condition.Ratio, the level kind compares Condition.Level, flag kinds test
// a fact (negated by Condition.Not).
const (
	kindUnset ConditionKind = iota
	// DaysPastDue compares Facts.DPD with Days (day kind).
	DaysPastDue
	// CreditImpaired tests Facts.CreditImpaired (flag).
	CreditImpaired
	// ECLRatio compares Facts.ECL ÷ Facts.Balance with Ratio; false when the
	// balance is zero (ratio kind).
	ECLRatio
	// DebtorNPLShare compares the non-performing share of a debtor's claims
	// here, by balance, with Ratio; only in debtor rules (ratio kind).
	DebtorNPLShare
	// ExternalOverdueShare compares ExternalOverdue90 ÷ ExternalDebt with
	// Ratio; false when the debt is zero (ratio kind).
	ExternalOverdueShare
	// Restructured tests Facts.Restructured (flag).
	Restructured
	// SignificantIncrease tests Facts.SignificantIncrease (flag).
	SignificantIncrease
	// BankruptcyNotice is true from the day in Facts.BankruptcyNotice (flag).
	BankruptcyNotice
	// Fraud is true from the day in Facts.FraudFound (flag).
	Fraud
	// OpenEnd tests Facts.OpenEnd (flag).
	OpenEnd
	// NonRetail tests Facts.NonRetail, or for a debtor rule whether any of
	// the debtor's claims is non-retail (flag).
	NonRetail
	// WarningLevel compares the loan's early-warning level with Level.
	WarningLevel
	kindCount
)

type kindClass uint8

const (
	classDays kindClass = iota
	classRatio
	classFlag
	classLevel
)

var kindTable = [kindCount]struct {
	name   string
	class  kindClass
	debtor bool // allowed in debtor rules
	loan   bool // allowed in loan rules
}{
	{"", classFlag, false, false},
	{"dpd", classDays, false, true},
	{"credit-impaired", classFlag, false, true},
	{"ecl-ratio", classRatio, false, true},
	{"debtor-npl-share", classRatio, true, false},
	{"external-overdue-share", classRatio, false, true},
	{"restructured", classFlag, false, true},
	{"significant-increase", classFlag, false, true},
	{"bankruptcy-notice", classFlag, false, true},
	{"fraud", classFlag, false, true},
	{"open-end", classFlag, false, true},
	{"non-retail", classFlag, true, true},
	{"warning-level", classLevel, false, true},
}

var kindNames = func() *enum.Names[ConditionKind] {
	n := make([]string, kindCount)
	for i, k := range kindTable {
		n[i] = k.name
	}
	return enum.New[ConditionKind](ErrInvalidInput, "kind", n...)
}()

// String returns the kind's name as used in JSON ("dpd").
func (k ConditionKind) String() string { return kindNames.String(k) }

// MarshalText encodes the kind name.
func (k ConditionKind) MarshalText() ([]byte, error) { return kindNames.MarshalText(k) }

// UnmarshalText decodes a kind name.
func (k *ConditionKind) UnmarshalText(b []byte) error { return kindNames.UnmarshalText(b, k) }

// Condition is one test in a rule; a rule triggers when all its conditions
// hold.
type Condition struct {
	Kind  ConditionKind `json:"kind"`
	Op    Comparator    `json:"op,omitempty"`    // for day, ratio and level kinds
	Days  int           `json:"days,omitempty"`  // threshold of a day kind
	Ratio money.Rate    `json:"ratio,omitzero"`  // threshold of a ratio kind, 0..1
	Level Level         `json:"level,omitempty"` // threshold of the level kind
	Not   bool          `json:"not,omitempty"`   // negates a flag kind
}

// Over returns the condition "kind > days" (超过), e.g. Over(DaysPastDue, 90).
func Over(kind ConditionKind, days int) Condition { return Condition{Kind: kind, Op: GT, Days: days} }

// AtLeast returns the condition "kind >= days".
func AtLeast(kind ConditionKind, days int) Condition {
	return Condition{Kind: kind, Op: GE, Days: days}
}

// RatioOver returns "kind op ratio" for a ratio kind.
func RatioOver(kind ConditionKind, op Comparator, ratio money.Rate) Condition {
	return Condition{Kind: kind, Op: op, Ratio: ratio}
}

// Is returns the flag condition "kind is true".
func Is(kind ConditionKind) Condition { return Condition{Kind: kind} }

// String renders the condition for reports with the comparator's symbol:
// "dpd > 90", "credit-impaired", "not open-end", "ecl-ratio >= 0.5".
func (c Condition) String() string {
	if c.Kind >= kindCount {
		return c.Kind.String()
	}
	switch kindTable[c.Kind].class {
	case classDays:
		return fmt.Sprintf("%s %s %d", c.Kind, c.Op.Symbol(), c.Days)
	case classRatio:
		return fmt.Sprintf("%s %s %s", c.Kind, c.Op.Symbol(), c.Ratio)
	case classLevel:
		return fmt.Sprintf("%s %s %s", c.Kind, c.Op.Symbol(), c.Level)
	}
	if c.Not {
		return "not " + c.Kind.String()
	}
	return c.Kind.String()
}

func (c Condition) validate(e *fault.Fields, field string, obj Object) {
	if c.Kind == kindUnset || c.Kind >= kindCount {
		e.Add(field+".kind", "unknown condition kind")
		return
	}
	k := kindTable[c.Kind]
	if obj == DebtorObject && !k.debtor || obj == LoanObject && !k.loan {
		e.Add(field+".kind", fmt.Sprintf("%s is not allowed in a %s rule", c.Kind, obj))
	}
	if k.class == classFlag {
		if c.Op != OpUnset || c.Days != 0 || !c.Ratio.IsZero() || c.Level != LevelNone {
			e.Add(field, "a flag condition takes no comparator or threshold")
		}
		return
	}
	if c.Not {
		e.Add(field+".not", "only flag conditions can be negated")
	}
	if c.Op == OpUnset || c.Op >= opCount {
		e.Add(field+".op", "needs a comparator (gt, ge, lt, le, eq)")
	}
	switch k.class {
	case classDays:
		if c.Days < 0 || c.Days > maxDays {
			e.Add(field+".days", fmt.Sprintf("must be within 0..%d", maxDays))
		}
		if !c.Ratio.IsZero() || c.Level != LevelNone {
			e.Add(field, "a day condition takes only days")
		}
	case classRatio:
		if c.Ratio.IsNegative() || c.Ratio.Cmp(oneRate) > 0 && c.Kind != ECLRatio {
			e.Add(field+".ratio", "must be within 0..1")
		}
		if c.Ratio.IsNegative() {
			e.Add(field+".ratio", "must not be negative")
		}
		if c.Days != 0 || c.Level != LevelNone {
			e.Add(field, "a ratio condition takes only a ratio")
		}
	case classLevel:
		if c.Level == LevelNone || !c.Level.Valid() {
			e.Add(field+".level", "must be green, yellow, orange or red")
		}
		if c.Days != 0 || !c.Ratio.IsZero() {
			e.Add(field, "a level condition takes only a level")
		}
	}
}

// maxDays bounds day thresholds (about 27 years), keeping the compiled
// lookup tables small.
const maxDays = 10000

var oneRate, _ = money.NewRate(1, 1)

// Object says what a rule grades: one loan on its own facts, or all claims
// of a debtor together (contagion).
type Object uint8

// Rule objects.
const (
	LoanObject   Object = iota // the rule reads one loan's facts
	DebtorObject               // the rule reads a debtor's claims together
	objectCount
)

var objectNames = enum.New[Object](ErrInvalidInput, "object", "loan", "debtor")

// String returns "loan" or "debtor".
func (o Object) String() string { return objectNames.String(o) }

// MarshalText encodes the object name.
func (o Object) MarshalText() ([]byte, error) { return objectNames.MarshalText(o) }

// UnmarshalText decodes "loan" or "debtor".
func (o *Object) UnmarshalText(b []byte) error { return objectNames.UnmarshalText(b, o) }

// Evidence says how the source of a rule was checked, so a reader knows
// how far to trust the figure:
//
//   - Verified ("verified"): read in the primary legal or standard text, or
//     in an official Q&A quoting it;
//   - Secondary ("secondary"): read only in a secondary source quoting the
//     rule (news, an exam page, a vendor's page); re-check before relying
//     on it;
//   - Known ("known"): a well-known reference, not re-read;
//   - NotFound ("not-found"): no source fixes the value; it is a
//     configurable convention;
//   - House ("house"): the host's own rule.
//
// Input also accepts the short tags "V", "S", "K", "NF" and "H" that
// earlier policy files used.
type Evidence uint8

// Evidence tags; the zero value is unset and fails validation.
const (
	evidenceUnset Evidence = iota
	Verified
	Secondary
	Known
	NotFound
	House
	evidenceCount
)

var evidenceNames = func() *enum.Names[Evidence] {
	n := enum.New[Evidence](ErrInvalidInput, "evidence", "", "verified", "secondary", "known", "not-found", "house")
	for i, tag := range []string{"", "V", "S", "K", "NF", "H"} {
		if tag != "" {
			n.Alias(tag, Evidence(i))
		}
	}
	return n
}()

// String returns the tag's name ("secondary").
func (e Evidence) String() string { return evidenceNames.String(e) }

// MarshalText encodes the tag's name.
func (e Evidence) MarshalText() ([]byte, error) { return evidenceNames.MarshalText(e) }

// UnmarshalText decodes a tag's name or its short form ("S").
func (e *Evidence) UnmarshalText(b []byte) error { return evidenceNames.UnmarshalText(b, e) }

func (e Evidence) valid() bool { return e != evidenceUnset && e < evidenceCount }

// Outcome is what a triggered rule imposes. The loan's grade, stage and
// actions are the worst over all triggered outcomes.
type Outcome struct {
	MinGrade Grade `json:"min_grade,omitempty"`
	MinStage Stage `json:"min_stage,omitempty"`
	// ChargeOff asks for a charge-off (write-off) within ChargeOffWithinDays
	// of the triggering event: the day the last of the rule's dated
	// conditions began to hold — the days past due reaching the rule's
	// threshold, the bankruptcy notice, the fraud discovery. A charge-off
	// rule needs one such condition, so its deadline does not move with
	// the day it is asked about.
	ChargeOff           bool `json:"charge_off,omitempty"`
	ChargeOffWithinDays int  `json:"charge_off_within_days,omitempty"`
}

// Rule is one row of a classification policy: when all conditions hold on
// a day within its effective dates, the outcome applies.
type Rule struct {
	ID     string      `json:"id"`     // e.g. "CN23-DPD-2"; unique in a policy
	Regime string      `json:"regime"` // e.g. "CN2023", "IFRS9", "FFIEC"
	Object Object      `json:"object"`
	When   []Condition `json:"when"`
	Then   Outcome     `json:"then"`
	// EffectiveFrom and EffectiveTo bound the days the rule applies,
	// both inclusive; the zero Date leaves that side open.
	EffectiveFrom date.Date `json:"effective_from,omitzero"`
	EffectiveTo   date.Date `json:"effective_to,omitzero"`
	// Evidence says how Source was checked.
	Evidence Evidence `json:"evidence"`
	// Source cites where the rule comes from — the law, measure or standard
	// and its article ("IFRS 9 §5.5.11") — or says it is lender practice or
	// the host's own; it travels with the rule into audit trails.
	Source string `json:"source"`
}

// UnmarshalJSON decodes a rule, turning a malformed date into an error
// rather than letting the date parser panic.
func (r *Rule) UnmarshalJSON(b []byte) error {
	type plain Rule
	var v plain
	if err := guardedUnmarshal(b, &v); err != nil {
		return err
	}
	*r = Rule(v)
	return nil
}

func (r Rule) validate(e *fault.Fields, field string) {
	if strings.TrimSpace(r.ID) == "" {
		e.Add(field+".id", "must not be empty")
	}
	if strings.TrimSpace(r.Regime) == "" {
		e.Add(field+".regime", "must not be empty")
	}
	if r.Object >= objectCount {
		e.Add(field+".object", "must be loan or debtor")
	}
	if len(r.When) == 0 {
		e.Add(field+".when", "needs at least one condition")
	}
	if len(r.When) > maxConditions {
		e.Add(field+".when", fmt.Sprintf("at most %d conditions", maxConditions))
	}
	for i, c := range r.When {
		c.validate(e, fmt.Sprintf("%s.when[%d]", field, i), r.Object)
	}
	o := r.Then
	if !o.MinGrade.Valid() {
		e.Add(field+".then.min_grade", "unknown grade")
	}
	if !o.MinStage.Valid() {
		e.Add(field+".then.min_stage", "unknown stage")
	}
	if o.MinGrade == GradeNone && o.MinStage == StageNone && !o.ChargeOff {
		e.Add(field+".then", "must set a minimum grade, a minimum stage or a charge-off")
	}
	if o.ChargeOffWithinDays < 0 || o.ChargeOffWithinDays > maxDays {
		e.Add(field+".then.charge_off_within_days", fmt.Sprintf("must be within 0..%d", maxDays))
	}
	if !o.ChargeOff && o.ChargeOffWithinDays != 0 {
		e.Add(field+".then.charge_off_within_days", "set without charge_off")
	}
	if o.ChargeOff && !slices.ContainsFunc(r.When, Condition.dates) {
		e.Add(field+".then.charge_off", "a charge-off runs from a dated condition: days past due over or at least a threshold, a bankruptcy notice or a fraud")
	}
	if r.Object == DebtorObject && o.ChargeOff {
		e.Add(field+".then.charge_off", "debtor rules grade claims; charge-offs are loan rules")
	}
	if !r.EffectiveFrom.IsZero() && !r.EffectiveTo.IsZero() && r.EffectiveTo.Before(r.EffectiveFrom) {
		e.Add(field+".effective_to", "is before effective_from")
	}
	if !r.Evidence.valid() {
		e.Add(field+".evidence", evidenceProblem)
	}
	if strings.TrimSpace(r.Source) == "" {
		e.Add(field+".source", "must cite its source")
	}
}

// dates reports whether the condition dates the event a charge-off runs
// from.
func (c Condition) dates() bool {
	switch c.Kind {
	case DaysPastDue:
		return !c.Not && (c.Op == GT || c.Op == GE || c.Op == EQ)
	case BankruptcyNotice, Fraud:
		return !c.Not
	}
	return false
}

// maxConditions bounds the conditions in one rule so compiled rules are
// fixed-size arrays.
const maxConditions = 4

// guardedUnmarshal decodes JSON, converting a panic inside a third-party
// text decoder (the date parser panics on some malformed input) into an error.
func guardedUnmarshal(b []byte, v any) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fault.Invalid(ErrInvalidInput, "json", fmt.Sprintf("malformed value (%v)", p))
		}
	}()
	return json.Unmarshal(b, v)
}

// evidenceProblem is the complaint about a missing or unknown evidence tag.
const evidenceProblem = "must be verified, secondary, known, not-found or house"
