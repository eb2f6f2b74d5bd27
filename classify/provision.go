package classify

import (
	"fmt"
	"strings"

	"github.com/lendcore/lendcore/money"
)

// GradeRate is one row of a provisioning grid: the share of a loan's
// balance to provision at a grade.
type GradeRate struct {
	Grade Grade      `json:"grade"`
	Rate  money.Rate `json:"rate"`
}

// GradeProvision is a provisioning grid by five-category grade.
type GradeProvision struct {
	Rows     []GradeRate        `json:"rows"`
	Rounding money.RoundingMode `json:"rounding"`
	Evidence Evidence           `json:"evidence"`
	Source   string             `json:"source"`
}

// LegacyChinaProvision returns the legacy Chinese grid of the PBoC's 2002
// guideline on loan-loss reserves (《银行贷款损失准备计提指引》): general
// reserve 1 % of normal loans, specific reserves 关注 2 %, 次级 25 %, 可疑
// 50 %, 损失 100 %. The figures were read only in secondary sources quoting
// the guideline (Secondary); re-check before relying on them. A host with
// other rates sets its own rows. Rounding half-up.
func LegacyChinaProvision() GradeProvision {
	return GradeProvision{
		Rows: []GradeRate{
			{Normal, mustRate(1, 100)}, {SpecialMention, mustRate(2, 100)}, {Substandard, mustRate(25, 100)},
			{Doubtful, mustRate(50, 100)}, {Loss, mustRate(1, 1)},
		},
		Evidence: Secondary,
		Source: "《银行贷款损失准备计提指引》(PBoC, 2002): general reserve at least 1 % of loans; " +
			"specific reserves 关注 2 %, 次级 25 %, 可疑 50 %, 损失 100 %",
	}
}

// Validate reports every problem with the grid.
func (g GradeProvision) Validate() error {
	e := policyErrors()
	seen := map[Grade]bool{}
	for i, r := range g.Rows {
		f := fmt.Sprintf("rows[%d]", i)
		if r.Grade == GradeNone || !r.Grade.Valid() {
			e.Add(f+".grade", "must be a grade")
		} else if seen[r.Grade] {
			e.Add(f+".grade", "duplicate grade "+r.Grade.String())
		}
		seen[r.Grade] = true
		if r.Rate.IsNegative() || r.Rate.Cmp(oneRate) > 0 {
			e.Add(f+".rate", "must be within 0..1")
		}
	}
	for g := Normal; g < gradeCount; g++ {
		if !seen[g] {
			e.Add("rows", "no rate for "+g.String())
		}
	}
	if !g.Rounding.Valid() {
		e.Add("rounding", "unknown rounding mode")
	}
	checkCitation(e, "", g.Evidence, g.Source)
	return e.Err()
}

// Provision returns balance × the grade's rate, rounded once to the minor
// unit: a 10,000 次级 loan under the legacy grid needs 2,500. A negative
// balance returns a *fault.Fields (ErrInvalidInput) naming "balance".
func (g GradeProvision) Provision(balance money.Amount, grade Grade) (money.Amount, error) {
	if balance.IsNegative() {
		e := inputErrors()
		e.Add("balance", "must not be negative")
		return money.Amount{}, e
	}
	for _, r := range g.Rows {
		if r.Grade == grade {
			return balance.MulRate(r.Rate, g.Rounding)
		}
	}
	return money.Amount{}, fmt.Errorf("%w: no provisioning rate for grade %s", ErrNoMatch, grade)
}

// ECLRow gives the probability of default and loss given default for one
// segment in one stage. PD is a 12-month PD in stage 1 and a lifetime PD in
// stages 2 and 3 (IFRS 9 §5.5.3, §5.5.5). A lifetime-only (CECL) host puts
// lifetime PDs in every stage's row.
type ECLRow struct {
	Segment string     `json:"segment"`
	Stage   Stage      `json:"stage"`
	PD      money.Rate `json:"pd"`
	LGD     money.Rate `json:"lgd"`
}

