package scenario

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/line"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/schedule"
)

// LineID is the id of a scenario's credit line (open-line), a name-based
// UUID in LoanID's namespace, so the line's outbox records are the same
// bytes on every run.
var LineID = uuid.NewSHA1(LoanID, []byte("line"))

// openLine grants the scenario's borrower a credit line through
// Engine.OpenLine: the limit, revolving or not, valid from the event's
// date to until, any drawdown terms allowed.
func (r *runner) openLine(_ int, field string, day date.Date, ev *Event) error {
	limit, err := r.positive(field+".amount", ev.Amount)
	if err != nil {
		return err
	}
	until, _ := schedule.ParseDate(ev.Until) // checked by Parse
	t := line.Terms{ID: LineID, Borrower: borrower, BorrowerKind: loan.Individual, Product: "scenario",
		Purpose: "scenario", Limit: limit, Revolving: ev.Revolving, Committed: ev.Committed, From: day, Until: until,
		Dossier: dossier(day), OpenedBy: or(ev.Actor, officer)}
	if _, err := r.e.OpenLine(r.ctx, t, day); err != nil {
		return refusal(field, ".type", err)
	}
	r.line = LineID
	return nil
}

// drawdown draws the scenario's loan on the line through Engine.Drawdown,
// in place of a disbursement: the line's rules approve it and the Engine
// disburses it, with the investors' funding if any.
func (r *runner) drawdown(i int, field string, day date.Date, ev *Event) error {
	funding, err := r.funding(field+".funding", ev.Funding)
	if err != nil {
		return err
	}
	req := lendcore.DrawRequest{Loan: r.id, Terms: r.sc.Terms, By: or(ev.Actor, "scenario"),
		IdempotencyKey: or(ev.Key, fmt.Sprintf("event-%d", i)), Funding: funding}
	// The Engine books the disbursement at its clock.
	r.tick(r.book(day))
	r.booked = r.now
	if _, err := r.e.Drawdown(r.ctx, r.line, req); err != nil {
		return refusal(field, ".type", err)
	}
	r.disbursed = true
	return nil
}

// requestLimit files a limit change (Engine.AdjustLimit): a new permanent
// limit, or a temporary one to until.
func (r *runner) requestLimit(_ int, field string, day date.Date, ev *Event) error {
	limit, err := r.amount(field+".amount", ev.Amount)
	if err != nil {
		return err
	}
	c := line.Change{Limit: limit, RequestedBy: or(ev.Actor, officer), RequestedOn: day,
		Reason: or(ev.Reason, "limit-request")}
	if ev.Until != "" {
		c.Until, _ = schedule.ParseDate(ev.Until) // checked by Parse
	}
	_, err = r.e.AdjustLimit(r.ctx, r.line, c)
	return refusal(field, ".type", err)
}

// approveLimit approves the pending limit change as actor under the
// policies' lines authority (Engine.ApproveLimit).
func (r *runner) approveLimit(_ int, field string, day date.Date, ev *Event) error {
	_, _, err := r.e.ApproveLimit(r.ctx, r.line, r.lineAction(day, ev, "limit-approve"))
	return refusal(field, ".actor", err)
}

// rejectLimit refuses the pending limit change (Engine.RejectLimit).
func (r *runner) rejectLimit(_ int, field string, day date.Date, ev *Event) error {
	_, err := r.e.RejectLimit(r.ctx, r.line, r.lineAction(day, ev, ""))
	return refusal(field, ".actor", err)
}

// freezeLine stops drawdowns on the line (Engine.FreezeLine).
func (r *runner) freezeLine(_ int, field string, day date.Date, ev *Event) error {
	_, err := r.e.FreezeLine(r.ctx, r.line, r.lineAction(day, ev, ""))
	return refusal(field, ".type", err)
}

// unfreezeLine lifts a freeze (Engine.UnfreezeLine).
func (r *runner) unfreezeLine(_ int, field string, day date.Date, ev *Event) error {
	_, err := r.e.UnfreezeLine(r.ctx, r.line, r.lineAction(day, ev, ""))
	return refusal(field, ".type", err)
}

// lineAction is who decides a line event, when and why.
func (r *runner) lineAction(day date.Date, ev *Event, reason string) loan.Action {
	return loan.Action{Officer: or(ev.Actor, officer), On: day, Reason: or(ev.Reason, reason)}
}

// or returns s, or def when s is empty.
func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// LinePart is a report's view of the scenario's credit line on the
// report day (Engine.LineReview): its status, limit, what its loan owes
// and what is available, the utilisation, the warning rules that fire,
// the grade its facts get, its exposure at default and the provision of
// its converted undrawn part, and the limit change awaiting approval.
type LinePart struct {
	Status line.Status `json:"status"`
	lendcore.LineStanding
	Pending *line.Change `json:"pending,omitempty"`
}

// lineReport returns the line part of a report, or nil without a line.
func (r *runner) lineReport(field string, day date.Date) (*LinePart, error) {
	if r.line == uuid.Nil {
		return nil, nil
	}
	l, err := r.e.Line(r.ctx, r.line)
	if err != nil {
		return nil, fieldError(field, err)
	}
	st, err := r.e.LineReview(r.ctx, r.line, day)
	if err != nil {
		return nil, fieldError(field, err)
	}
	out := &LinePart{Status: l.Status(), LineStanding: st}
	if c, ok := l.Pending(); ok {
		out.Pending = &c
	}
	return out, nil
}
