package classify

import (
	"fmt"
	"strings"

	"github.com/lendcore/lendcore/fault"
)

// WarningRule maps an early-warning signal at or above a severity to a
// warning level and, optionally, a minimum grade and stage. A loan's level
// is the worst over all triggered warning rules (Green when none).
type WarningRule struct {
	ID          string   `json:"id"`
	Signal      Signal   `json:"signal"`
	MinSeverity Severity `json:"min_severity"`
	Level       Level    `json:"level"`
	MinGrade    Grade    `json:"min_grade,omitempty"`
	MinStage    Stage    `json:"min_stage,omitempty"`
	Evidence    Evidence `json:"evidence"`
	Source      string   `json:"source"`
}

// DefaultWarnings returns a house convention (no regulation fixes these
// mappings — NotFound, configure them): a low-severity signal is yellow, medium
// orange, high red; a high-severity financial deterioration, purpose
// deviation, litigation, adverse bureau refresh, bankruptcy notice or fraud
// also sets at least 关注 and
// IFRS 9 stage 2 (treated as a significant increase in credit risk).
func DefaultWarnings() []WarningRule {
	var out []WarningRule
	src := "house convention; no regulatory source maps warning signals to levels. The high-severity floor follows " +
		"关注's definition in 《商业银行金融资产风险分类办法》(CBIRC/PBoC Order 〔2023〕 No. 1): adverse factors exist, " +
		"though the debtor can still pay"
	for s := Signal(0); s < SignalCount; s++ {
		for sev, lvl := range []Level{SeverityLow: Yellow, SeverityMedium: Orange, SeverityHigh: Red} {
			if sev == 0 {
				continue
			}
			r := WarningRule{
				ID:     fmt.Sprintf("EW-%s-%s", s, Severity(sev)),
				Signal: s, MinSeverity: Severity(sev), Level: lvl,
				Evidence: NotFound, Source: src,
			}
			if Severity(sev) == SeverityHigh {
				switch s {
				case FinancialDeterioration, PurposeDeviation, Litigation, AdverseBureauRefresh, BankruptcySignal, FraudSignal:
					r.MinGrade, r.MinStage = SpecialMention, Stage2
				}
			}
			out = append(out, r)
		}
	}
	return out
}

func (w WarningRule) validate(e *fault.Fields, field string) {
	if strings.TrimSpace(w.ID) == "" {
		e.Add(field+".id", "must not be empty")
	}
	if !w.Signal.Valid() {
		e.Add(field+".signal", "unknown signal")
	}
	if w.MinSeverity == SeverityNone || !w.MinSeverity.Valid() {
		e.Add(field+".min_severity", "must be low, medium or high")
	}
	if w.Level == LevelNone || !w.Level.Valid() {
		e.Add(field+".level", "must be green, yellow, orange or red")
	}
	if !w.MinGrade.Valid() {
		e.Add(field+".min_grade", "unknown grade")
	}
	if !w.MinStage.Valid() {
		e.Add(field+".min_stage", "unknown stage")
	}
	if !w.Evidence.valid() {
		e.Add(field+".evidence", evidenceProblem)
	}
	if strings.TrimSpace(w.Source) == "" {
		e.Add(field+".source", "must cite its source")
	}
}
