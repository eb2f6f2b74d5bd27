package collateral

import (
	"bytes"
	"slices"

	"github.com/google/uuid"
	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/lifecycle"
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

// actionNames names every action, "none" included: it is the zero value
// and a valid outcome.
var actionNames = enum.New[Action](ErrInvalidInput, "action", "none", "warn", "revalue", "call", "liquidate")

// String returns the action's name ("call").
func (a Action) String() string { return actionNames.String(a) }

// MarshalText encodes the action's name.
func (a Action) MarshalText() ([]byte, error) { return actionNames.MarshalText(a) }

// UnmarshalText decodes an action's name ("none" included).
func (a *Action) UnmarshalText(b []byte) error { return actionNames.UnmarshalText(b, a) }

// CallStatus is the state of a margin call.
type CallStatus uint8

// Margin-call statuses.
const (
	CallOpen      CallStatus = iota + 1 // raised, deadline not passed
	CallCured                           // the shortfall was made good (final)
	CallEscalated                       // the deadline passed uncured: enforcement is due
)

var callStatusNames = enum.New[CallStatus](ErrInvalidInput, "call_status", "", "open", "cured", "escalated")

// String returns the status name.
func (s CallStatus) String() string { return callStatusNames.String(s) }

// MarshalText encodes the status name.
func (s CallStatus) MarshalText() ([]byte, error) { return callStatusNames.MarshalText(s) }

// UnmarshalText decodes a status name.
func (s *CallStatus) UnmarshalText(b []byte) error { return callStatusNames.UnmarshalText(b, s) }

// live reports whether a call in this status is still to be cured.
func (s CallStatus) live() bool { return s == CallOpen || s == CallEscalated }

// CallEvent moves a margin call between statuses.
type CallEvent uint8

// Margin-call events.
const (
	CallEventCure     CallEvent = iota + 1 // shortfall back to zero
	CallEventEscalate                      // deadline passed with a shortfall
)

var callEventNames = enum.New[CallEvent](ErrInvalidInput, "call_event", "", "cure", "escalate")

// String returns the event name.
func (e CallEvent) String() string { return callEventNames.String(e) }

// MarshalText encodes the event name.
func (e CallEvent) MarshalText() ([]byte, error) { return callEventNames.MarshalText(e) }

// UnmarshalText decodes an event name.
func (e *CallEvent) UnmarshalText(b []byte) error { return callEventNames.UnmarshalText(b, e) }

// callLifecycle: a call is cured (closed) once the shortfall is gone, even
// after escalation if the borrower pays before the sale.
var callLifecycle = lifecycle.New("margin call", ErrIllegalTransition,
	lifecycle.Move[CallStatus, CallEvent]{From: CallOpen, On: CallEventCure, To: CallCured},
	lifecycle.Move[CallStatus, CallEvent]{From: CallOpen, On: CallEventEscalate, To: CallEscalated},
	lifecycle.Move[CallStatus, CallEvent]{From: CallEscalated, On: CallEventCure, To: CallCured},
)

// MarginCall is a demand that a borrower restore a loan to the allowed LTV
// by topping up (repaying) or adding collateral by a deadline.
type MarginCall struct {
	LoanID   uuid.UUID `json:"loan_id"`
	RaisedOn date.Date `json:"raised_on"`
	Deadline date.Date `json:"deadline"` // last day to cure; the day after, the call escalates
	// Demanded is the shortfall when the call was raised.
	Demanded money.Amount `json:"demanded"`
	// Shortfall is the shortfall at the latest evaluation.
	Shortfall money.Amount `json:"shortfall"`
	Status    CallStatus   `json:"status"`
	// ClosedOn is the day the call was found cured; EscalatedOn the day it
	// was found past its deadline.
	ClosedOn    date.Date `json:"closed_on,omitzero"`
	EscalatedOn date.Date `json:"escalated_on,omitzero"`
}

// Cover is a loan's part of the register: its live margin call, the calls
// cured, and the coverage last announced, so that a standing condition is
// reported when it arises or changes, not every day. It is one of the three
// parts a Register is stored as (with Item and Guarantor).
type Cover struct {
	Loan uuid.UUID `json:"loan"`
	// Call is the loan's live (open or escalated) margin call; nil when
	// none.
	Call *MarginCall `json:"call,omitempty"`
	// Cured are the loan's calls cured so far, in the order they closed.
	Cured []MarginCall `json:"cured,omitempty"`
	// Announced is the coverage Monitor last reported for the loan; nil
	// when its coverage calls for no action (or it was never reported).
	Announced *Announcement `json:"announced,omitempty"`
}

// Announcement is a loan's coverage as Monitor reported it. A change in
// the action, the call, the items, the stale items (by their number) or
// the collateral's market or lending value is news (Same); a change in the
// outstanding or the shortfall alone is not, or a standing warning on a
// loan in arrears would be announced again every day its interest or
// penalty accrues.
type Announcement struct {
	Outstanding  money.Amount `json:"outstanding"`
	MarketValue  money.Amount `json:"market_value"`
	LendingValue money.Amount `json:"lending_value"`
	Shortfall    money.Amount `json:"shortfall"`
	Action       Action       `json:"action"`
	CallStatus   CallStatus   `json:"call_status,omitzero"`
	CallDeadline date.Date    `json:"call_deadline,omitzero"`
	Items        int          `json:"items"`
	Stale        int          `json:"stale"`
}

// Same reports whether b says nothing new beside a: the two differ at
// most in the outstanding and the shortfall, which move with every day's
// accrual.
func (a Announcement) Same(b Announcement) bool {
	a.Outstanding, a.Shortfall = b.Outstanding, b.Shortfall
	return a == b
}

// announcement summarises a loan's coverage for comparison with the one
// last announced.
func announcement(c *LoanCoverage) Announcement {
	return Announcement{Outstanding: c.Outstanding, MarketValue: c.MarketValue, LendingValue: c.LendingValue,
		Shortfall: c.Shortfall, Action: c.Action, CallStatus: c.CallStatus, CallDeadline: c.CallDeadline,
		Items: c.Items, Stale: len(c.Stale)}
}

// clone returns a deep copy of the cover.
func (c *Cover) clone() Cover {
	out := Cover{Loan: c.Loan, Cured: slices.Clone(c.Cured)}
	if c.Call != nil {
		call := *c.Call
		out.Call = &call
	}
	if c.Announced != nil {
		a := *c.Announced
		out.Announced = &a
	}
	return out
}

// Live reports whether the cover has a live margin call or a standing
// announcement: the index a store keeps so that the daily Monitor loads
// it even when no live item secures its loan any more (an item sold with
// its call still open).
func (c *Cover) Live() bool { return c.Call != nil || c.Announced != nil }

// empty reports whether the cover holds nothing worth storing.
func (c *Cover) empty() bool { return c.Call == nil && len(c.Cured) == 0 && c.Announced == nil }

// Cover returns a copy of the loan's part of the register: its live call,
// cured calls and last announced coverage. A loan with none of these gets
// the zero Cover{Loan: loan}.
func (r *Register) Cover(loan uuid.UUID) Cover {
	if c, ok := r.covers[loan]; ok {
		return c.clone()
	}
	return Cover{Loan: loan}
}

// coverOf returns the loan's cover, making an empty one when it has none.
func (r *Register) coverOf(loan uuid.UUID) *Cover {
	c, ok := r.covers[loan]
	if !ok {
		c = &Cover{Loan: loan}
		r.covers[loan] = c
	}
	return c
}

// Call returns the live (open or escalated) margin call on a loan.
func (r *Register) Call(loan uuid.UUID) (MarginCall, bool) {
	c, ok := r.covers[loan]
	if !ok || c.Call == nil {
		return MarginCall{}, false
	}
	return *c.Call, true
}

// CuredCalls returns the margin calls closed so far, by the day they were
// cured and, on one day, by loan id; each loan's in the order they closed.
func (r *Register) CuredCalls() []MarginCall {
	var out []MarginCall
	for _, loan := range r.coverLoans() {
		out = append(out, r.covers[loan].Cured...)
	}
	slices.SortStableFunc(out, func(a, b MarginCall) int { return int(a.ClosedOn.Sub(b.ClosedOn)) })
	return out
}

// coverLoans returns the loans with a cover, sorted.
func (r *Register) coverLoans() []uuid.UUID {
	loans := make([]uuid.UUID, 0, len(r.covers))
	for loan := range r.covers {
		loans = append(loans, loan)
	}
	slices.SortFunc(loans, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	return loans
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
		r.coverOf(loan).Call = c
		r.slotCall[slot] = c
		r.changes.cover(loan)
		return ActionCall, c
	}
	if c.Shortfall != shortfall {
		c.Shortfall = shortfall
		r.changes.cover(loan)
	}
	if shortfall.IsZero() {
		c.Status, _ = callLifecycle.Next(c.Status, CallEventCure) // both live statuses may cure
		c.ClosedOn = day
		cv := r.covers[loan]
		cv.Cured = append(cv.Cured, *c)
		cv.Call = nil
		r.slotCall[slot] = nil
		r.changes.cover(loan)
		return base, nil
	}
	if c.Status == CallOpen && day.After(c.Deadline) {
		c.Status, _ = callLifecycle.Next(c.Status, CallEventEscalate)
		c.EscalatedOn = day
		r.changes.cover(loan)
	}
	if c.Status == CallEscalated {
		return ActionLiquidate, c
	}
	return max(base, ActionCall), c
}