// ECLTable is a PD/LGD table by segment and stage.
type ECLTable struct {
	Rows     []ECLRow           `json:"rows"`
	Rounding money.RoundingMode `json:"rounding"`
	Source   string             `json:"source"`
}

// Validate reports every problem with the table.
func (t ECLTable) Validate() error {
	e := policyErrors()
	type key struct {
		seg   string
		stage Stage
	}
	seen := map[key]bool{}
	for i, r := range t.Rows {
		f := fmt.Sprintf("rows[%d]", i)
		if strings.TrimSpace(r.Segment) == "" {
			e.Add(f+".segment", "must not be empty")
		}
		if r.Stage == StageNone || !r.Stage.Valid() {
			e.Add(f+".stage", "must be stage-1, stage-2 or stage-3")
		}
		if seen[key{r.Segment, r.Stage}] {
			e.Add(f, "duplicate segment and stage")
		}
		seen[key{r.Segment, r.Stage}] = true
		for _, x := range []struct {
			name string
			v    money.Rate
		}{{"pd", r.PD}, {"lgd", r.LGD}} {
			if x.v.IsNegative() || x.v.Cmp(oneRate) > 0 {
				e.Add(f+"."+x.name, "must be within 0..1")
			}
		}
	}
	if !t.Rounding.Valid() {
		e.Add("rounding", "unknown rounding mode")
	}
	if strings.TrimSpace(t.Source) == "" {
		e.Add("source", "must cite its source")
	}
	return e.Err()
}

// ECL returns PD × LGD × EAD for the segment and stage, computed exactly
// and rounded once to the minor unit (undiscounted; a host discounting
// lifetime losses supplies the discounted PD). EAD 10,000, PD 2 %, LGD 45 %
// gives 90. A negative EAD returns a *fault.Fields (ErrInvalidInput)
// naming "ead".
func (t ECLTable) ECL(segment string, stage Stage, ead money.Amount) (money.Amount, error) {
	if ead.IsNegative() {
		e := inputErrors()
		e.Add("ead", "must not be negative")
		return money.Amount{}, e
	}
	for _, r := range t.Rows {
		if r.Segment == segment && r.Stage == stage {
			pl, err := r.PD.Mul(r.LGD.Num(), r.LGD.Den())
			if err != nil {
				return money.Amount{}, fmt.Errorf("%w: %v", ErrOutOfRange, err)
			}
			return ead.MulRate(pl, t.Rounding)
		}
	}
	return money.Amount{}, fmt.Errorf("%w: no ECL row for segment %q %s", ErrNoMatch, segment, stage)
}

// EAD returns the exposure at default drawn + undrawn × CCF, rounded
// half-up to the minor unit (a second rounding point before ECL; pass a
// zero undrawn amount to avoid it). Bad input returns a *fault.Fields
// (ErrInvalidInput) naming every bad field: "drawn" or "undrawn" when
// negative, "undrawn" in another currency than drawn, "ccf" outside 0..1.
func EAD(drawn, undrawn money.Amount, ccf money.Rate) (money.Amount, error) {
	e := inputErrors()
	if drawn.IsNegative() {
		e.Add("drawn", "must not be negative")
	}
	if undrawn.IsNegative() {
		e.Add("undrawn", "must not be negative")
	}
	if !drawn.SameCurrency(undrawn) {
		e.Add("undrawn", "must be in the currency of drawn")
	}
	if ccf.IsNegative() || ccf.Cmp(oneRate) > 0 {
		e.Add("ccf", "must be within 0..1")
	}
	if err := e.Err(); err != nil {
		return money.Amount{}, err
	}
	u, err := undrawn.MulRate(ccf, money.HalfUp)
	if err != nil {
		return money.Amount{}, err
	}
	return drawn.Add(u), nil
}
