package classify

import (
	"fmt"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// Fund-flow monitoring (资金流向监控): the host reports what it observes of
// a loan's money — the borrower's inflows into the account the repayment
// is to come from (Inflow facts: the amount that came in over a window),
// and what the loan's funds were used for (FundUse facts: an amount, the
// use, and whether it is off the agreed purpose). A FundFlowPolicy turns
// them into the cash-flow-behind-plan and purpose-deviation signals: the
// inflows against the installments the repayment plan has due over the
// same window ("compare the borrower's actual cash flow with the
// repayment plan"), and the share of the loan's principal used off
// purpose.

// FlowBand is one row of a fund-flow table: a threshold ratio and the
// severity of the signal it raises.
type FlowBand struct {
	Ratio    money.Rate `json:"ratio"`
	Severity Severity   `json:"severity"`
}

// FundFlowPolicy is the fund-flow table of a classification policy. The
// zero policy raises no signal (monitoring off).
type FundFlowPolicy struct {
	// CashFlow grades cash-flow-behind-plan by the ratio of the inflows of
	// the latest inflow report to the plan's installments due in its
	// window: every row whose Ratio the ratio is below applies, and the
	// worst severity counts. A window with nothing due raises nothing.
	CashFlow []FlowBand `json:"cash_flow,omitempty"`
	// Purpose grades purpose-deviation by the share of the loan's
	// principal reported used off purpose: every row whose Ratio the share
	// reaches applies (a share of zero raises nothing).
	Purpose  []FlowBand `json:"purpose,omitempty"`
	Evidence Evidence   `json:"evidence,omitempty"`
	Source   string     `json:"source,omitempty"`
}

// DefaultFundFlow returns the default fund-flow table: inflows below the
// plan's installments are low, below 80 % of them medium, below half high;
// any use off purpose is medium, a fifth of the principal or more high.
// The duty to monitor the account the repayment comes from and the use of
// the funds is the regulations' (the 2010 working-capital Measures on
// post-loan management and the collection account, the 2010 personal-loan
// Measures, arts. 34, 35 and 38); the figures are lender practice
// (NotFound).
func DefaultFundFlow() FundFlowPolicy {
	return FundFlowPolicy{
		CashFlow: []FlowBand{{money.MustRate("100%"), SeverityLow}, {money.MustRate("80%"), SeverityMedium},
			{money.MustRate("50%"), SeverityHigh}},
		Purpose:  []FlowBand{{money.MustRate("0%"), SeverityMedium}, {money.MustRate("20%"), SeverityHigh}},
		Evidence: NotFound,
		Source: "《流动资金贷款管理暂行办法》 (CBRC Order 2010 No. 1), post-loan management: monitor the collection account " +
			"and the flow of funds; 《个人贷款管理暂行办法》 (CBRC Order 2010 No. 2) arts. 34, 35, 38: check that payments " +
			"match the agreed purpose, track the use of the funds, pursue a use not as agreed; " +
			"the thresholds are lender practice",
	}
}

// validate adds the policy's problems to e under field.
func (p FundFlowPolicy) validate(e *fault.Fields, field string) {
	if len(p.CashFlow) == 0 && len(p.Purpose) == 0 && p.Evidence == evidenceUnset && p.Source == "" {
		return // off
	}
	for _, t := range []struct {
		name string
		rows []FlowBand
	}{{"cash_flow", p.CashFlow}, {"purpose", p.Purpose}} {
		for i, b := range t.rows {
			f := fmt.Sprintf("%s.%s[%d]", field, t.name, i)
			if b.Ratio.IsNegative() || t.name == "purpose" && b.Ratio.Cmp(oneRate) > 0 {
				e.Add(f+".ratio", "must be a ratio of at least 0 (at most 1 for the purpose share)")
			}
			if b.Severity == SeverityNone || !b.Severity.Valid() {
				e.Add(f+".severity", "must be low, medium or high")
			}
		}
	}
	checkCitation(e, field, p.Evidence, p.Source)
}

// FundFlow is what fund-flow monitoring observed of one loan on a day, and
// what it is measured against.
type FundFlow struct {
	// Reported says an inflow report is in force; From and To are its
	// window and Inflow what came in over it.
	Reported bool
	From, To date.Date
	Inflow   money.Amount
	// PlanDue is what the repayment plan has due in the window (the
	// caller's, from the loan's installments).
	PlanDue money.Amount
	// OffPurpose is the sum of the uses reported off purpose; Principal
	// the loan's principal (the caller's).
	OffPurpose money.Amount
	Principal  money.Amount
}

// FundFlowOf folds the Inflow and FundUse facts of journal (one loan's,
// in the order recorded) in force on day: the latest inflow report (by
// day) and the sum of the uses off purpose. Withdrawn facts are left out.
func FundFlowOf(journal []Fact, day date.Date) FundFlow {
	var ff FundFlow
	withdrawn := referenced(journal, day, Withdrawal, func(x *Fact) string { return x.Withdraws })
	for i := range journal {
		x := &journal[i]
		if x.Day.After(day) || withdrawn[x.Key] {
			continue
		}
		switch {
		case x.Kind == Inflow && (!ff.Reported || !x.Day.Before(ff.To)):
			ff.Reported, ff.From, ff.To, ff.Inflow = true, x.From, x.Day, x.Amount
		case x.Kind == FundUse && x.OffPurpose && ff.OffPurpose.SameCurrency(x.Amount):
			ff.OffPurpose = ff.OffPurpose.Add(x.Amount)
		}
	}
	return ff
}

// Signals returns the signals ff raises by the policy: cash-flow-behind-
// plan from the inflows against the plan, purpose-deviation from the share
// of the principal used off purpose.
func (p FundFlowPolicy) Signals(ff FundFlow) Signals {
	var s Signals
	if ff.Reported && ff.PlanDue.IsPositive() && ff.Inflow.SameCurrency(ff.PlanDue) {
		for _, b := range p.CashFlow {
			if cmpFrac(ff.Inflow.Minor(), ff.PlanDue.Minor(), b.Ratio.Num(), b.Ratio.Den()) < 0 {
				s = s.With(CashFlowBehindPlan, b.Severity)
			}
		}
	}
	if ff.OffPurpose.IsPositive() && ff.Principal.IsPositive() && ff.OffPurpose.SameCurrency(ff.Principal) {
		for _, b := range p.Purpose {
			if cmpFrac(ff.OffPurpose.Minor(), ff.Principal.Minor(), b.Ratio.Num(), b.Ratio.Den()) >= 0 {
				s = s.With(PurposeDeviation, b.Severity)
			}
		}
	}
	return s
}
