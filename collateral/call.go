package collateral

import (
	"fmt"
	"github.com/google/uuid"
	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
)

// Action is what a loan's coverage calls for as of a day.
type Action uint8

// Actions, from the mildest to the most severe.
const (
	ActionNone      Action = iota // within the warning LTV
	ActionWarn                    // above the warning LTV: watch, tell the borrower
	ActionRevalue                 // a breach that rests on expired or missing valuations: revalue before acting
	ActionCall                    // margin call: top up or add collateral by the deadline
	ActionLiquidate               // above the liquidation LTV, or a call not cured by its deadline: enforce
)

var actionNames = enumNames{"Action", []string{"none", "warn", "revalue", "call", "liquidate"}}

// String returns the action's name ("call").
func (a Action) String() string {
	if int(a) < len(actionNames.names) {
		return actionNames.names[a]
	}
	return actionNames.String(uint8(a))
}

// MarshalText encodes the action's name.
func (a Action) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText decodes an action's name ("none" included: it is the
// zero value, a valid outcome).
func (a *Action) UnmarshalText(b []byte) error {
	for i, n := range actionNames.names {
		if n == string(b) {
			*a = Action(i)
			return nil
		}
	}
	return fmt.Errorf("%w: unknown Action %q", ErrInvalidInput, b)
}

// CallStatus is the state of a margin call.
type CallStatus uint8

// Margin-call statuses.
const (
	CallOpen      CallStatus = iota + 1 // raised, deadline not passed
	CallCured                           // the shortfall was made good (final)
	CallEscalated                       // the deadline passed uncured: enforcement is due
)

var callStatusNames = enumNames{"CallStatus", []string{"", "open", "cured", "escalated"}}

// String returns the status name.
func (s CallStatus) String() string { return callStatusNames.String(uint8(s)) }

// CallEvent moves a margin call between statuses.
type CallEvent uint8

// Margin-call events.
const (
	CallEventCure     CallEvent = iota + 1 // shortfall back to zero
	CallEventEscalate                      // deadline passed with a shortfall
)

var callEventNames = enumNames{"CallEvent", []string{"", "cure", "escalate"}}

// String returns the event name.
func (e CallEvent) String() string { return callEventNames.String(uint8(e)) }

// callLifecycle: a call is cured (closed) once the shortfall is gone, even
// after escalation if the borrower pays before the sale.
var callLifecycle = table[CallStatus, CallEvent]{"margin call", map[move[CallStatus, CallEvent]]CallStatus{
	{CallOpen, CallEventCure}:      CallCured,
	{CallOpen, CallEventEscalate}:  CallEscalated,
	{CallEscalated, CallEventCure}: CallCured,
}}

// MarginCall is a demand that a borrower restore a loan to the allowed LTV
// by topping up (repaying) or adding collateral by a deadline.
type MarginCall struct {
	LoanID   uuid.UUID
	RaisedOn date.Date
	Deadline date.Date // last day to cure; the day after, the call escalates
	// Demanded is the shortfall when the call was raised.
	Demanded money.Amount
	// Shortfall is the shortfall at the latest evaluation.
	Shortfall money.Amount
	Status    CallStatus
	// ClosedOn is the day the call was found cured; EscalatedOn the day it
	// was found past its deadline.
	ClosedOn, EscalatedOn date.Date
}

// Call returns the live (open or escalated) margin call on a loan.
func (r *Register) Call(loan uuid.UUID) (MarginCall, bool) {
	c, ok := r.calls[loan]
	if !ok {
		return MarginCall{}, false
	}
	return *c, true
}

// CuredCalls returns the margin calls closed so far, in the order they were
// cured.
func (r *Register) CuredCalls() []MarginCall {
	return append([]MarginCall(nil), r.done...)
}

// follow updates the live call on a loan with the day's shortfall and
// threshold action, raising, curing or escalating it, and returns the
// action due and the live call (nil when none is left).
func (r *Register) follow(slot int32, loan uuid.UUID, day date.Date, base Action, shortfall money.Amount) (Action, *MarginCall) {
	var c *MarginCall
	if slot >= 0 {
		c = r.slotCall[slot]
	}
	if c == nil {
		if base != ActionCall || slot < 0 {
			return base, nil
		}
		c = &MarginCall{
			LoanID: loan, RaisedOn: day, Status: CallOpen,
			Deadline:  day.Add(date.PeriodOfDays(r.policy.Thresholds.CallDays)),
			Demanded:  shortfall,
			Shortfall: shortfall,
		}
		r.calls[loan] = c
		r.slotCall[slot] = c
		return ActionCall, c
	}
	c.Shortfall = shortfall
	if shortfall.IsZero() {
		c.Status, _ = callLifecycle.next(c.Status, CallEventCure) // both live statuses may cure
		c.ClosedOn = day
		r.done = append(r.done, *c)
		delete(r.calls, loan)
		r.slotCall[slot] = nil
		return base, nil
	}
	if c.Status == CallOpen && day.After(c.Deadline) {
		c.Status, _ = callLifecycle.next(c.Status, CallEventEscalate)
		c.EscalatedOn = day
	}
	if c.Status == CallEscalated {
		return ActionLiquidate, c
	}
	return max(base, ActionCall), c
}
