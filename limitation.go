package lendcore

import (
	"context"
	"strings"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/loan"
)

// Limitation is the limitation (诉讼时效) of the claim on a loan's
// borrower on a day, as Engine.Limitation works it out.
type Limitation struct {
	// Status is the period's state: running or not, its last restart,
	// its expiry (the last day to sue), days left, the warning due.
	Status collect.LimitationStatus `json:"status"`
	// Start is when the period first ran: the due date of the last
	// installment, or the acceleration date when that is earlier.
	Start date.Date `json:"start"`
	// DemandNoticeDue is the day by which a demand notice with the
	// debtor's signed receipt is next due; zero unless the loan's last
	// close graded it non-performing (collect.LimitationPolicy.DemandNoticeDue).
	DemandNoticeDue date.Date `json:"demand_notice_due,omitzero"`
}

// Limitation returns the limitation of the claim on the loan's borrower as
// of day under the loan's limitation policy (its product's, or the
// Engine's). The period runs from the
// due date of the last installment, or from acceleration when that comes
// first (Civil Code arts. 188–189), and restarts on each demand recorded
// as having reached the borrower (RecordContact, RecordDemand), on a
// lawsuit (RecordLegal) and on each repayment the borrower made, which
// acknowledges the debt (SPC limitation provisions art. 14). A reversed
// payment does not count, nor does a recovery or the proceeds of a sale
// of collateral (Liquidate), which come from a third party or from
// enforcement rather than from the debtor. Errors: storage.ErrNotFound for
// an unknown loan.
func (e *Engine) Limitation(ctx context.Context, id uuid.UUID, day date.Date) (Limitation, error) {
	rec, err := e.store.Loans().Get(ctx, id)
	if err != nil {
		return Limitation{}, err
	}
	l, err := e.decode(&rec)
	if err != nil {
		return Limitation{}, err
	}
	st, err := storedState(&rec)
	if err != nil {
		return Limitation{}, err
	}
	p, err := e.policiesOf(ctx, e.store, st.Product)
	if err != nil {
		return Limitation{}, err
	}
	pos, err := l.PositionAt(day)
	if err != nil {
		return Limitation{}, err
	}
	r, _, err := e.record(ctx, e.store, id)
	if err != nil {
		return Limitation{}, err
	}
	var out Limitation
	if n := len(pos.Installments); n > 0 {
		out.Start = pos.Installments[n-1].Due
	}
	if pos.AcceleratedOn != nil && pos.AcceleratedOn.Before(out.Start) {
		out.Start = *pos.AcceleratedOn
	}
	c := r.Claim(out.Start, acknowledgements(l.Journal()))
	out.Status = p.Limitation.Status(&c, day)
	if n, ok := p.Limitation.DemandNoticeDue(&c, day, st.Grade >= classify.Substandard); ok {
		out.DemandNoticeDue = n.PeriodEnd
	}
	return out, nil
}

// acknowledgements are the journal's payments by the debtor, each an
// acknowledgement of the debt: repayments and prepayments not reversed,
// except the proceeds of a sale of collateral (posted by Liquidate as a
// repayment under a "liquidation/" key).
func acknowledgements(journal []loan.Entry) []collect.LimitationEvent {
	reversed := make(map[uuid.UUID]bool)
	for _, en := range journal {
		if en.Kind == loan.Reversal {
			reversed[en.Reverses] = true
		}
	}
	var acks []collect.LimitationEvent
	for _, en := range journal {
		paid := en.Kind == loan.Repayment || en.Kind == loan.Prepayment
		if paid && !reversed[en.ID] && !strings.HasPrefix(en.IdempotencyKey, liquidationKey) {
			acks = append(acks, collect.LimitationEvent{Day: en.ValueDate, Kind: collect.Acknowledgement,
				Delivered: true, Evidence: "entry/" + en.IdempotencyKey})
		}
	}
	return acks
}
