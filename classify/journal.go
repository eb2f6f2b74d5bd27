package classify

import (
	"fmt"
	"strings"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// FactKind is the kind of a dated fact about a borrower or a loan that
// comes from outside the loan's own journal: a court, a credit bureau, an
// inspector, the host's own monitoring.
type FactKind uint8

// Fact kinds; the zero value is unset and fails validation.
const (
	factKindUnset FactKind = iota
	// Bankruptcy ("bankruptcy"): notice of the borrower's bankruptcy was
	// received on Day (Facts.BankruptcyNotice; the bankruptcy signal).
	Bankruptcy
	// FraudDiscovered ("fraud"): fraud was discovered on Day
	// (Facts.FraudFound; the fraud signal).
	FraudDiscovered
	// ExternalOverdue ("external-overdue"): a credit-bureau refresh found
	// ExternalOverdue90 of the borrower's ExternalDebt at all lenders more
	// than 90 days past due (Facts.ExternalOverdue90 and ExternalDebt; the
	// adverse-bureau-refresh signal when anything is overdue). The latest
	// refresh replaces earlier ones.
	ExternalOverdue
	// LitigationFiled ("litigation"): litigation or enforcement against the
	// borrower (the litigation signal).
	LitigationFiled
	// CreditRiskIncrease ("significant-increase"): the host's test found a
	// significant increase in credit risk (Facts.SignificantIncrease).
	CreditRiskIncrease
	// Impaired ("credit-impaired"): the asset is credit-impaired
	// (Facts.CreditImpaired).
	Impaired
	// WarningSignals ("signal"): early-warning signals the host observed
	// (Fact.Signals), fund-flow monitoring's cash-flow-behind-plan and
	// purpose-deviation among them.
	WarningSignals
	// InspectionFindings ("inspection"): the signals a post-loan
	// inspection's findings raise (Fact.Signals, from
	// InspectionRecord.Signals; Reference is the inspection's id). The
	// latest signed-off inspection's replace earlier ones, so a clean
	// re-inspection clears them once a supervisor signed it off; an
	// inspection not yet signed off adds its signals and clears none
	// (ApplyFacts).
	InspectionFindings
	// Withdrawal ("withdrawal"): withdraws the fact whose key is
	// Fact.Withdraws from Day on — a dated correction, never a deletion.
	Withdrawal
	// DebtorRule ("debtor-rule"): from Day on, every loan of the borrower
	// is graded at least MinGrade and staged at least MinStage by the
	// debtor rules named in Rule (contagion, ApplyDebtorRules); a
	// DebtorRule with neither ends the floor. The latest one in force
	// counts (DebtorFloor). The Engine's close records these once it has
	// seen every loan of the day.
	DebtorRule
	// InspectionSignOff ("inspection-sign-off"): from Day on, the
	// inspection whose id is Reference is signed off by a supervisor
	// (RecordedBy), so its findings replace earlier ones. The Engine
	// records these when an inspection is signed off.
	InspectionSignOff
	// Inflow ("inflow"): fund-flow monitoring observed Amount come into
	// the borrower's repayment account over From..Day for Loan (the latest
	// report counts; FundFlowOf).
	Inflow
	// FundUse ("fund-use"): Amount of Loan's funds was used for Purpose,
	// off the agreed purpose when OffPurpose (the uses off purpose add up;
	// FundFlowOf).
	FundUse
	factKindCount
)

var factKindNames = enum.New[FactKind](ErrInvalidInput, "kind", "", "bankruptcy", "fraud", "external-overdue",
	"litigation", "significant-increase", "credit-impaired", "signal", "inspection", "withdrawal", "debtor-rule",
	"inspection-sign-off", "inflow", "fund-use")

// String returns the kind's name ("external-overdue").
func (k FactKind) String() string { return factKindNames.String(k) }

// MarshalText encodes the kind's name.
func (k FactKind) MarshalText() ([]byte, error) { return factKindNames.MarshalText(k) }

// UnmarshalText decodes a kind's name.
func (k *FactKind) UnmarshalText(b []byte) error { return factKindNames.UnmarshalText(b, k) }

// factSignal is the signal a kind raises and its severity when the fact
// names none; signals only for the kinds that raise one.
var factSignal = [factKindCount]struct {
	raises bool
	signal Signal
	sev    Severity
}{
	Bankruptcy:      {true, BankruptcySignal, SeverityHigh},
	FraudDiscovered: {true, FraudSignal, SeverityHigh},
	ExternalOverdue: {true, AdverseBureauRefresh, SeverityMedium},
	LitigationFiled: {true, Litigation, SeverityHigh},
}

// Fact is one dated fact of a facts journal (the borrower's, or a loan's
// when it names no borrower). Facts are never edited: a correction is a
// Withdrawal, dated, so the grade of any past day can be derived again.
type Fact struct {
	Kind FactKind  `json:"kind"`
	Day  date.Date `json:"day"`
	// Key identifies the fact in its journal: recording it again is a
	// replay, and a withdrawal names it.
	Key string `json:"key"`
	// Loan is the loan the fact is about; "" for the borrower as a whole
	// (every loan of theirs).
	Loan string `json:"loan,omitempty"`
	// Severity is the severity of the signal the kind raises; SeverityNone
	// takes the kind's default (high for bankruptcy, fraud and litigation,
	// medium for overdue debts elsewhere).
	Severity Severity `json:"severity,omitempty"`
	// Signals are the signals of a WarningSignals or InspectionFindings
	// fact.
	Signals Signals `json:"signals,omitzero"`
	// ExternalOverdue90 and ExternalDebt are an ExternalOverdue fact's
	// figures.
	ExternalOverdue90 money.Amount `json:"external_overdue_90,omitzero"`
	ExternalDebt      money.Amount `json:"external_debt,omitzero"`
	// Withdraws is the key of the fact a Withdrawal withdraws.
	Withdraws string `json:"withdraws,omitempty"`
	// MinGrade, MinStage and Rule are a DebtorRule fact's floor and the
	// ids of the debtor rules that set it.
	MinGrade Grade  `json:"min_grade,omitempty"`
	MinStage Stage  `json:"min_stage,omitempty"`
	Rule     string `json:"rule,omitempty"`
	// From, Amount, Purpose and OffPurpose are the fund-flow facts': an
	// Inflow's window starts on From and Amount came in over it; a
	// FundUse used Amount for Purpose, off the agreed purpose when
	// OffPurpose.
	From       date.Date    `json:"from,omitzero"`
	Amount     money.Amount `json:"amount,omitzero"`
	Purpose    string       `json:"purpose,omitempty"`
	OffPurpose bool         `json:"off_purpose,omitempty"`
	// Source says where the fact comes from ("credit-bureau", "court",
	// "inspection", "host"); Reference is the evidence (a case number, a
	// report id, an inspection id); RecordedBy who recorded it.
	Source     string `json:"source"`
	Reference  string `json:"reference,omitempty"`
	RecordedBy string `json:"recorded_by"`
}

// UnmarshalJSON decodes a fact, turning a malformed date into an error.
func (f *Fact) UnmarshalJSON(b []byte) error {
	type plain Fact
	var v plain
	if err := guardedUnmarshal(b, &v); err != nil {
		return err
	}
	*f = Fact(v)
	return nil
}

// Validate reports every problem with the fact in one *fault.Fields
// (ErrInvalidInput).
func (f Fact) Validate() error {
	e := inputErrors()
	if f.Kind == factKindUnset || f.Kind >= factKindCount {
		e.Add("kind", "unknown fact kind")
	}
	if f.Day.IsZero() {
		e.Add("day", "must be set")
	}
	if strings.TrimSpace(f.Key) == "" {
		e.Add("key", "must not be empty")
	}
	if strings.TrimSpace(f.Source) == "" {
		e.Add("source", "must not be empty")
	}
	if strings.TrimSpace(f.RecordedBy) == "" {
		e.Add("recorded_by", "must not be empty")
	}
	if !f.Severity.Valid() {
		e.Add("severity", "unknown severity")
	}
	signals := f.Kind == WarningSignals || f.Kind == InspectionFindings
	valid, any := true, false
	for _, sev := range f.Signals {
		valid = valid && sev.Valid()
		any = any || sev != SeverityNone
	}
	switch {
	case !valid:
		e.Add("signals", "unknown severity")
	case f.Kind == WarningSignals && !any:
		e.Add("signals", "a signal fact needs at least one signal")
	case !signals && any:
		e.Add("signals", fmt.Sprintf("a %s fact carries no signals", f.Kind))
	}
	external := !f.ExternalOverdue90.IsZero() || !f.ExternalDebt.IsZero()
	switch {
	case f.Kind == ExternalOverdue && !f.ExternalDebt.IsPositive():
		e.Add("external_debt", "must be positive")
	case f.Kind != ExternalOverdue && external:
		e.Add("external_debt", "only an external-overdue fact carries external debts")
	}
	if f.Kind == ExternalOverdue {
		switch {
		case f.ExternalOverdue90.IsNegative():
			e.Add("external_overdue_90", "must not be negative")
		case !f.ExternalOverdue90.SameCurrency(f.ExternalDebt):
			e.Add("external_overdue_90", "currency differs from external_debt")
		case f.ExternalOverdue90.Cmp(f.ExternalDebt) > 0:
			e.Add("external_overdue_90", "exceeds external_debt")
		}
	}
	if (f.Kind == InspectionSignOff || f.Kind == InspectionFindings) && strings.TrimSpace(f.Reference) == "" {
		e.Add("reference", "names the inspection")
	}
	f.validateFlow(e)
	switch {
	case f.Kind == Withdrawal && strings.TrimSpace(f.Withdraws) == "":
		e.Add("withdraws", "a withdrawal names the key of the fact it withdraws")
	case f.Kind == Withdrawal && f.Withdraws == f.Key:
		e.Add("withdraws", "a withdrawal cannot withdraw itself")
	case f.Kind != Withdrawal && f.Withdraws != "":
		e.Add("withdraws", "only a withdrawal withdraws")
	}
	switch {
	case !f.MinGrade.Valid():
		e.Add("min_grade", "unknown grade")
	case !f.MinStage.Valid():
		e.Add("min_stage", "unknown stage")
	case f.Kind != DebtorRule && (f.MinGrade != GradeNone || f.MinStage != StageNone || f.Rule != ""):
		e.Add("min_grade", "only a debtor-rule fact sets a floor")
	case f.Kind == DebtorRule && (f.MinGrade != GradeNone || f.MinStage != StageNone) && strings.TrimSpace(f.Rule) == "":
		e.Add("rule", "a floor names the debtor rules that set it")
	}
	return e.Err()
}

// referenced returns the names the facts of kind in force on day refer to
// (the keys withdrawals withdraw, the inspections sign-offs sign off);
// nil when there are none.
func referenced(journal []Fact, day date.Date, kind FactKind, name func(*Fact) string) map[string]bool {
	var out map[string]bool
	for i := range journal {
		x := &journal[i]
		if x.Kind == kind && !x.Day.After(day) {
			if out == nil {
				out = map[string]bool{}
			}
			out[name(x)] = true
		}
	}
	return out
}

// validateFlow adds the problems of a fund-flow fact's fields to e, and
// of those fields on a fact of another kind.
func (f Fact) validateFlow(e *fault.Fields) {
	flow := f.Kind == Inflow || f.Kind == FundUse
	if flow && strings.TrimSpace(f.Loan) == "" {
		e.Add("loan", "a fund-flow fact is about one loan")
	}
	switch {
	case f.Kind == Inflow && f.From.IsZero():
		e.Add("from", "an inflow is observed over a window from a day")
	case f.Kind == Inflow && f.From.After(f.Day):
		e.Add("from", "is after the day")
	case f.Kind != Inflow && !f.From.IsZero():
		e.Add("from", "only an inflow has a window")
	}
	switch {
	case f.Kind == Inflow && f.Amount.IsNegative():
		e.Add("amount", "must not be negative")
	case f.Kind == FundUse && !f.Amount.IsPositive():
		e.Add("amount", "must be positive")
	case !flow && !f.Amount.IsZero():
		e.Add("amount", "only a fund-flow fact carries an amount")
	}
	switch {
	case f.Kind == FundUse && strings.TrimSpace(f.Purpose) == "":
		e.Add("purpose", "says what the funds were used for")
	case f.Kind != FundUse && (f.Purpose != "" || f.OffPurpose):
		e.Add("purpose", "only a fund-use fact has a purpose")
	}
}

// DebtorFloor returns the floor the latest DebtorRule fact of journal in
// force on day sets (GradeNone, StageNone and "" when none): the grade and
// stage every loan of the borrower is held at or above by the debtor
// rules, and their ids.
func DebtorFloor(journal []Fact, day date.Date) (Grade, Stage, string) {
	var last *Fact
	for i := range journal {
		x := &journal[i]
		if x.Kind == DebtorRule && !x.Day.After(day) && (last == nil || !x.Day.Before(last.Day)) {
			last = x
		}
	}
	if last == nil {
		return GradeNone, StageNone, ""
	}
	return last.MinGrade, last.MinStage, last.Rule
}

// ApplyFacts folds journal, the facts that concern one loan in the order
// they were recorded, into f as they stand on day: a fact counts from its
// Day until a withdrawal dated on or before day withdraws it. A bankruptcy
// notice or fraud counts from its earliest day; the latest credit-bureau
// refresh replaces earlier ones; signals combine by their worst severity.
// Inspections count as a bank counts them: the latest inspection signed
// off on or before day replaces earlier ones, and every inspection after
// it not yet signed off adds its signals — an adverse finding counts from
// the day it is found, while clearing a finding waits for the second pair
// of eyes. Facts dated after day are left out, so the
// grade of any day can be derived again from the same journal. It does
// not validate the facts (the Engine validated them when recording).
func ApplyFacts(f *Facts, journal []Fact, day date.Date) {
	withdrawn := referenced(journal, day, Withdrawal, func(x *Fact) string { return x.Withdraws })
	signed := referenced(journal, day, InspectionSignOff, func(x *Fact) string { return x.Reference })
	var bureau, inspection *Fact
	var unsigned []*Fact
	for i := range journal {
		x := &journal[i]
		if x.Day.After(day) || withdrawn[x.Key] || x.Kind >= factKindCount {
			continue
		}
		if s := factSignal[x.Kind]; s.raises {
			sev := x.Severity
			if sev == SeverityNone {
				sev = s.sev
			}
			if x.Kind != ExternalOverdue {
				f.Signals = f.Signals.With(s.signal, sev)
			}
		}
		switch x.Kind {
		case Bankruptcy:
			if f.BankruptcyNotice.IsZero() || x.Day.Before(f.BankruptcyNotice) {
				f.BankruptcyNotice = x.Day
			}
		case FraudDiscovered:
			if f.FraudFound.IsZero() || x.Day.Before(f.FraudFound) {
				f.FraudFound = x.Day
			}
		case ExternalOverdue:
			if bureau == nil || !x.Day.Before(bureau.Day) {
				bureau = x
			}
		case CreditRiskIncrease:
			f.SignificantIncrease = true
		case Impaired:
			f.CreditImpaired = true
		case WarningSignals:
			f.Signals = f.Signals.Merge(x.Signals)
		case InspectionFindings:
			if !signed[x.Reference] {
				unsigned = append(unsigned, x)
			} else if inspection == nil || !x.Day.Before(inspection.Day) {
				inspection = x
			}
		}
	}
	if bureau != nil {
		f.ExternalOverdue90, f.ExternalDebt = bureau.ExternalOverdue90, bureau.ExternalDebt
		if bureau.ExternalOverdue90.IsPositive() {
			sev := bureau.Severity
			if sev == SeverityNone {
				sev = factSignal[ExternalOverdue].sev
			}
			f.Signals = f.Signals.With(AdverseBureauRefresh, sev)
		}
	}
	if inspection != nil {
		f.Signals = f.Signals.Merge(inspection.Signals)
	}
	for _, x := range unsigned {
		if inspection == nil || !x.Day.Before(inspection.Day) {
			f.Signals = f.Signals.Merge(x.Signals)
		}
	}
}
