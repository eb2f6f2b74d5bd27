package lendcore

import (
	"context"
	"slices"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/collateral"
	"github.com/lendcore/lendcore/storage"
)

// Coverage is what secures a loan on a day, worked out as the daily
// close's collateral step would work it out (Engine.Coverage).
type Coverage struct {
	// Collateral is the loan's coverage by its items: outstanding, market
	// and lending value, shortfall and the action it calls for. Its Items
	// is zero when no item secures the loan.
	Collateral collateral.LoanCoverage `json:"collateral"`
	// Cover holds the loan's live margin call, as the evaluation on the
	// day leaves it, and the calls cured before.
	Cover collateral.Cover `json:"cover"`
	// Guarantees is what the guarantees still enforceable on the day
	// cover; its Guarantees is zero when none is.
	Guarantees collateral.GuaranteeCoverage `json:"guarantees"`
	// Alerts are the alerts about the loan's guarantors on the day
	// (capacity shortfall, re-assessment due, period lapsing or lapsed).
	Alerts []collateral.Alert `json:"alerts,omitempty"`
	// Revaluations are the revaluations due on the day of the items
	// securing the loan.
	Revaluations []collateral.DueRevaluation `json:"revaluations,omitempty"`
}

// Coverage evaluates the security of a loan on day without recording
// anything: the items securing it (with the other loans they secure), its
// guarantors (with the other loans they guarantee), each loan's exposure
// folded from its journal to day (principal on the books plus overdue
// interest, penalty and fees; the claim still pursued once written off).
// A margin call the evaluation would raise, escalate or cure shows in
// Cover as it would stand, but only the daily close records it. Errors:
// storage.ErrNotFound when a loan the security names is unknown.
func (e *Engine) Coverage(ctx context.Context, loanID uuid.UUID, day date.Date) (Coverage, error) {
	var out Coverage
	err := e.store.WithTx(ctx, func(tx storage.Tx) error {
		out = Coverage{}
		var guarantors []uuid.UUID
		for rec, err := range tx.Collateral().Guarantors(ctx, storage.GuarantorFilter{LoanID: loanID}) {
			if err != nil {
				return err
			}
			guarantors = append(guarantors, rec.ID)
		}
		g, err := e.loadRegister(ctx, tx, scope{loans: []uuid.UUID{loanID}, guarantors: guarantors})
		if err != nil {
			return err
		}
		loans := slices.Clone(g.loans)
		for _, id := range guarantors {
			gr, err := g.reg.Guarantor(id)
			if err != nil {
				return err
			}
			for _, l := range gr.Loans() {
				if !slices.Contains(loans, l) {
					loans = append(loans, l)
				}
			}
		}
		exp, err := e.exposures(ctx, tx, loans, day)
		if err != nil {
			return err
		}
		if out.Alerts, err = g.reg.GuarantorAlerts(day, exp); err != nil {
			return err
		}
		gcov, err := g.reg.GuaranteeCoverage(day, exp)
		if err != nil {
			return err
		}
		cov, err := g.reg.Evaluate(day, exp)
		if err != nil {
			return err
		}
		for i := range exp {
			if exp[i].LoanID == loanID {
				out.Collateral, out.Guarantees = cov[i], gcov[i]
			}
		}
		out.Cover = g.reg.Cover(loanID)
		for _, due := range g.reg.DueRevaluations(day) {
			it, err := g.reg.Item(due.ItemID)
			if err != nil {
				return err
			}
			if slices.Contains(it.SecuredLoans(), loanID) {
				out.Revaluations = append(out.Revaluations, due)
			}
		}
		return nil
	})
	return out, err
}
